import { Readable } from 'node:stream';
import { InputError } from '@m3ugen/core';
import { createGenerator } from '@m3ugen/preset-default';
import { openChannelReader } from '@m3ugen/reader';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertyRuns } from './support/property-runs.js';

/**
 * A JSON array is read as a stream (decisions #29). Whatever its layout and
 * however its bytes arrive, a run over it must give what a run over the same
 * records as NDJSON gives: the same playlist, the same records skipped for
 * the same reasons, at the same places.
 */

const PROXY = '01ARZ3NDEKTSV4RRFFQ69G5FAV';
const text = fc.stringMatching(/^[A-Za-z0-9 "\\{}[\],:é😀\n]{0,10}$/u);
const valid = fc.record({
  assigned_number: fc.nat({ max: 1_000_000 }),
  channel: fc.record({
    id: fc.uuid(),
    channel_name: fc.string({ minLength: 1, maxLength: 10 }),
    tvg_logo: fc.option(text, { nil: undefined }),
    group_title: fc.option(text),
    extra: fc.option(fc.array(fc.dictionary(text, text, { maxKeys: 2 }), { maxLength: 2 }), { nil: undefined }),
  }),
});
/** Records a pipeline might write, valid or not: the reader names the bad ones the same way in both formats. */
const anyRecord = fc.oneof(
  { weight: 10, arbitrary: valid },
  { weight: 1, arbitrary: valid.map((r) => ({ ...r, assigned_number: -1 })) },
  { weight: 1, arbitrary: valid.map((r) => ({ assigned_number: r.assigned_number, channel: { id: r.channel.id } })) },
  { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.constant(null), fc.array(fc.integer(), { maxLength: 2 })) },
);

/** Distinct numbers and ids, so no run stops at a duplicate and every record is read. */
function distinct(records: unknown[]): unknown[] {
  return records.map((r, i) => {
    if (typeof r !== 'object' || r === null || Array.isArray(r)) return r;
    const record = r as { assigned_number: number; channel: { id?: string } };
    return { ...record, assigned_number: record.assigned_number < 0 ? -1 : i + 1, channel: { ...record.channel, id: record.channel.id === undefined ? undefined : `${record.channel.id.slice(0, 24)}${String(i).padStart(12, '0')}` } };
  });
}

const layouts = {
  compact: (records: unknown[]) => JSON.stringify(records),
  pretty: (records: unknown[]) => `${JSON.stringify(records, null, 2)}\n`,
  'one per line': (records: unknown[]) => `[\n${records.map((r) => JSON.stringify(r)).join(',\n')}\n]\n`,
};

/** The text in pieces cut at `cuts`, as bytes (a multi-byte character may be cut too). */
function pieces(content: string, cuts: number[]): Buffer[] {
  const bytes = Buffer.from(content);
  const at = [...new Set(cuts.map((c) => Math.min(c, bytes.length)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const cut of [...at, bytes.length]) {
    out.push(bytes.subarray(from, cut));
    from = cut;
  }
  return out;
}

async function run(content: Buffer[], name: string, format: 'json' | 'ndjson'): Promise<{ playlist: string; skipped: { index: number | undefined; reason: string }[] }> {
  const skipped: { index: number | undefined; reason: string }[] = [];
  const reader = await openChannelReader('-', { stream: Readable.from(content), format, displayName: name, skipInvalid: true, onSkip: (error: InputError) => skipped.push({ index: error.location.index, reason: error.reason }) });
  const generator = createGenerator({ proxyId: PROXY, strict: false });
  const { playlist } = await generator.generate(reader, { strategy: 'streaming' });
  return { playlist, skipped };
}

describe('a JSON array read as a stream', () => {
  it('gives the playlist and the skipped records the same records give as NDJSON, in any layout, cut anywhere', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(anyRecord, { maxLength: 40 }),
        fc.constantFrom(...(Object.keys(layouts) as (keyof typeof layouts)[])),
        fc.array(fc.nat({ max: 20_000 }), { maxLength: 8 }),
        async (generated, layout, cuts) => {
          // An array on NDJSON's first line is said to be a JSON array there, not a bad record.
          const records = distinct(generated).map((r, i) => (i === 0 && Array.isArray(r) ? null : r));
          const ndjson = await run([Buffer.from(records.map((r) => JSON.stringify(r)).join('\n'))], 'c.ndjson', 'ndjson');
          const array = await run(pieces(layouts[layout](records), cuts), 'c.json', 'json');
          expect(array.playlist).toBe(ndjson.playlist);
          expect(array.skipped).toEqual(ndjson.skipped);
        },
      ),
      { numRuns: propertyRuns(150) },
    );
  });
});
