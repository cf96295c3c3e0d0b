import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ArraySyntaxError, ElementTooLongError, JsonArraySplitter } from './json-array-splitter.js';
import { locateJsonError } from './json-error.js';

/**
 * Pushes `text` cut at `cuts` (offsets), then ends it; returns every value, or the syntax error and the values before it.
 * With `limited`, the splitter's element limit is about the whole text's length, so each JSON.parse of the fast way reads a third of it at most.
 * (A cut between the halves of a surrogate pair counts each half as 3 bytes, where the pair takes 4: 2 more per cut.)
 */
function split(text: string, cuts: readonly number[] = [], limited = false): { values: unknown[]; error?: ArraySyntaxError } {
  const splitter = new JsonArraySplitter(limited ? Buffer.byteLength(text, 'utf8') + 2 * cuts.length : Infinity);
  const values: unknown[] = [];
  const drain = (): void => {
    for (let run = splitter.next(); run !== undefined; run = splitter.next()) values.push(...run);
  };
  try {
    let from = 0;
    for (const cut of [...new Set(cuts)].sort((a, b) => a - b)) {
      splitter.push(text.slice(from, cut));
      drain();
      from = cut;
    }
    splitter.push(text.slice(from));
    drain();
    splitter.end();
    drain();
    return { values };
  } catch (error) {
    if (!(error instanceof ArraySyntaxError)) throw error;
    return { values, error };
  }
}

