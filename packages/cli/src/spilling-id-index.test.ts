import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RescannedRecord } from './earlier-record.js';
import { SpillingIdIndex } from './spilling-id-index.js';
import { propertyRuns } from '../../../test/support/property-runs.js';

/** What a run does: add ids in order until one is rejected at once, then settle (at `limit`, if it failed there). */
async function firstDuplicate(ids: readonly string[], memoryIds: number, runKeys: number, limit?: number): Promise<number | undefined> {
  async function* rescan(): AsyncGenerator<RescannedRecord> {
    for (let index = 0; index < ids.length; index++) yield { id: ids[index]!, number: index, index, line: index + 1 };
  }
  const index = new SpillingIdIndex({ rescan, file: 'channels.ndjson', memoryIds, runKeys });
  try {
    const end = limit === undefined ? ids.length : limit + 1;
    for (let i = 0; i < end; i++) if (!index.add(ids[i]!)) return i;
    const error = await index.settle(limit);
    if (error !== undefined) {
      const id = ids[error.location.index!]!;
      expect(error.message).toBe(`channels.ndjson: line ${error.location.index! + 1}: field "channel.id": duplicate channel id ${JSON.stringify(id)}: line ${ids.indexOf(id) + 1} has the same id`);
    }
    return error?.location.index;
  } finally {
    index.close();
  }
}

/** The first position whose id an earlier position had. */
function reference(ids: readonly string[], limit = Number.POSITIVE_INFINITY): number | undefined {
  const seen = new Set<string>();
  for (let i = 0; i < ids.length && i <= limit; i++) {
    if (seen.has(ids[i]!)) return i;
    seen.add(ids[i]!);
  }
  return undefined;
}

describe('SpillingIdIndex', () => {
  it('names the temporary folder when it cannot write there, not the output', () => {
    const saved = process.env['TMPDIR'];
    process.env['TMPDIR'] = '/nonexistent-m3ugen-tmp';
    const index = new SpillingIdIndex({ rescan: async function* () {}, memoryIds: 2, runKeys: 2 });
    try {
      expect(() => ['a', 'b', 'c', 'd'].forEach((id) => index.add(id))).toThrow(
        'the duplicate check cannot keep ids on disk in "/nonexistent-m3ugen-tmp" (set TMPDIR to another folder): the folder does not exist',
      );
    } finally {
      if (saved === undefined) delete process.env['TMPDIR'];
      else process.env['TMPDIR'] = saved;
      index.close();
    }
  });

  it('finds the first duplicate, in memory or on disk, as a set of every id would (property)', async () => {
    // A small pool of ids makes duplicates common; tiny limits make several files.
    const ids = fc.array(fc.integer({ min: 0, max: 60 }).map((n) => `id-${n}`), { minLength: 1, maxLength: 80 });
    await fc.assert(
      fc.asyncProperty(ids, fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 5 }), fc.option(fc.nat({ max: 80 })), async (list, memoryIds, runKeys, limit) => {
        const at = limit === null ? undefined : Math.min(limit, list.length - 1);
        expect(await firstDuplicate(list, memoryIds, runKeys, at)).toBe(reference(list, at));
      }),
      { numRuns: propertyRuns(300) },
    );
  });

  it('merges files longer than one read (8,192 keys)', async () => {
    const ids = Array.from({ length: 25_000 }, (_, i) => `550e8400-e29b-41d4-a716-${String(i).padStart(12, '0')}`);
    expect(await firstDuplicate(ids, 5, 10_000)).toBeUndefined();
    ids[24_000] = ids[9_000]!;
    ids[24_500] = ids[3]!;
    expect(await firstDuplicate(ids, 5, 10_000)).toBe(24_000);
  });

  it('holds no more than its memory limit of ids, and removes its files', async () => {
    const index = new SpillingIdIndex({ rescan: async function* () {}, memoryIds: 10, runKeys: 4 });
    for (let i = 0; i < 100; i++) expect(index.add(`id-${i}`)).toBe(true);
    expect(index.spilledIds).toBe(90);
    expect(await index.settle()).toBeUndefined();
    index.close();
    expect(index.spilledIds).toBe(0);
  });
});
