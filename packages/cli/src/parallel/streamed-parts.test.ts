import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { InputError } from '@m3ugen/core';
import { MAX_LINE_BYTES, readInputBytes } from '@m3ugen/reader';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputParts, type InputPart } from './input-parts.js';
import { StreamedParts, type InputBytes } from './streamed-parts.js';

const RECORD = '{"assigned_number": 1, "channel": {"id": "a", "channel_name": "Ä"}}';

function fileWith(text: string | Buffer, name = 'in.ndjson'): string {
  const path = join(mkdtempSync(join(tmpdir(), 'm3ugen-streamed-')), name);
  writeFileSync(path, text);
  return path;
}

/** `bytes` handed over in chunks of the given sizes (cycled), then `failure` thrown if given. */
function chunked(bytes: Buffer, sizes: readonly number[], failure?: Error): InputBytes {
  const stats = { bytesRead: 0 };
  async function* chunks(): AsyncGenerator<Buffer, void, undefined> {
    for (let at = 0, i = 0; at < bytes.length; i++) {
      const size = sizes[i % sizes.length]!;
      // A reused buffer, as the reader's is: the parts must have copied what they keep.
      const chunk = Buffer.from(bytes.subarray(at, at + size));
      at += size;
      stats.bytesRead = at;
      yield chunk;
      chunk.fill(0x21);
    }
    if (failure !== undefined) throw failure;
  }
  return { chunks: chunks(), stats };
}

async function all(parts: StreamedParts): Promise<InputPart[]> {
  const found: InputPart[] = [];
  for (let part = await parts.next(); part !== undefined; part = await parts.next()) found.push(part);
  await parts.close();
  return found;
}

function fromFile(text: string, recordsPerPart: number): InputPart[] {
  const parts = new InputParts(fileWith(text), recordsPerPart);
  const found: InputPart[] = [];
  for (let part = parts.next(); part !== undefined; part = parts.next()) found.push(part);
  parts.close();
  return found;
}

/** What the two kinds of part share: where they start in lines and records, and their text. */
function comparable(part: InputPart, bytes?: Buffer): unknown {
  // A part that stands for a line too long to read has no text either way.
  const text = part.text !== undefined ? Buffer.from(part.text) : bytes === undefined ? Buffer.alloc(0) : bytes.subarray(part.start, part.end);
  return { seq: part.seq, firstLine: part.firstLine, firstIndex: part.firstIndex, records: part.records, tooLong: part.tooLong, text: text.toString('latin1') };
}

describe('StreamedParts', () => {
  it('cuts the same parts as InputParts cuts from the file, however the bytes arrive', async () => {
    const line = fc.oneof(
      { weight: 6, arbitrary: fc.constant(RECORD) },
      fc.constantFrom('', ' ', '\r', '\u00a0\t', `${RECORD}\r`, `\uFEFF${RECORD}`, '  {"x": 1}', 'not json ✓'),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(line, { maxLength: 60 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 7 }),
        fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 5 }),
        async (lines, finalNewline, perPart, sizes) => {
          const text = lines.join('\n') + (finalNewline && lines.length > 0 ? '\n' : '');
          const bytes = Buffer.from(text);
          const streamed = await all(new StreamedParts(chunked(bytes, sizes), perPart));
          expect(streamed.map((part) => comparable(part))).toEqual(fromFile(text, perPart).map((part) => comparable(part, bytes)));
          // Each part's end is how far the input had been read when it was cut, and the next starts there.
          streamed.forEach((part, i) => {
            expect(part.end).toBeGreaterThanOrEqual(part.start);
            if (i > 0) expect(part.start).toBe(streamed[i - 1]!.end);
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('ends with a part that stands for a line too long to read, after the whole lines before it, as InputParts does', async () => {
    const text = `${RECORD}\n\n${RECORD}\n{"pad": "${'x'.repeat(MAX_LINE_BYTES)}"}\n${RECORD}\n`;
    const bytes = Buffer.from(text);
    const streamed = await all(new StreamedParts(chunked(bytes, [1 << 20]), 5));
    expect(streamed.map((part) => comparable(part))).toEqual(fromFile(text, 5).map((part) => comparable(part, bytes)));
    expect(streamed.map((p) => [p.firstLine, p.firstIndex, p.records, p.tooLong])).toEqual([
      [1, 0, 2, undefined],
      [4, 2, 0, true],
    ]);
  });

  it("ends, where the input cannot be read on, with the whole lines before and then a part holding the reader's error", async () => {
    const failure = new InputError('the input is not valid gzip data: it ends before its compressed data does (a cut file?)', { file: 'c.ndjson.gz' });
    const bytes = Buffer.from(`${RECORD}\n${RECORD}\n${RECORD}\n{"assigned_numb`);
    const streamed = await all(new StreamedParts(chunked(bytes, [7]), 2));
    // Read to its end, the last line is a line, newline or not (and the run's reader says what is wrong with it).
    expect(streamed.map((p) => [p.firstLine, p.records])).toEqual([
      [1, 2],
      [3, 2],
    ]);
    const cut = await all(new StreamedParts(chunked(bytes, [7], failure), 2));
    // The cut line is not a record: a run without workers fails before it has the rest of it.
    expect(cut.map((p) => [p.firstLine, p.firstIndex, p.records, p.failed])).toEqual([
      [1, 0, 2, undefined],
      [3, 2, 1, undefined],
      [4, 3, 0, failure],
    ]);
    expect(Buffer.from(cut[1]!.text!).toString()).toBe(`${RECORD}\n`);
  });

  it('reads a gzip file through the reader, and says how far through the compressed file it is', async () => {
    const text = `${RECORD}\n`.repeat(3_000);
    const path = fileWith(gzipSync(text), 'in.ndjson.gz');
    const input = readInputBytes(path);
    const streamed = await all(new StreamedParts(input, 1_024));
    expect(streamed.map((p) => p.records)).toEqual([1_024, 1_024, 952]);
    expect(streamed.map((p) => Buffer.from(p.text!).toString()).join('')).toBe(text);
    expect(streamed.at(-1)!.end).toBe(gzipSync(text).length);
  });
});