/** Records with the characters that could fool a splitter: quotes, backslashes, brackets and "}, {" in strings. */
const tricky = fc.stringMatching(/^[a-z"\\{}[\],: \n\t\u00e9\u{1f600}]{0,12}$/u);
const recordArb = fc.record({
  assigned_number: fc.integer({ min: 1, max: 1e6 }),
  channel: fc.record({ id: tricky, channel_name: tricky, extra: fc.oneof(fc.constant(null), fc.array(fc.dictionary(tricky, tricky), { maxLength: 2 })) }),
});
/** Elements as a pipeline writes them, and some that are not records at all. */
const elementArb = fc.oneof({ weight: 8, arbitrary: recordArb }, { weight: 1, arbitrary: fc.jsonValue() });

/** The array's text: compact, pretty-printed, or with whitespace of every kind between tokens. */
const textArb = fc
  .tuple(fc.array(elementArb, { maxLength: 30 }), fc.constantFrom<'compact' | 'pretty' | 'spaced'>('compact', 'pretty', 'spaced'))
  .map(([elements, layout]) => {
    if (layout === 'compact') return JSON.stringify(elements);
    if (layout === 'pretty') return `${JSON.stringify(elements, null, 2)}\n`;
    return ` \r\n[ ${elements.map((e) => JSON.stringify(e)).join(' \t,\r\n ')} ]\n\n`;
  });

const withCuts = textArb.chain((text) => fc.tuple(fc.constant(text), fc.array(fc.integer({ min: 0, max: text.length }), { maxLength: 12 })));

describe('JsonArraySplitter', () => {
  it('hands out the values JSON.parse gives for the whole array, wherever the text is cut', () => {
    fc.assert(
      fc.property(withCuts, fc.boolean(), ([text, cuts], limited) => {
        const { values, error } = split(text, cuts, limited);
        expect(error).toBeUndefined();
        expect(values).toEqual(JSON.parse(text));
      }),
      { numRuns: 400 },
    );
  });

  it('places a syntax error where a check of the whole text does, and says why as it does', () => {
    // One character inserted, removed or replaced: the error, if any, is the whole text's first one.
    const broken = withCuts.chain(([text, cuts]) =>
      fc.tuple(fc.constant(text), fc.constant(cuts), fc.integer({ min: 0, max: Math.max(0, text.length - 1) }), fc.constantFrom('', ',', '}', ']', '"', '{', '[', ':', 'x', '\\', '\u0001', '1')),
    );
    fc.assert(
      fc.property(broken, fc.boolean(), ([text, cuts, at, inserted], limited) => {
        const corrupted = text.slice(0, at) + inserted + text.slice(at + (inserted === '' ? 1 : 0));
        // The reader hands the splitter only text that starts as an array (it says what any other is).
        if (!/^[ \t\r\n]*\[/.test(corrupted)) return;
        const expected = locateJsonError(corrupted);
        const { values, error } = split(corrupted, cuts, limited);
        let whole: unknown;
        try {
          whole = JSON.parse(corrupted);
        } catch {
          whole = undefined;
        }
        if (expected === undefined) {
          // Still valid JSON: an array is read as it is; anything else is an error at its start or end.
          if (Array.isArray(whole)) expect({ values, error }).toEqual({ values: whole });
          else expect(error).toBeInstanceOf(ArraySyntaxError);
          return;
        }
        expect(error?.problem).toEqual({ line: expected.line, column: expected.column, reason: expected.reason });
      }),
      { numRuns: 1500 },
    );
  });

  it('says why, as a whole-text check does', () => {
    const problem = (text: string): unknown => split(text).error?.problem;
    expect(problem('[\n{"a": 1},\n}')).toEqual({ line: 3, column: 1, reason: 'unexpected "}"' });
    expect(problem('[{"a": 1},]')).toEqual({ line: 1, column: 11, reason: 'a comma before "]": JSON takes none after the last element' });
    expect(problem('[{"a": 1}] x')).toEqual({ line: 1, column: 12, reason: 'unexpected "x"' });
    expect(problem('[{"a": 1} {"a": 2}]')).toEqual({ line: 1, column: 11, reason: 'unexpected "{"' });
    expect(problem('[{"a": 1},\n{"a": 2')).toEqual({ line: 2, column: 8, reason: 'unexpected end of input' });
    expect(problem('[{"a": "b}, {]')).toEqual({ line: 1, column: 15, reason: 'unterminated string' });
    expect(problem('[{"a": "b}, {"]')).toEqual({ line: 1, column: 15, reason: 'unexpected "]"' });
    expect(problem('[{"a": 1}, {\'a\': 2}]')).toEqual({ line: 1, column: 13, reason: 'a key in single quotes: JSON keys and strings take double quotes' });
    expect(problem('[')).toEqual({ line: 1, column: 2, reason: 'unexpected end of input' });
    expect(split('[{"a": 1}, {"a": 2}, {"a": 3').values).toEqual([{ a: 1 }, { a: 2 }]);
  });

  it('knows a quote escaped by backslashes that ended the chunks before it', () => {
    expect(split('[{"a": "x\\"y"}]', [10]).values).toEqual([{ a: 'x"y' }]);
    expect(split('[{"a": "x\\\\"}, 1]', [11]).values).toEqual([{ a: 'x\\' }, 1]);
    // Chunks of backslashes alone, then the quote: three escape one another and the quote.
    expect(split('[{"a": "x\\\\\\"y"}]', [10, 11, 12]).values).toEqual([{ a: 'x\\"y' }]);
  });

  it('holds only the element being cut between pushes', () => {
    const splitter = new JsonArraySplitter();
    const element = JSON.stringify({ name: 'x'.repeat(1000) });
    splitter.push(`[${Array.from({ length: 100 }, () => element).join(',')},{"name": "cut here`);
    let count = 0;
    for (let run = splitter.next(); run !== undefined; run = splitter.next()) count += run.length;
    expect(count).toBe(100);
    expect(splitter.pendingText).toBe('{"name": "cut here');
    splitter.push('"}]');
    expect(splitter.next()).toEqual([{ name: 'cut here' }]);
    expect(splitter.pendingLength).toBe(0);
  });

  it('refuses an element longer than its limit in UTF-8 bytes, complete or not, and takes one at it', () => {
    const splitter = new JsonArraySplitter(20);
    splitter.push('[\n"0123456789abcdefgh",\n"é123456789abcdef01"');
    expect(splitter.next()).toEqual(['0123456789abcdefgh']);
    expect(() => splitter.next()).toThrow(ElementTooLongError);
    const open = new JsonArraySplitter(20);
    open.push('[{"a": 1}, {"b": "never closed');
    expect(open.next()).toEqual([{ a: 1 }]);
    let thrown: unknown;
    try {
      open.push(' ...');
      open.next();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ line: 1, index: 1 });
  });

  it('refuses a complete element over its limit that arrives inside one chunk with short ones around it', () => {
    const short = JSON.stringify({ a: 1 });
    const long = JSON.stringify({ b: 'x'.repeat(100) });
    const text = `[${[short, short, short, long, short].join(', ')}]`;
    for (const cut of [text.length, 10, 40]) {
      const splitter = new JsonArraySplitter(90);
      const values: unknown[] = [];
      let thrown: unknown;
      try {
        for (let at = 0; at < text.length; at += cut) {
          splitter.push(text.slice(at, at + cut));
          for (let run = splitter.next(); run !== undefined; run = splitter.next()) values.push(...run);
        }
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ElementTooLongError);
      expect(thrown).toMatchObject({ line: 1, index: 3 });
      expect(values).toEqual([{ a: 1 }, { a: 1 }, { a: 1 }]);
    }
    // Under the limit, one chunk far longer than it still gives every element.
    const many = `[${Array.from({ length: 1000 }, (_, i) => JSON.stringify({ i })).join(', ')}]`;
    const splitter = new JsonArraySplitter(90);
    splitter.push(many);
    splitter.end();
    const all: unknown[] = [];
    for (let run = splitter.next(); run !== undefined; run = splitter.next()) all.push(...run);
    expect(all).toEqual(JSON.parse(many));
  });
});
