import { execFileSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, mkdirSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { InputError, type ChannelSource, type NumberedChannel } from '@m3ugen/core';
import { describe, expect, it } from 'vitest';
import { NDJSON_BATCH_SIZE, openChannelReader } from './channel-reader.js';

const dir = mkdtempSync(join(tmpdir(), 'm3ugen-reader-'));
function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}
const record = (n: number, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ assigned_number: n, channel: { id: `550e8400-e29b-41d4-a716-${String(n).padStart(12, '0')}`, channel_name: `Channel ${n}`, ...extra } });

async function readAll(source: ChannelSource): Promise<NumberedChannel[]> {
  const out: NumberedChannel[] = [];
  for (let b = await source.nextBatch(); b; b = await source.nextBatch()) out.push(...b.channels.slice(b.start, b.end));
  return out;
}

async function failure(promise: Promise<unknown>): Promise<InputError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InputError);
  return error as InputError;
}

describe('openChannelReader', () => {
  it('reads a JSON array, knowing its size up front', async () => {
    const reader = await openChannelReader(file('a.json', `[${record(1)},${record(2)}]`));
    expect(reader.format).toBe('json');
    expect(reader.knownCount).toBe(2);
    expect((await readAll(reader)).map((c) => c.channel.channelName)).toEqual(['Channel 1', 'Channel 2']);
  });

  it('streams NDJSON, skipping blank lines and accepting CRLF, a BOM and a last line without newline', async () => {
    const path = file('a.ndjson', `\ufeff${record(1)}\r\n\n   \n${record(2)}\n${record(3, { tvg_logo: null })}`);
    const reader = await openChannelReader(path);
    expect(reader.format).toBe('ndjson');
    expect(reader.knownCount).toBeUndefined();
    expect((await readAll(reader)).map((c) => c.assignedNumber)).toEqual([1, 2, 3]);
    expect(reader.stats).toEqual({ records: 3, skipped: 0, lines: 5 });
  });

  it('accepts camelCase records and .jsonl', async () => {
    const camel = JSON.stringify({ assignedNumber: 4, channel: { id: 'x', channelName: 'X' } });
    expect((await readAll(await openChannelReader(file('c.jsonl', camel)))).map((c) => c.channel.channelName)).toEqual(['X']);
  });

  it('hands out batches before the stream ends (memory does not grow with the input)', async () => {
    const input = new PassThrough();
    input.write(`${record(1)}\n${record(2)}\n${record(3)}\n`);
    const reader = await openChannelReader('-', { stream: input, batchSize: 2, displayName: 'stdin' });
    const first = await reader.nextBatch();
    expect(first?.channels.map((c) => c.assignedNumber)).toEqual([1, 2]);
    input.end(`${record(4)}\n`);
    expect((await readAll(reader)).map((c) => c.assignedNumber)).toEqual([3, 4]);
  });

  it('hands over what a slow writer has written without waiting for a full batch (stdin, a pipe)', async () => {
    const input = new PassThrough();
    input.write(`${record(1)}\n${record(2)}\n{"assigned_nu`);
    const reader = await openChannelReader('-', { stream: input, displayName: 'stdin' });
    // Two complete records and part of a third: the batch of the first two comes now, not after 254 more.
    expect((await reader.nextBatch())?.channels.map((c) => c.assignedNumber)).toEqual([1, 2]);
    input.write(`mber":3,"channel":{"id":"550e8400-e29b-41d4-a716-000000000003","channel_name":"C"}}\n`);
    expect((await reader.nextBatch())?.channels.map((c) => c.assignedNumber)).toEqual([3]);
    input.end();
    expect(await reader.nextBatch()).toBeUndefined();
  });

  it('reads a file in full batches', async () => {
    const path = file('full.ndjson', `${Array.from({ length: 600 }, (_, i) => record(i + 1)).join('\n')}\n`);
    const reader = await openChannelReader(path);
    const sizes: number[] = [];
    for (let batch = await reader.nextBatch(); batch !== undefined; batch = await reader.nextBatch()) sizes.push(batch.end - batch.start);
    expect(sizes).toEqual([NDJSON_BATCH_SIZE, NDJSON_BATCH_SIZE, 600 - 2 * NDJSON_BATCH_SIZE]);
  });

  it.skipIf(!existsSync('/proc/self/fd'))('closes the file on close() before its end, and by itself at its end', async () => {
    const isOpen = (path: string): boolean => readdirSync('/proc/self/fd').some((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`) === path;
      } catch {
        return false; // the descriptor readdir itself used
      }
    });
    const path = file('close.ndjson', `${Array.from({ length: 600 }, (_, i) => record(i + 1)).join('\n')}\n`);
    const early = await openChannelReader(path);
    expect((await early.nextBatch())?.end).toBe(NDJSON_BATCH_SIZE);
    expect(isOpen(path)).toBe(true);
    await early.close();
    expect(isOpen(path)).toBe(false);
    expect(await early.nextBatch()).toBeUndefined();
    const whole = await openChannelReader(path);
    expect(await readAll(whole)).toHaveLength(600);
    expect(isOpen(path)).toBe(false);
  });

  it('tells a JSON array on stdin from NDJSON by its first character', async () => {
    const reader = await openChannelReader('-', { stream: Readable.from([`  \n[${record(1)}]`]) });
    expect(reader.format).toBe('json');
    expect(reader.knownCount).toBe(1);
  });

  it('reads NDJSON from a named pipe, whose data arrives while it waits (not a regular file)', async () => {
    const fifo = join(dir, 'channels.fifo');
    try {
      execFileSync('mkfifo', [fifo]);
    } catch {
      return; // no mkfifo here: nothing to check
    }
    const lines = Array.from({ length: 3000 }, (_, i) => record(i + 1)).join('\n');
    // The writer opens the pipe after the reader, and writes in pieces with pauses in between.
    const writer = (async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      const out = createWriteStream(fifo);
      for (let at = 0; at < lines.length; at += 50_000) {
        out.write(lines.slice(at, at + 50_000));
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      await new Promise((resolve) => out.end(resolve));
    })();
    const channels = await readAll(await openChannelReader(fifo));
    await writer;
    expect(channels.map((nc) => nc.assignedNumber)).toEqual(Array.from({ length: 3000 }, (_, i) => i + 1));
  });

  it('names the file, the NDJSON line and the field of a bad record', async () => {
    const path = file('bad.ndjson', `${record(1)}\n\n${record(2)}\n{"assigned_number": 3, "channel": {"id": "x"}}\n`);
    const reader = await openChannelReader(path, { displayName: 'bad.ndjson' });
    const error = await failure(readAll(reader));
    expect(error.message).toBe('bad.ndjson: line 4: field "channel.channel_name": required field is missing');
    expect(error.location).toMatchObject({ file: 'bad.ndjson', line: 4, index: 2, field: 'channel.channel_name' });
  });

  it('reports invalid JSON and truncated lines with their line number', async () => {
    const truncated = file('t.ndjson', `${record(1)}\n{"assigned_number": 2, "chan`);
    const error = await failure(readAll(await openChannelReader(truncated, { displayName: 't.ndjson' })));
    expect(error.message).toBe('t.ndjson: line 2: invalid JSON at column 29: unterminated string');
  });

  it('names the JSON index of a bad record in an array', async () => {
    const path = file('bad.json', `[${record(1)}, {"assigned_number": "two", "channel": {"id": "x", "channel_name": "X"}}]`);
    const error = await failure(readAll(await openChannelReader(path, { displayName: 'bad.json' })));
    expect(error.message).toBe('bad.json: record 1: field "assigned_number": expected an integer, got "two"');
  });

  it('reports a broken JSON file with the line of the error', async () => {
    const error = await failure(openChannelReader(file('broken.json', `[\n${record(1)},\n}`), { displayName: 'broken.json' }));
    expect(error.message).toBe('broken.json: line 3: invalid JSON at column 1: unexpected "}"');
  });

  it('refuses a JSON file that is not an array', async () => {
    const error = await failure(openChannelReader(file('obj.json', record(1)), { displayName: 'obj.json' }));
    expect(error.message).toBe('obj.json: expected a JSON array of channel records (use .ndjson for one record per line)');
  });

  it('skips invalid records on request, reporting each', async () => {
    const skipped: string[] = [];
    const path = file('mixed.ndjson', `${record(1)}\nnot json\n${record(3)}\n{"assigned_number": -1, "channel": {"id": "x", "channel_name": "X"}}\n`);
    const reader = await openChannelReader(path, { displayName: 'mixed.ndjson', skipInvalid: true, onSkip: (e) => skipped.push(e.message) });
    const channels = await readAll(reader);
    expect(channels.map((c) => c.assignedNumber)).toEqual([1, 3]);
    expect(reader.stats).toMatchObject({ records: 2, skipped: 2 });
    expect(skipped[0]).toBe('mixed.ndjson: line 2: invalid JSON at column 2: unexpected "o"');
    expect(skipped[1]).toBe('mixed.ndjson: line 4: field "assigned_number": expected a channel number >= 0, got number -1');
  });

  it('says why a file cannot be read', async () => {
    expect((await failure(openChannelReader(join(dir, 'none.ndjson'), { displayName: 'none.ndjson' }))).message).toBe(
      'none.ndjson: cannot read the input: no such file',
    );
    mkdirSync(join(dir, 'folder.json'));
    expect((await failure(openChannelReader(join(dir, 'folder.json'), { displayName: 'folder.json' }))).message).toBe(
      'folder.json: cannot read the input: is a directory',
    );
  });
});
