import { mkdtempSync, openSync, closeSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputParts, readPartText, type InputPart } from './input-parts.js';

const RECORD = '{"assigned_number": 1, "channel": {"id": "a", "channel_name": "Ä"}}';

/** Lines as the reader sees them: split at \n, a line is a record unless it trims to nothing. */
function expected(text: string): { lines: number; records: number[] } {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const records: number[] = [];
  lines.forEach((line, i) => {
    if (line.trim() !== '') records.push(i + 1);
  });
  return { lines: lines.length, records };
}

function split(text: string, recordsPerPart: number): InputPart[] {
  const path = join(mkdtempSync(join(tmpdir(), 'm3ugen-parts-')), 'in.ndjson');
  writeFileSync(path, text);
  const parts = new InputParts(path, recordsPerPart);
  const all: InputPart[] = [];
  for (let part = parts.next(); part !== undefined; part = parts.next()) all.push(part);
  parts.close();
  return all;
}

describe('InputParts', () => {
  it('cuts a file into runs of whole lines that start where the reader would count them', () => {
    const line = fc.oneof(
      { weight: 6, arbitrary: fc.constant(RECORD) },
      fc.constantFrom('', ' ', '\r', '\u00a0\t', `${RECORD}\r`, `\uFEFF${RECORD}`, '  {"x": 1}', 'not json ✓'),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 60 }), fc.boolean(), fc.integer({ min: 1, max: 7 }), (lines, finalNewline, perPart) => {
        const text = lines.join('\n') + (finalNewline && lines.length > 0 ? '\n' : '');
        const { records } = expected(text);
        const parts = split(text, perPart);
        expect(parts.reduce((n, p) => n + p.records, 0)).toBe(records.length);
        let at = 0;
        parts.forEach((part, i) => {
          expect(part.seq).toBe(i);
          expect(part.firstIndex).toBe(i * perPart);
          expect(part.records).toBe(Math.min(perPart, records.length - part.firstIndex));
          // Parts follow each other; each starts at a line start, and its first record is on or after its first line.
          if (i > 0) expect(part.start).toBe(parts[i - 1]!.end);
          expect(part.start === 0 || Buffer.from(text)[part.start - 1] === 0x0a).toBe(true);
          expect(records[part.firstIndex]! >= part.firstLine).toBe(true);
          expect(expected(Buffer.from(text).subarray(0, part.start).toString()).lines).toBe(part.firstLine - 1);
          at = part.end;
        });
        // Only blank lines may follow the last part.
        expect(Buffer.from(text).subarray(at).toString().trim()).toBe('');
      }),
      { numRuns: 300 },
    );
  });

  it('reads lines longer than its 1 MiB buffer', () => {
    const long = `{"pad": "${'x'.repeat(3 << 20)}"}`;
    const parts = split(`${RECORD}\n${long}\n\n${RECORD}\n`, 2);
    expect(parts.map((p) => [p.firstLine, p.firstIndex, p.records])).toEqual([
      [1, 0, 2],
      [3, 2, 1],
    ]);
  });

  it("gives a part's text: a string when it is all ASCII, else its bytes, for the reader to decode and check", () => {
    const path = join(mkdtempSync(join(tmpdir(), 'm3ugen-parts-')), 'in.ndjson');
    writeFileSync(path, `${RECORD}\n{"a": "plain"}\n`);
    const fd = openSync(path, 'r');
    const [first, second] = [
      { seq: 0, start: 0, end: Buffer.byteLength(`${RECORD}\n`), firstLine: 1, firstIndex: 0, records: 1 },
      { seq: 1, start: Buffer.byteLength(`${RECORD}\n`), end: Buffer.byteLength(`${RECORD}\n{"a": "plain"}\n`), firstLine: 2, firstIndex: 1, records: 1 },
    ];
    const nonAscii = readPartText(fd, first);
    expect(Buffer.isBuffer(nonAscii) ? nonAscii.toString('utf8') : 'a string').toBe(`${RECORD}\n`);
    expect(readPartText(fd, second)).toBe('{"a": "plain"}\n');
    closeSync(fd);
  });
});
