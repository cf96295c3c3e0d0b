import { EntryCache, type NumberedChannel } from '@m3ugen/core';
import { attributes } from '@m3ugen/attributes';
import { createGenerator } from '@m3ugen/preset-default';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeChannels } from './support/channels.js';

const PROXY = '01ARZ3NDEKTSV4RRFFQ69G5FAV';

/** A fresh copy of every record, as a pipeline that re-reads its data would pass them. */
const copy = (channels: readonly NumberedChannel[]): NumberedChannel[] => channels.map((nc) => ({ ...nc, channel: { ...nc.channel } }));

async function full(channels: readonly NumberedChannel[], options = {}) {
  return createGenerator({ proxyId: PROXY, ...options }).generate(channels);
}

describe('incremental regeneration (EntryCache)', () => {
  it('re-renders only changed channels and writes exactly what a full run writes, warnings included', async () => {
    const channels = makeChannels(2000);
    const generator = createGenerator({ proxyId: PROXY });
    const cache = new EntryCache();
    await generator.generate(channels, { cache });
    const next = copy(channels);
    for (let i = 0; i < next.length; i += 100) next[i] = { ...next[i]!, channel: { ...next[i]!.channel, channelName: `Renamed ${i}`, tvgLogo: null } };
    const incremental = await generator.generate(next, { cache });
    const reference = await full(next);
    expect(incremental.playlist).toBe(reference.playlist);
    expect(incremental.warnings).toEqual(reference.warnings);
    expect(incremental.metrics.reusedEntries).toBe(2000 - 20);
    expect(cache.stats).toEqual({ size: 2000, reused: 1980, rendered: 20 });
  });

  it('notices unknown fields, moves, removals and additions', async () => {
    const channels = makeChannels(50);
    const generator = createGenerator({ proxyId: PROXY, plugins: [attributes({ attributes: [{ name: 'provider', field: 'provider' }] })] });
    const cache = new EntryCache();
    await generator.generate(channels, { cache });
    const next = copy(channels).slice(1); // every channel moves up one position
    next[5] = { ...next[5]!, channel: { ...next[5]!.channel, provider: 'b' } };
    next.push(...makeChannels(60).slice(50));
    const incremental = await generator.generate(next, { cache });
    expect(incremental.playlist).toBe((await createGenerator({ proxyId: PROXY, plugins: [attributes({ attributes: [{ name: 'provider', field: 'provider' }] })] }).generate(next)).playlist);
    expect(incremental.metrics.reusedEntries).toBe(0);
    expect(cache.stats.size).toBe(59);
  });

  it('still rejects a changed channel that duplicates an unchanged one', async () => {
    const channels = makeChannels(10);
    const generator = createGenerator({ proxyId: PROXY });
    const cache = new EntryCache();
    await generator.generate(channels, { cache });
    const next = copy(channels);
    next[7] = { ...next[7]!, channel: { ...next[7]!.channel, id: channels[2]!.channel.id } };
    await expect(generator.generate(next, { cache })).rejects.toThrow('record 7: field "channel.id": duplicate channel id');
  });

  it('starts over when the options change', async () => {
    const channels = makeChannels(10);
    const generator = createGenerator({ proxyId: PROXY });
    const cache = new EntryCache();
    await generator.generate(channels, { cache });
    const moved = await generator.generate(channels, { cache, baseUrl: 'https://tv.example' });
    expect(moved.metrics.reusedEntries).toBe(0);
    expect(moved.playlist).toBe((await full(channels, { baseUrl: 'https://tv.example' })).playlist);
  });

  it('gives the bytes of a full run over any sequence of edits (property)', async () => {
    const edit = fc.record({ at: fc.nat({ max: 29 }), name: fc.string({ maxLength: 8 }), drop: fc.boolean() });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(edit, { maxLength: 5 }), { minLength: 1, maxLength: 4 }), async (rounds) => {
        const generator = createGenerator({ proxyId: PROXY });
        const cache = new EntryCache();
        let current = makeChannels(30);
        await generator.generate(current, { cache });
        for (const edits of rounds) {
          current = copy(current);
          for (const e of edits) {
            const at = e.at % current.length;
            if (e.drop && current.length > 1) current.splice(at, 1);
            else current[at] = { ...current[at]!, channel: { ...current[at]!.channel, channelName: `${e.name}x`, tvgName: e.name === '' ? null : e.name } };
          }
          const incremental = await generator.generate(current, { cache });
          const reference = await full(current);
          expect(incremental.playlist).toBe(reference.playlist);
          expect(incremental.warnings).toEqual(reference.warnings);
        }
      }),
      { numRuns: 60 },
    );
  });
});
