import { describe, expect, it } from 'vitest';
import { attributeProblem, formatAttributes } from './attributes.js';

describe('formatAttributes', () => {
  it('writes each attribute as ` name="value"`, values made safe, numbers and booleans as text', () => {
    const list = [
      { name: 'tvg-id', value: 'a"b\nc' },
      { name: 'catchup-days', value: 7 as unknown as string },
      { name: 'x-flag', value: true as unknown as string },
      { name: 'tvg-logo', value: null as unknown as string },
    ];
    expect(formatAttributes(list)).toBe(` tvg-id="a'b c" catchup-days="7" x-flag="true" tvg-logo=""`);
    // Written again from the names it has seen: the same text.
    expect(formatAttributes(list)).toBe(` tvg-id="a'b c" catchup-days="7" x-flag="true" tvg-logo=""`);
  });

  it('refuses a name that would break the line every time it is given, and keeps writing valid names', () => {
    for (let i = 0; i < 2; i++) {
      expect(() => formatAttributes([{ name: 'a" b', value: 'v' }])).toThrow(expect.objectContaining({ code: 'E_ATTRIBUTE_NAME' }));
      expect(() => formatAttributes([{ name: 42 as unknown as string, value: 'v' }])).toThrow('invalid attribute name number 42');
      expect(attributeProblem({ name: 'a" b', value: 'v' })).toMatch(/^has the invalid name/);
    }
    expect(formatAttributes([{ name: 'tvg_x.y:z-1', value: 'v' }])).toBe(' tvg_x.y:z-1="v"');
  });

  it('names the attribute whose value is neither text, a number nor a boolean', () => {
    expect(() => formatAttributes([{ name: 'epg', value: { lang: 'de' } as unknown as string }])).toThrow('attribute "epg": the value is an object');
  });
});
