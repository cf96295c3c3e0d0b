import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { locateJsonError } from './json-error.js';

describe('locateJsonError', () => {
  it.each(['{}', '[]', '[1, -2.5e3, "a\\u00e9\\n", true, false, null, {"a": [{}]}]', ' \n{"k":"v"}\n '])('accepts valid JSON %j', (text) => {
    expect(locateJsonError(text)).toBeUndefined();
    expect(() => JSON.parse(text)).not.toThrow();
  });

  it.each([
    ['{"a": 1,}', 1, 9, 'a comma before "}": JSON takes none after the last member'],
    ['[1, 2,\n]', 2, 1, 'a comma before "]": JSON takes none after the last element'],
    ["{'a': 1}", 1, 2, 'a key in single quotes: JSON keys and strings take double quotes'],
    ['{"a": \'x\'}', 1, 7, 'a string in single quotes: JSON strings take double quotes'],
    ['{a: 1}', 1, 2, 'a key without quotes: JSON keys take double quotes'],
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

  it('copes with nesting deeper than the call stack, finding the error at its place', () => {
    const depth = 200_000;
    expect(locateJsonError(`${'['.repeat(depth)}${']'.repeat(depth)}`)).toBeUndefined();
    expect(locateJsonError(`{"a":${'[{"b":'.repeat(depth)}1${'}]'.repeat(depth)}}`)).toBeUndefined();
    const unclosed = `{"x":${'['.repeat(depth)}}}\n`;
    expect(locateJsonError(unclosed)).toEqual({ offset: 5 + depth, line: 1, column: 6 + depth, reason: 'unexpected "}"' });
  });

  it('finds a problem exactly when JSON.parse rejects the text (property)', () => {
    // Valid JSON with one character changed, inserted or removed: mostly invalid, sometimes still valid.
    const edited = fc
      .tuple(fc.json(), fc.nat(), fc.constantFrom('delete', 'insert', 'replace'), fc.constantFrom(...'{}[],:"\\ \n0-1.eEtfn\u0001x'))
      .map(([json, at, edit, ch]) => {
        const k = json.length === 0 ? 0 : at % json.length;
        if (edit === 'delete') return json.slice(0, k) + json.slice(k + 1);
        if (edit === 'insert') return json.slice(0, k) + ch + json.slice(k);
        return json.slice(0, k) + ch + json.slice(k + 1);
      });
    fc.assert(
      fc.property(edited, (text) => {
        let valid = true;
        try {
          JSON.parse(text);
        } catch {
          valid = false;
        }
        const problem = locateJsonError(text);
        expect(problem === undefined).toBe(valid);
        if (problem !== undefined) expect(problem.offset).toBeLessThanOrEqual(text.length);
      }),
      { numRuns: 2000 },
    );
  });
});
