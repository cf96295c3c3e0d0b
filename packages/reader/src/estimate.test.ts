import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { estimateGzipContent, estimateRecords } from './estimate.js';

const RECORD = '{"assigned_number": 1, "channel": {"id": "a", "channel_name": "Ä"}}';

function fileWith(text: string | Buffer, name = 'in.ndjson'): string {
  const path = join(mkdtempSync(join(tmpdir(), 'm3ugen-estimate-')), name);
  writeFileSync(path, text);
  return path;
}

describe('estimateRecords', () => {
  it('estimates the records of a file from its first MiB, exactly when that is the whole file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'm3ugen-estimate-'));
    const write = (name: string, text: string): [string, number] => {
      writeFileSync(join(dir, name), text);
      return [join(dir, name), Buffer.byteLength(text)];
    };
    expect(estimateRecords(...write('empty.ndjson', ''))).toBe(0);
    expect(estimateRecords(...write('three.ndjson', `${RECORD}\n${RECORD}\n${RECORD}`))).toBe(3);
    expect(estimateRecords(...write('three-nl.ndjson', `${RECORD}\n${RECORD}\n${RECORD}\n`))).toBe(3);
    const count = 50_000; // ~3.5 MB: the estimate scales the first MiB's lines up
    const estimate = estimateRecords(...write('large.ndjson', `${RECORD}\n`.repeat(count)));
    expect(estimate).toBeGreaterThanOrEqual(count);
    expect(estimate).toBeLessThanOrEqual(count * 1.001);
  });

  it('estimates the records of a JSON array by their number keys, however it is laid out', () => {
    const dir = mkdtempSync(join(tmpdir(), 'm3ugen-estimate-'));
    const write = (name: string, text: string): [string, number, 'json'] => {
      writeFileSync(join(dir, name), text);
      return [join(dir, name), Buffer.byteLength(text), 'json'];
    };
    const records = (count: number, camel = false): object[] =>
      Array.from({ length: count }, (_, i) => ({ [camel ? 'assignedNumber' : 'assigned_number']: i + 1, channel: { id: `id-${i}`, channel_name: `Channel ${i}`, group_title: 'News' } }));
    expect(estimateRecords(...write('empty.json', '[]'))).toBe(0);
    expect(estimateRecords(...write('three.json', JSON.stringify(records(3))))).toBe(3);
    expect(estimateRecords(...write('camel.json', JSON.stringify(records(3, true))))).toBe(3);
    const count = 40_000; // past the first MiB however laid out: the estimate scales it up
    for (const [name, text] of [
      ['compact.json', JSON.stringify(records(count))],
      ['pretty.json', JSON.stringify(records(count), null, 2)],
      ['lines.json', `[\n${records(count).map((r) => JSON.stringify(r)).join(',\n')}\n]\n`],
    ] as const) {
      const estimate = estimateRecords(...write(name, text));
      expect(estimate, name).toBeGreaterThan(count * 0.97);
      expect(estimate, name).toBeLessThan(count * 1.03);
    }
  });
});

describe('estimateGzipContent', () => {
  it("gives a gzip file's text size from its trailer and its records from its start", () => {
    const small = `${RECORD}\n`.repeat(3);
    expect(estimateGzipContent(fileWith(gzipSync(small)), gzipSync(small).length)).toEqual({ bytes: Buffer.byteLength(small), records: 3 });
    // Varied enough that the file is larger than the 64 KiB looked at.
    const lines = Array.from({ length: 200_000 }, (_, i) => `{"assigned_number": ${i + 1}, "channel": {"id": "${(i * 2654435761) % 1e9}", "channel_name": "C${i}"}}`);
    const text = `${lines.join('\n')}\n`;
    const gzipped = gzipSync(text);
    expect(gzipped.length).toBeGreaterThan(64 * 1024);
    const estimate = estimateGzipContent(fileWith(gzipped), gzipped.length);
    expect(estimate.bytes).toBe(Buffer.byteLength(text));
    expect(estimate.records).toBeGreaterThan(lines.length * 0.9);
    expect(estimate.records).toBeLessThan(lines.length * 1.1);
  });

  it("counts a gzip-compressed JSON array's records by their number keys", () => {
    const records = Array.from({ length: 200_000 }, (_, i) => ({ assigned_number: i + 1, channel: { id: `${(i * 2654435761) % 1e9}`, channel_name: `C${i}` } }));
    const text = JSON.stringify(records, null, 1);
    const gzipped = gzipSync(text);
    expect(gzipped.length).toBeGreaterThan(64 * 1024);
    const estimate = estimateGzipContent(fileWith(gzipped), gzipped.length, 'json');
    expect(estimate.bytes).toBe(Buffer.byteLength(text));
    expect(estimate.records).toBeGreaterThan(records.length * 0.9);
    expect(estimate.records).toBeLessThan(records.length * 1.1);
  });

  it('gives a file of several gzip members (cat a.gz b.gz) about the text of all of them, not its last member only', () => {
    const lines = Array.from({ length: 200_000 }, (_, i) => `{"assigned_number": ${i + 1}, "channel": {"id": "${(i * 2654435761) % 1e9}", "channel_name": "C${i}"}}`);
    const text = `${lines.join('\n')}\n`;
    // Ten members, the last of them small, as shards concatenated are.
    const cuts = [0, 20_000, 40_000, 60_000, 80_000, 100_000, 120_000, 140_000, 160_000, 199_000, 200_000];
    const members = cuts.slice(1).map((end, i) => gzipSync(`${lines.slice(cuts[i], end).join('\n')}\n`));
    const file = Buffer.concat(members);
    expect(members.at(-1)!.length).toBeLessThan(file.length / 100);
    const estimate = estimateGzipContent(fileWith(file), file.length);
    expect(estimate.bytes).toBeGreaterThan(Buffer.byteLength(text) * 0.7);
    expect(estimate.bytes).toBeLessThan(Buffer.byteLength(text) * 1.4);
    expect(estimate.records).toBeGreaterThan(lines.length * 0.7);
    expect(estimate.records).toBeLessThan(lines.length * 1.4);
  });
});
