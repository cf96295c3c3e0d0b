import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ReplayableInput } from './replayable-input.js';

const chunks = ['{"a": 1}\n', '{"a": 2}\n', '{"a": 3}\n', '{"a": 4}\n'].map((text) => Buffer.from(text));

/** Reads `count` chunks through the reader's view of `input`. */
async function readSome(reader: AsyncIterator<Buffer | string>, count: number): Promise<Buffer[]> {
  const read: Buffer[] = [];
  for (let i = 0; i < count; i++) read.push((await reader.next()).value as Buffer);
  return read;
}

async function all(stream: AsyncIterable<Buffer | string>): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += chunk.toString();
  return text;
}

describe('ReplayableInput', () => {
  it('gives the whole stream again, the chunks the reader read first, once the reader has let go of it', async () => {
    const stream = Readable.from(chunks, { objectMode: true });
    const input = new ReplayableInput(stream);
    const reader = input.forReader[Symbol.asyncIterator]();
    expect(await readSome(reader, 2)).toEqual(chunks.slice(0, 2));
    // rest() is taken before the reader is closed, as the command does; the stream then outlives the reader.
    const replay = input.rest();
    await reader.return?.();
    expect(stream.destroyed).toBe(false);
    expect(await all(replay)).toBe(Buffer.concat(chunks).toString());
  });

  it('lets the reader end the stream when nothing is to be replayed, so a failed run does not wait on stdin', async () => {
    const stream = Readable.from(chunks, { objectMode: true });
    const input = new ReplayableInput(stream);
    input.forget();
    expect(input.replayable).toBe(false);
    const reader = input.forReader[Symbol.asyncIterator]();
    await readSome(reader, 1);
    await reader.return?.();
    expect(stream.destroyed).toBe(true);
    expect(() => input.rest()).toThrow(/cannot be read again from its start/);
  });

  it('stops keeping past 16 MiB, which no reader needs to tell a format', async () => {
    const big = Array.from({ length: 5 }, () => Buffer.alloc(4 << 20, 0x20));
    const input = new ReplayableInput(Readable.from(big, { objectMode: true }));
    const reader = input.forReader[Symbol.asyncIterator]();
    await readSome(reader, 4);
    expect(input.replayable).toBe(true);
    await readSome(reader, 1);
    expect(input.replayable).toBe(false);
  });
});
