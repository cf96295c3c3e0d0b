import { Writable } from 'node:stream';
import type { NumberedChannel } from '@m3ugen/core';
import { createGenerator } from '@m3ugen/preset-default';
import { STREAMING_CHUNK_CHARS } from '@m3ugen/strategy-streaming';
import { describe, expect, it } from 'vitest';
import { makeChannels } from './support/channels.js';

const PROXY = '01ARZ3NDEKTSV4RRFFQ69G5FAV';

/** A consumer that takes each chunk only after a timer tick, and records how much it ever had queued. */
function slowWritable(highWaterMark: number) {
  const stats = { maxBuffered: 0, bytes: 0, writes: 0 };
  const writable = new Writable({
    highWaterMark,
    write(chunk: Buffer, _encoding, callback) {
      stats.bytes += chunk.length;
      stats.writes++;
      setTimeout(callback, 0);
    },
  });
  const write = writable.write.bind(writable);
  writable.write = ((chunk: unknown, ...rest: never[]) => {
    const ok = write(chunk as string, ...rest);
    stats.maxBuffered = Math.max(stats.maxBuffered, writable.writableLength);
    return ok;
  }) as typeof writable.write;
  return { writable, stats };
}

async function* generated(count: number): AsyncGenerator<NumberedChannel> {
  // Channels are made as they are read, so the input holds no more than one batch.
  const template = makeChannels(1)[0]!;
  for (let i = 0; i < count; i++) {
    yield { assignedNumber: i + 1, channel: { ...template.channel, id: `550e8400-e29b-41d4-a716-${(i + 1).toString(16).padStart(12, '0')}` } };
  }
}

describe('streaming into a slow consumer', () => {
  it('keeps the bytes buffered in the output under highWaterMark plus one chunk', async () => {
    const { writable, stats } = slowWritable(16 * 1024);
    const { metrics } = await createGenerator({ proxyId: PROXY }).generate(makeChannels(20_000), { strategy: 'streaming', output: writable });
    const bound = 16 * 1024 + 3 * STREAMING_CHUNK_CHARS;
    expect(stats.writes).toBeGreaterThan(50);
    expect(stats.maxBuffered).toBeLessThanOrEqual(bound);
    expect(stats.bytes).toBe(metrics.bytes);
  });

  it('renders the next channels while the output takes the previous ones (the bound above still holds)', async () => {
    // A consumer that takes a while for each write, as a file stream's thread or a socket does.
    let inFlight = 0;
    let renderedWhileWriting = 0;
    const writable = new Writable({
      highWaterMark: 16 * 1024,
      write(_chunk: Buffer, _encoding, callback) {
        inFlight++;
        setTimeout(() => {
          inFlight--;
          callback();
        }, 1);
      },
    });
    const generator = createGenerator({ proxyId: PROXY });
    generator.hooks.extinfLine.tap({ name: 'watch', readsIndex: false }, (line) => {
      if (inFlight > 0) renderedWhileWriting++;
      return line;
    });
    await generator.generate(makeChannels(5_000), { strategy: 'streaming', output: writable });
    // Channels after the first write were rendered while a write was still being taken.
    expect(renderedWhileWriting).toBeGreaterThan(2_500);
  });

  it('does not buffer more for ten times the channels', async () => {
    const small = slowWritable(16 * 1024);
    const large = slowWritable(16 * 1024);
    await createGenerator({ proxyId: PROXY }).generate(generated(5_000), { strategy: 'streaming', output: small.writable });
    await createGenerator({ proxyId: PROXY }).generate(generated(50_000), { strategy: 'streaming', output: large.writable });
    expect(large.stats.bytes).toBeGreaterThan(9 * small.stats.bytes);
    expect(large.stats.maxBuffered).toBeLessThanOrEqual(16 * 1024 + 3 * STREAMING_CHUNK_CHARS);
  });

  it('bounds the async-iterable queue when the consumer reads slowly', async () => {
    let maxChunk = 0;
    let total = 0;
    const stream = createGenerator({ proxyId: PROXY }).stream(makeChannels(20_000), { strategy: 'streaming' });
    for await (const chunk of stream) {
      maxChunk = Math.max(maxChunk, chunk.length);
      total += Buffer.byteLength(chunk);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(maxChunk).toBeLessThanOrEqual(STREAMING_CHUNK_CHARS + 1024);
    expect(stream.result?.metrics.bytes).toBe(total);
  });

  it('cuts a batch larger than a chunk without splitting a surrogate pair', async () => {
    // One batch of names made almost only of emoji: its text is many chunks
    // long, and shifting it by one character (k) moves every cut from one half
    // of a pair to the other, so one of the two runs has cuts inside pairs.
    for (const k of [0, 1]) {
      const channels = makeChannels(1_024).map((nc, i) => ({ ...nc, channel: { ...nc.channel, channelName: `${i === 0 ? 'x'.repeat(k) : ''}${'📺'.repeat(500)}` } }));
      const generator = createGenerator({ proxyId: PROXY });
      const expected = (await generator.generate(channels, { strategy: 'in-memory' })).playlist;
      const chunks: string[] = [];
      for await (const chunk of generator.stream(channels, { strategy: 'streaming' })) chunks.push(chunk);
      expect(chunks.length).toBeGreaterThan(10);
      for (const chunk of chunks) {
        expect(chunk.length).toBeLessThanOrEqual(STREAMING_CHUNK_CHARS);
        expect(chunk.isWellFormed()).toBe(true);
      }
      expect(chunks.join('')).toBe(expected);
    }
  });

  it('stops the run with a clear error when the consumer stops reading', async () => {
    const generator = createGenerator({ proxyId: PROXY });
    const failures: Error[] = [];
    generator.hooks.runFailed.tap('test', (error) => void failures.push(error));
    for await (const chunk of generator.stream(makeChannels(20_000), { strategy: 'streaming' })) {
      expect(chunk.length).toBeGreaterThan(0);
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(failures[0]?.message).toBe('the consumer stopped reading the playlist');
  });

  it('lets timers run during a long run (yields to the event loop)', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const sink = new Writable({ write: (_c, _e, callback) => callback() });
    await createGenerator({ proxyId: PROXY }).generate(generated(200_000), { strategy: 'streaming', output: sink });
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(0);
  });
});

describe('bounded resources at scale', () => {
  it('streams 5,000,000 channels into a slow consumer with the buffer under its bound throughout', async () => {
    const { writable, stats } = slowWritable(64 * 1024);
    const { metrics } = await createGenerator({ proxyId: PROXY }).generate(generated(5_000_000), { strategy: 'streaming', output: writable });
    expect(metrics.channels).toBe(5_000_000);
    expect(stats.bytes).toBe(metrics.bytes);
    expect(stats.maxBuffered).toBeLessThanOrEqual(64 * 1024 + 3 * STREAMING_CHUNK_CHARS);
  }, 300_000);
});
