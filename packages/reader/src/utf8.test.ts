import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { incompleteTail, otherEncoding, replacedField, utf8Faults } from './utf8.js';

const bytes = (...values: number[]): Buffer => Buffer.from(values);

describe('utf8Faults', () => {
  it.each([
    ['ASCII', Buffer.from('{"a":1}\n'), []],
    ['two-, three- and four-byte characters', Buffer.from('Télé 中文 😀\n'), []],
    ['a real U+FFFD', Buffer.from('a \ufffd b'), []],
    ['a Latin-1 byte on line 2', Buffer.from('ok\nCaf\xe9\n', 'latin1'), [{ newlinesBefore: 1, byte: 0xe9 }]],
    ['an overlong "/"', bytes(0x61, 0xc0, 0xaf), [{ newlinesBefore: 0, byte: 0xc0 }]],
    ['an encoded surrogate (CESU-8)', bytes(0xed, 0xa0, 0x80), [{ newlinesBefore: 0, byte: 0xed }]],
    ['a code point past U+10FFFF', bytes(0xf4, 0x90, 0x80, 0x80), [{ newlinesBefore: 0, byte: 0xf4 }]],
    ['a lone continuation byte', bytes(0x80, 0x0a), [{ newlinesBefore: 0, byte: 0x80 }]],
    ['a sequence cut short by the next character', bytes(0xe2, 0x82, 0x41), [{ newlinesBefore: 0, byte: 0xe2 }]],
    ['one fault per line, several lines', Buffer.from('\xff\xfe\nok\n\xe9', 'latin1'), [{ newlinesBefore: 0, byte: 0xff }]],
  ])('%s', (_name, input, faults) => {
    expect(utf8Faults(input)).toEqual(faults);
  });

  it('reports each line that has a fault', () => {
    expect(utf8Faults(Buffer.from('\xe9\nok\n\xe9 \xe9\n', 'latin1'))).toEqual([
      { newlinesBefore: 0, byte: 0xe9 },
      { newlinesBefore: 2, byte: 0xe9 },
    ]);
  });

  it('leaves a character cut at the end for the next chunk, which completes it with the carry', () => {
    const euro = Buffer.from('x€', 'utf8'); // 78 e2 82 ac
    expect(incompleteTail(euro.subarray(0, 3))).toBe(2);
    expect(utf8Faults(euro.subarray(0, 3))).toEqual([]);
    expect(utf8Faults(euro.subarray(3), euro.subarray(1, 3))).toEqual([]);
    // At the input's end, a cut character is a fault of the line it is on.
    expect(utf8Faults(Buffer.from('ok\nx€', 'utf8').subarray(0, 6), undefined, true)).toEqual([{ newlinesBefore: 1, byte: 0xe2 }]);
    // A carry the next chunk does not complete is a fault of the line it started.
    expect(utf8Faults(Buffer.from('A\n'), euro.subarray(1, 3))).toEqual([{ newlinesBefore: 0, byte: 0xe2 }]);
  });

  it('finds no fault exactly when node:buffer isUtf8 accepts the bytes (property)', () => {
    const byte = fc.oneof(fc.integer({ min: 0, max: 0x7f }), fc.integer({ min: 0x80, max: 0xff }), fc.constantFrom(0xc2, 0xe0, 0xed, 0xf0, 0xf4, 0x80, 0xbf, 0x0a));
    const utf8 = fc.string({ unit: 'binary', maxLength: 8 }).map((s) => [...Buffer.from(s, 'utf8')]);
    fc.assert(
      fc.property(fc.array(fc.oneof(byte.map((b) => [b]), utf8), { maxLength: 12 }), (parts) => {
        const input = Buffer.from(parts.flat());
        expect(utf8Faults(input).length === 0 && incompleteTail(input) === 0).toBe(isUtf8(input));
      }),
      { numRuns: 3000 },
    );
  });

  it('finds the same faulty lines whichever way the bytes are cut into chunks (property)', () => {
    const line = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 6 }).map((s) => Buffer.from(s.replaceAll('\n', ' '), 'utf8')),
      fc.uint8Array({ maxLength: 4 }).map((b) => Buffer.from(b.map((x) => (x === 0x0a ? 0x20 : x)))),
    );
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 6 }), fc.nat(), (lines, cutAt) => {
        const input = Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')]));
        const cut = cutAt % (input.length + 1);
        const first = input.subarray(0, cut);
        const tail = incompleteTail(first);
        const carry = first.subarray(first.length - tail);
        const linesOf = (faults: { newlinesBefore: number }[], offset: number) => faults.map((f) => f.newlinesBefore + offset);
        const newlinesInFirst = first.filter((b) => b === 0x0a).length;
        const chunked = [...new Set([...linesOf(utf8Faults(first), 0), ...linesOf(utf8Faults(input.subarray(cut), carry), newlinesInFirst)])];
        expect(chunked).toEqual(linesOf(utf8Faults(input), 0));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('replacedField', () => {
  it('names the first string holding U+FFFD, as the record spells it', () => {
    expect(replacedField({ assigned_number: 1, channel: { id: 'a', channel_name: 'Caf\ufffd', tvg_name: '\ufffd' } })).toBe('channel.channel_name');
    expect(replacedField({ channel: { tags: ['ok', 'x\ufffd'] } })).toBe('channel.tags[1]');
    expect(replacedField({ a: 1 })).toBeUndefined();
  });

  it('gives up past 32 levels instead of overflowing the stack on a record nested deeply', () => {
    const deep = JSON.parse(`${'['.repeat(200_000)}"\ufffd"${']'.repeat(200_000)}`) as unknown;
    expect(replacedField({ channel: { channel_name: 'ok', extra: deep } })).toBeUndefined();
    expect(replacedField({ channel: { extra: [[['x\ufffd']]] } })).toBe('channel.extra[0][0][0]');
  });
});

describe('otherEncoding', () => {
  it.each([
    ['a UTF-16LE byte order mark', bytes(0xff, 0xfe, 0x5b, 0x00), 'UTF-16LE'],
    ['a UTF-16BE byte order mark', bytes(0xfe, 0xff, 0x00, 0x5b), 'UTF-16BE'],
    ['a UTF-32LE byte order mark', bytes(0xff, 0xfe, 0x00, 0x00), 'UTF-32LE'],
    ['a UTF-32BE byte order mark', bytes(0x00, 0x00, 0xfe, 0xff), 'UTF-32BE'],
    ['"{" in UTF-16LE', bytes(0x7b, 0x00, 0x0a, 0x00), 'UTF-16LE'],
    ['"{" in UTF-16BE', bytes(0x00, 0x7b, 0x00, 0x0a), 'UTF-16BE'],
    ['"[" in UTF-32LE', bytes(0x5b, 0x00, 0x00, 0x00), 'UTF-32LE'],
    ['"[" in UTF-32BE', bytes(0x00, 0x00, 0x00, 0x5b), 'UTF-32BE'],
    ['UTF-8 JSON', Buffer.from('[{"a":1}]'), undefined],
    ['UTF-8 with a byte order mark', bytes(0xef, 0xbb, 0xbf, 0x7b), undefined],
    ['a one-line NDJSON "1"', Buffer.from('1\n'), undefined],
    ['one byte', bytes(0x00), undefined],
    ['nothing', bytes(), undefined],
  ])('%s', (_name, head, encoding) => {
    expect(otherEncoding(head)).toBe(encoding);
  });

  it('finds nothing in the first bytes of any UTF-8 JSON text', () => {
    fc.assert(fc.property(fc.json(), (json) => otherEncoding(Buffer.from(json)) === undefined));
  });
});
