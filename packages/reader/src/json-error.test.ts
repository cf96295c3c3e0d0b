import { describe, expect, it } from 'vitest';
import { locateJsonError } from './json-error.js';

describe('locateJsonError', () => {
  it.each(['{}', '[]', '[1, -2.5e3, "a\\u00e9\\n", true, false, null, {"a": [{}]}]', ' \n{"k":"v"}\n '])('accepts valid JSON %j', (text) => {
    expect(locateJsonError(text)).toBeUndefined();
    expect(() => JSON.parse(text)).not.toThrow();
  });

  it.each([
    ['{"a": 1,}', 1, 9, 'unexpected "}"'],
    ['[1,\n2,\n}', 3, 1, 'unexpected "}"'],
    ['{"a": tru}', 1, 10, 'unexpected "}"'],
    ['{"a": "x', 1, 9, 'unterminated string'],
    ['{"a": "\u0001"}', 1, 8, 'unexpected control character U+0001'],
    ['[01]', 1, 3, 'unexpected "1"'],
    ['{"a": 1} x', 1, 10, 'unexpected "x"'],
    ['', 1, 1, 'unexpected end of input'],
  ])('locates the error in %j', (text, line, column, reason) => {
    expect(() => JSON.parse(text)).toThrow();
    expect(locateJsonError(text)).toMatchObject({ line, column, reason });
  });
});
