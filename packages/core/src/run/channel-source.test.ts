import { describe, expect, it } from 'vitest';
import type { NumberedChannel } from '../channel/model.js';
import { toChannelSource, type ChannelSource } from './channel-source.js';

const channels: NumberedChannel[] = Array.from({ length: 7 }, (_, i) => ({ assignedNumber: i + 1, channel: { id: `c${i}`, channelName: `C${i}` } }));

async function batches(source: ChannelSource): Promise<number[][]> {
  const out: number[][] = [];
  for (let b = await source.nextBatch(); b; b = await source.nextBatch()) {
    expect(b.firstIndex).toBe(out.flat().length);
    out.push(b.channels.slice(b.start, b.end).map((c) => c.assignedNumber));
  }
  return out;
}

describe('toChannelSource', () => {
  const expected = [[1, 2, 3], [4, 5, 6], [7]];

  it('serves arrays as windows, knowing their size', async () => {
    const source = toChannelSource(channels, 3);
    expect(source.knownCount).toBe(7);
    expect(await batches(source)).toEqual(expected);
  });

  it('batches sync and async iterables alike, size unknown', async () => {
    function* sync(): Generator<NumberedChannel> {
      yield* channels;
    }
    async function* later(): AsyncGenerator<NumberedChannel> {
      yield* channels;
    }
    const fromSync = toChannelSource(sync(), 3);
    expect(fromSync.knownCount).toBeUndefined();
    expect(await batches(fromSync)).toEqual(expected);
    expect(await batches(toChannelSource(later(), 3))).toEqual(expected);
    expect(await batches(toChannelSource(new Set(channels), 3))).toEqual(expected);
  });

  it('ends an iterator early on close(): the generator finishes, running its finally', async () => {
    const finished: string[] = [];
    function* sync(): Generator<NumberedChannel> {
      try {
        yield* channels;
      } finally {
        finished.push('sync');
      }
    }
    async function* later(): AsyncGenerator<NumberedChannel> {
      try {
        yield* channels;
      } finally {
        finished.push('async');
      }
    }
    for (const source of [toChannelSource(sync(), 3), toChannelSource(later(), 3)]) {
      expect((await source.nextBatch())?.end).toBe(3);
      await source.close?.();
      expect(await source.nextBatch()).toBeUndefined();
    }
    expect(finished).toEqual(['sync', 'async']);
  });

  it('passes a ChannelSource through', () => {
    const source: ChannelSource = { nextBatch: () => Promise.resolve(undefined) };
    expect(toChannelSource(source)).toBe(source);
  });
});
