import { constants } from 'node:buffer';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdtempSync, mkdirSync, readdirSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { InputError, recordIndex, recordLine, type ChannelSource, type NumberedChannel } from '@m3ugen/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_LINE_BYTES, NDJSON_BATCH_SIZE, openChannelReader, readInputBytes } from './channel-reader.js';

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

/** Whether this process holds `path` open (Linux). */
const isOpen = (path: string): boolean =>
  readdirSync('/proc/self/fd').some((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === path;
    } catch {
      return false; // the descriptor readdir itself used
    }
  });

/** `bytes` as a stream whose first `first` bytes come one read each (a writer's smallest writes), then the rest at once. */
const byteByByte = (bytes: Buffer, first = 6): Readable => Readable.from([...Array.from(bytes.subarray(0, first), (byte) => Buffer.from([byte])), bytes.subarray(first)]);

async function failure(promise: Promise<unknown>): Promise<InputError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InputError);
  return error as InputError;
}

describe('openChannelReader', () => {
  it('refuses options a JavaScript caller got wrong, naming the option: the config\'s skip_invalid, a format it does not read, a batch of none, text for a stream', async () => {
    const stream = (): Readable => Readable.from([`${record(1)}\n`]);
    const refused = async (options: object): Promise<string> => {
      const error = await openChannelReader('c.ndjson', { stream: stream(), ...options } as never).then(
        () => new Error('(opened)'),
        (thrown: unknown) => thrown as Error,
      );
      return error.message;
    };
    expect(await refused({ skip_invalid: true })).toBe('option "skip_invalid": unknown option (did you mean "skipInvalid"?)');
    expect(await refused({ format: 'csv' })).toBe('option "format": expected "json", "ndjson" or "auto", got "csv"');
    expect(await refused({ format: 'jsonl' })).toBe('option "format": expected "json", "ndjson" or "auto", got "jsonl" (did you mean "json"?)');
    expect(await refused({ batchSize: 0 })).toBe('option "batchSize": expected a positive whole number, got number 0');
    expect(await refused({ skipInvalid: 'yes' })).toBe('option "skipInvalid": expected true or false, got "yes"');
    expect(await refused({ stream: 'text' })).toBe(
      'option "stream": expected a readable stream of bytes or text (a Node Readable, a fetch() response\'s body), got "text": to read text held in memory, pass Readable.from([text])',
    );
    await expect(openChannelReader('c.ndjson', 'ndjson' as never)).rejects.toThrow('openChannelReader: expected options ({ format, skipInvalid, stream, … }), got "ndjson"');
    // A web stream (a fetch() response's body) is one.
    expect((await readAll(await openChannelReader('c.ndjson', { stream: new Response(`${record(1)}\n`).body as never }))).map((c) => c.assignedNumber)).toEqual([1]);
  });

  it('says what its path should be when called from JavaScript with something else, and how to read bytes held in memory', async () => {
    const bytes = Buffer.from(`${record(1)}\n`);
    await expect(openChannelReader(bytes as unknown as string)).rejects.toThrow(
      'openChannelReader: path must be a file path (or "-" for stdin), got bytes: to read bytes held in memory, pass them as the stream option, under a name (openChannelReader("channels.ndjson", { stream: Readable.from([bytes]) }))',
    );
    await expect(openChannelReader(42 as unknown as string)).rejects.toThrow('openChannelReader: path must be a file path (or "-" for stdin), got number 42');
    await expect(openChannelReader(undefined as unknown as string)).rejects.toThrow(TypeError);
    // The mend works, and a stream needs no name.
    expect((await readAll(await openChannelReader('channels.ndjson', { stream: Readable.from([bytes]) }))).map((c) => c.assignedNumber)).toEqual([1]);
    expect((await readAll(await openChannelReader(undefined as unknown as string, { stream: Readable.from([bytes]) }))).map((c) => c.assignedNumber)).toEqual([1]);
  });

  it('reads a JSON array as a stream, with a BOM, pretty-printed or not', async () => {
    const reader = await openChannelReader(file('a.json', `[${record(1)},${record(2)}]`));
    expect(reader.format).toBe('json');
    // Read as it comes, like NDJSON: its length is known only at its end.
    expect(reader.knownCount).toBeUndefined();
    expect((await readAll(reader)).map((c) => c.channel.channelName)).toEqual(['Channel 1', 'Channel 2']);
    const pretty = JSON.stringify([1, 2, 3].map((n) => JSON.parse(record(n)) as unknown), null, 2);
    expect((await readAll(await openChannelReader(file('pretty.json', `\ufeff${pretty}\r\n`)))).map((c) => c.assignedNumber)).toEqual([1, 2, 3]);
    expect(await readAll(await openChannelReader(file('none.json', ' [ ]\n')))).toEqual([]);
  });

  it('streams NDJSON, skipping blank lines and accepting CRLF, a BOM and a last line without newline', async () => {
    const path = file('a.ndjson', `\ufeff${record(1)}\r\n\n   \n${record(2)}\n${record(3, { tvg_logo: null })}`);
    const reader = await openChannelReader(path);
    expect(reader.format).toBe('ndjson');
    expect(reader.knownCount).toBeUndefined();
    expect((await readAll(reader)).map((c) => c.assignedNumber)).toEqual([1, 2, 3]);
    expect(reader.stats).toEqual({ records: 3, skipped: 0, lines: 5, bytesRead: Buffer.byteLength(readFileSync(path)) });
  });

  it('counts the bytes it has read, as stored, for a bar of how far through its input a run is', async () => {
    // Bigger than one 64 KiB read, so the count is seen to grow before the end.
    const ndjson = Array.from({ length: 1000 }, (_, i) => record(i + 1)).join('\n');
    const plain = file('count.ndjson', ndjson);
    const reader = await openChannelReader(plain);
    const first = await reader.nextBatch();
    expect(first).toBeDefined();
    expect(reader.stats.bytesRead).toBeGreaterThan(0);
    expect(reader.stats.bytesRead).toBeLessThan(statSync(plain).size);
    await readAll(reader);
    expect(reader.stats.bytesRead).toBe(statSync(plain).size);

    const zipped = join(dir, 'count.ndjson.gz');
    writeFileSync(zipped, gzipSync(ndjson));
    const gunzipping = await openChannelReader(zipped);
    await readAll(gunzipping);
    expect(gunzipping.stats.bytesRead).toBe(statSync(zipped).size);

    const array = file('count.json', `[${record(1)}]`);
    expect((await openChannelReader(array)).stats.bytesRead).toBe(statSync(array).size);

    const piped = await openChannelReader('-', { stream: Readable.from([Buffer.from(`${record(1)}\n`), Buffer.from(record(2))]) });
    await readAll(piped);
    expect(piped.stats.bytesRead).toBe(Buffer.byteLength(`${record(1)}\n${record(2)}`));
  });

  it('says a URL given as the path is a URL, and how to read one', async () => {
    const error = await failure(openChannelReader('https://export.example/channels.ndjson'));
    expect(error.message).toBe(
      "https://export.example/channels.ndjson: cannot read the input: it is a URL, and the input is read from a file or a stream: download it (curl -fsS 'https://export.example/channels.ndjson' | m3ugen generate --input -), or from code pass a fetch() response's body as the stream option",
    );
    // A missing file is still a missing file.
    expect((await failure(openChannelReader(join(dir, 'https-export.ndjson')))).message).toMatch(/cannot read the input: no such file$/);
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

  it('hands over a JSON array\'s records as a slow writer writes them too', async () => {
    const input = new PassThrough();
    input.write(`[\n${record(1)},\n${record(2)},\n{"assigned_nu`);
    const reader = await openChannelReader('-', { stream: input, displayName: 'stdin' });
    expect(reader.format).toBe('json');
    expect((await reader.nextBatch())?.channels.map((c) => c.assignedNumber)).toEqual([1, 2]);
    input.write(`mber":3,"channel":{"id":"550e8400-e29b-41d4-a716-000000000003","channel_name":"C"}}`);
    expect((await reader.nextBatch())?.channels.map((c) => c.assignedNumber)).toEqual([3]);
    input.end('\n]\n');
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

  it.skipIf(!existsSync('/proc/self/fd'))('closes the file by itself when a bad record ends the reading, which cannot go on after it', async () => {
    const lines = Array.from({ length: 5000 }, (_, i) => (i === 1 ? '{"assigned_number": "x"}' : record(i + 1)));
    const path = file('bad-late.ndjson', `${lines.join('\n')}\n`);
    const reader = await openChannelReader(path);
    const error = await failure(readAll(reader));
    expect(error.message).toMatch(/^.*bad-late\.ndjson: line 2: field "assigned_number"/);
    expect(isOpen(path)).toBe(false);
    expect(await reader.nextBatch()).toBeUndefined();
    await reader.close(); // closing again is harmless
  });

  it('tells a JSON array on stdin from NDJSON by its first character', async () => {
    const reader = await openChannelReader('-', { stream: Readable.from([`  \n[${record(1)}]`]) });
    expect(reader.format).toBe('json');
    expect((await readAll(reader)).map((c) => c.assignedNumber)).toEqual([1]);
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

  it('refuses a line longer than MAX_LINE_BYTES by its number, before holding it whole, after the records before it, skipInvalid or not', async () => {
    const long = `{"assigned_number": 3, "channel": {"id": "${'x'.repeat(MAX_LINE_BYTES)}"}}`;
    const path = file('long.ndjson', `${record(1)}\n\n${record(2)}\n${long}\n${record(4)}\n`);
    for (const skipInvalid of [false, true]) {
      const reader = await openChannelReader(path, { displayName: 'long.ndjson', skipInvalid });
      const first = await reader.nextBatch();
      expect(first?.channels.map((nc) => nc.assignedNumber)).toEqual([1, 2]);
      const error = await failure(reader.nextBatch());
      expect(error.message).toBe("long.ndjson: line 4: the line is longer than 16 MiB, where a channel's record takes a few hundred bytes: is the file NDJSON, one record per line?");
      expect(error.location).toMatchObject({ line: 4, index: 2 });
      expect(isOpen(path)).toBe(false);
    }
    // A line of many-byte characters is measured in UTF-8 bytes, as the file holds it; one just under the limit is read.
    const wide = 'é'.repeat(Math.floor(MAX_LINE_BYTES / 2) - 200);
    const under = await openChannelReader('-', { stream: Readable.from([`${record(1, { note: wide })}\n`]) });
    expect((await readAll(under))[0]?.channel['note']).toBe(wide);
    const over = await openChannelReader('-', { stream: Readable.from([`${record(1, { note: wide + 'é'.repeat(200) })}\n`]), displayName: 'stdin' });
    expect((await failure(readAll(over))).location).toMatchObject({ file: 'stdin', line: 1 });
  });

  it('refuses a JSON array element longer than MAX_LINE_BYTES (a string left open) before holding the rest, after the records before it', async () => {
    const open = `[\n${record(1)},\n${record(2)},\n{"assigned_number": 3, "channel": {"id": "${'x'.repeat(MAX_LINE_BYTES)}`;
    const path = file('open.json', `${open}"}},\n${record(4)}\n]`);
    for (const skipInvalid of [false, true]) {
      const reader = await openChannelReader(path, { displayName: 'open.json', skipInvalid });
      const first = await reader.nextBatch();
      expect(first?.channels.map((nc) => nc.assignedNumber)).toEqual([1, 2]);
      const error = await failure(reader.nextBatch());
      expect(error.message).toBe("open.json: line 4: the record is longer than 16 MiB, where a channel's record takes a few hundred bytes: is a string or bracket left open?");
      expect(error.location).toMatchObject({ line: 4, index: 2 });
      expect(isOpen(path)).toBe(false);
    }
  });

  it('refuses a JSON array element longer than MAX_LINE_BYTES that a stream delivers whole in one chunk', async () => {
    const long = `{"assigned_number": 3, "channel": {"id": "${'x'.repeat(MAX_LINE_BYTES)}"}}`;
    const text = `[\n${record(1)},\n${record(2)},\n${long},\n${record(4)}\n]`;
    const reader = await openChannelReader('-', { stream: Readable.from([text]), displayName: 'stdin' });
    const error = await failure(readAll(reader));
    expect(error.message).toBe("stdin: line 4: the record is longer than 16 MiB, where a channel's record takes a few hundred bytes: is a string or bracket left open?");
    expect(error.location).toMatchObject({ line: 4, index: 2 });
  });

  it('hands over the records before a syntax error in a JSON array, and does not skip it with skipInvalid', async () => {
    const records = Array.from({ length: 600 }, (_, i) => record(i + 1));
    records[400] = '{"assigned_number": 401, "channel": {"id": "x" "channel_name": "X"}}';
    const path = file('syntax.json', `[\n${records.join(',\n')}\n]\n`);
    for (const skipInvalid of [false, true]) {
      const reader = await openChannelReader(path, { displayName: 'syntax.json', skipInvalid, batchSize: 100 });
      const before: number[] = [];
      const error = await failure(
        (async () => {
          for (let batch = await reader.nextBatch(); batch !== undefined; batch = await reader.nextBatch()) before.push(...batch.channels.map((nc) => nc.assignedNumber));
        })(),
      );
      expect(before).toEqual(Array.from({ length: 400 }, (_, i) => i + 1));
      expect(error.message).toBe('syntax.json: line 402: invalid JSON at column 48: unexpected "\\""');
      expect(isOpen(path)).toBe(false);
    }
  });

  it('reads a JSON array longer than a string can hold (it was refused when arrays were read whole)', async () => {
    // The same 1 MiB string again and again, as long as no string can be.
    const chunk = ' '.repeat(1 << 20);
    async function* huge(): AsyncGenerator<string> {
      yield `[${record(1)},`;
      for (let i = 0; i <= constants.MAX_STRING_LENGTH / chunk.length; i++) yield chunk;
      yield `${record(2)}]`;
    }
    const reader = await openChannelReader('-', { stream: Readable.from(huge()), format: 'json', displayName: 'stdin' });
    expect((await readAll(reader)).map((c) => c.assignedNumber)).toEqual([1, 2]);
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
    const error = await failure(readAll(await openChannelReader(file('broken.json', `[\n${record(1)},\n}`), { displayName: 'broken.json' })));
    expect(error.message).toBe('broken.json: line 3: invalid JSON at column 1: unexpected "}"');
  });

  it('refuses a JSON file that is not an array, saying what it holds and how to mend it', async () => {
    const message = async (name: string, content: string): Promise<string> => (await failure(openChannelReader(file(name, content), { displayName: name }))).message;
    expect(await message('obj.json', record(1))).toBe('obj.json: expected a JSON array of channel records, got one record (an object): put the records in an array, or write one per line in an .ndjson file');
    // An export's wrapper object: the records are one key down.
    expect(await message('export.json', `{"version": 2, "channels": [${record(1)}]}`)).toBe(
      `export.json: expected a JSON array of channel records, got an object whose "channels" holds an array: give that array itself as the input (jq '.channels' export.json)`,
    );
    expect(await message('odd.json', '{"my list": []}')).toContain(`(jq '.["my list"]' odd.json)`);
    expect(await message('other.json', '{"a": 1}')).toBe('other.json: expected a JSON array of channel records, got an object (use .ndjson for one record per line)');
    expect(await message('n.json', '42')).toBe('n.json: expected a JSON array of channel records, got 42');
    // Empty, or blank: not "unexpected end of input".
    expect(await message('empty.json', '')).toBe('empty.json: the file is empty: expected a JSON array of channel records ("[]" for none)');
    expect(await message('blank.json', '\ufeff \n')).toBe('blank.json: the file is empty: expected a JSON array of channel records ("[]" for none)');
    // NDJSON under a .json name (an export tool's default): said as such, at the line JSON.parse stopped.
    expect(await message('export.json', `${record(1)}\n\n${record(2)}\n`)).toBe(
      'export.json: line 3: invalid JSON at column 1: unexpected "{": this is NDJSON (one record per line), not a JSON array: name the file .ndjson (or .jsonl), or put the records in an array',
    );
    // Two objects on one line, or a second line that is not a whole record, are only a syntax error.
    expect(await message('two.json', `${record(1)} ${record(2)}\n`)).not.toContain('NDJSON');
    expect(await message('cut.json', `${record(1)}\n{"assigned_number": 2,\n`)).not.toContain('NDJSON');
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

  it('builds skipped records\' errors without a stack trace (a million bad records cost seconds of them), and leaves the limit as it was', async () => {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 6;
    try {
      const errors: InputError[] = [];
      let limitInOnSkip: number | undefined;
      const path = file('stackless.ndjson', `{"assigned_number": 1, "channel": {"id": "x"}}\n${record(2)}\n`);
      const reader = await openChannelReader(path, {
        displayName: 'stackless.ndjson',
        skipInvalid: true,
        onSkip: (e) => {
          errors.push(e);
          limitInOnSkip = Error.stackTraceLimit;
        },
      });
      expect((await readAll(reader)).map((c) => c.assignedNumber)).toEqual([2]);
      expect(errors.map((e) => e.stack)).toEqual([`InputError: ${errors[0]!.message}`]);
      expect(errors[0]!.message).toBe('stackless.ndjson: line 1: field "channel.channel_name": required field is missing');
      // The callback runs with the caller's limit: its own errors have their frames.
      expect(limitInOnSkip).toBe(6);
      expect(Error.stackTraceLimit).toBe(6);
      // Without skipInvalid the record's error is thrown, with its frames.
      const strict = await openChannelReader(path, { displayName: 'stackless.ndjson' });
      const thrown = await readAll(strict).catch((error: unknown) => error);
      expect(thrown).toBeInstanceOf(InputError);
      expect((thrown as Error).stack).toMatch(/\n\s+at /);
    } finally {
      Error.stackTraceLimit = limit;
    }
  });

  it('names each record by its place in the file once records before it were skipped, and a part by where it starts', async () => {
    const path = file('shifted.ndjson', `${record(1)}\n{"assigned_number": "x"}\n${record(3)}\n`);
    const reader = await openChannelReader(path, { skipInvalid: true });
    const batch = (await reader.nextBatch())!;
    // The second channel is the third record: its index among channels is 1, in the file 2.
    expect(batch.channels.map((nc) => [recordIndex(nc), recordLine(nc)])).toEqual([[undefined, 1], [2, 3]]);
    // A part of a larger file whose first record is record 10, after 4 records skipped before it: its channels start at 6.
    const part = await openChannelReader(path, { stream: Readable.from([`${record(11)}\n${record(12)}\n`]), format: 'ndjson', startsAt: { line: 21, index: 10, channel: 6 } });
    const first = (await part.nextBatch())!;
    expect(first.firstIndex).toBe(6);
    expect(first.channels.map((nc) => [recordIndex(nc), recordLine(nc)])).toEqual([[10, 21], [11, 22]]);
  });

  it('says why a file cannot be read', async () => {
    // A name that no file of the folder is like (other tests write theirs there).
    expect((await failure(openChannelReader(join(dir, 'nothing-like-it.ndjson'), { displayName: 'nothing-like-it.ndjson' }))).message).toBe(
      'nothing-like-it.ndjson: cannot read the input: no such file',
    );
    mkdirSync(join(dir, 'folder.json'));
    expect((await failure(openChannelReader(join(dir, 'folder.json'), { displayName: 'folder.json' }))).message).toBe(
      'folder.json: cannot read the input: is a directory',
    );
  });
});

describe('estimatedCount', () => {
  it("tells a file's records from its start before reading it, NDJSON, a JSON array or gzip, and tells nothing of a stream", async () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => record(i + 1)); // ~2.1 MB: past the first MiB, which is scaled up
    const text = `${lines.join('\n')}\n`;
    const gzippedFile = join(dir, 'estimate.ndjson.gz');
    writeFileSync(gzippedFile, gzipSync(text));
    const readers = [
      await openChannelReader(file('estimate.ndjson', text)),
      await openChannelReader(file('estimate.json', `[\n${lines.join(',\n')}\n]\n`)),
      await openChannelReader(gzippedFile),
    ];
    for (const reader of readers) {
      expect(reader.estimatedCount, `${reader.name} (${reader.format})`).toBeGreaterThan(20_000 * 0.97);
      expect(reader.estimatedCount, `${reader.name} (${reader.format})`).toBeLessThan(20_000 * 1.03);
      expect((await readAll(reader)).length).toBe(20_000);
    }
    expect(readers[2]?.estimateContent()?.bytes).toBe(Buffer.byteLength(text));
    const streamed = await openChannelReader('-', { stream: Readable.from([text]) });
    expect(streamed.estimatedCount).toBeUndefined();
    await streamed.close();
  });

  it('reads the file once, on first use, and gives nothing, not an error, for a file removed before that', async () => {
    const path = file('estimate-once.ndjson', `${record(1)}\n${record(2)}\n${record(3)}\n`);
    const reader = await openChannelReader(path);
    expect(reader.estimatedCount).toBe(3);
    writeFileSync(path, `${record(1)}\n`);
    expect(reader.estimatedCount).toBe(3);
    await reader.close();
    const gone = file('estimate-gone.ndjson', `${record(1)}\n`);
    const unread = await openChannelReader(gone);
    await unread.close();
    execFileSync('rm', [gone]);
    expect(unread.estimatedCount).toBeUndefined();
  });
});

describe('an NDJSON file in another shape', () => {
  const records = [record(1), record(2)];
  it.each([
    ['a JSON array on one line', `[${records.join(',')}]\n`, 'line 1: this is a JSON array, not NDJSON (one record per line): name the file .json, or write one record per line'],
    ['a pretty-printed JSON array', JSON.stringify(records.map((r) => JSON.parse(r)), null, 2), 'line 1: this is a JSON array, not NDJSON (one record per line)'],
    ['pretty-printed records', records.map((r) => JSON.stringify(JSON.parse(r), null, 2)).join('\n'), 'line 1: a record that goes on past its line (pretty-printed?): NDJSON holds one whole record per line'],
    ['a line cut short, which stays a syntax error', '{"assigned_number": 1, "channel": {"id": "550e\n', 'line 1: invalid JSON at column 47: unterminated string'],
    // A JSON array's body saved as NDJSON: each record but the last with its comma (CRLF too).
    ['records with commas', `${records[0]},\r\n${records[1]}\r\n`, `line 1: invalid JSON at column ${records[0]!.length + 1}: a comma after the record: NDJSON records stand one per line, with nothing after them`],
    ['a comment line', `// exported 2026-11-29\n${records.join('\n')}\n`, 'line 1: a comment line: NDJSON has no comments (remove the line)'],
    ['a shell-style comment line', `${records[0]}\n# more\n`, 'line 2: a comment line: NDJSON has no comments'],
  ])('is named for what it is: %s', async (_name, text, reason) => {
    const path = join(dir, 'shape.ndjson');
    writeFileSync(path, text);
    const error = await failure(openChannelReader(path, { displayName: 'shape.ndjson' }).then(readAll));
    expect(error.message.startsWith(`shape.ndjson: ${reason}`)).toBe(true);
  });
});

describe('compressed input', () => {
  const records = Array.from({ length: 3 }, (_, i) => record(i + 1));
  const ndjson = Buffer.from(`${records.join('\n')}\n`);
  const gzipFile = (name: string, bytes: Buffer): string => {
    const path = join(dir, name);
    writeFileSync(path, gzipSync(bytes));
    return path;
  };
  const numbers = (channels: NumberedChannel[]): number[] => channels.map((c) => c.assignedNumber);

  it('is gunzipped as it is read when it is gzip: NDJSON from a file of any name or a stream cut anywhere, JSON arrays too', async () => {
    for (const name of ['g.ndjson.gz', 'g.ndjson', 'g.gz']) {
      const reader = await openChannelReader(gzipFile(name, ndjson));
      expect([reader.format, reader.compression]).toEqual(['ndjson', 'gzip']);
      expect(numbers(await readAll(reader))).toEqual([1, 2, 3]);
    }
    const zipped = gzipSync(ndjson);
    const cuts = [zipped.subarray(0, 1), zipped.subarray(1, 5), zipped.subarray(5, 30), zipped.subarray(30)];
    const fromStream = await openChannelReader('-', { stream: Readable.from(cuts) });
    expect(numbers(await readAll(fromStream))).toEqual([1, 2, 3]);
    expect(numbers(await readAll(await openChannelReader('-', { stream: byteByByte(zipped) })))).toEqual([1, 2, 3]);
    for (const name of ['g.json.gz', 'g.json', 'array.gz']) {
      const reader = await openChannelReader(gzipFile(name, Buffer.from(`[${records.join(',')}]`)));
      expect([reader.format, reader.compression]).toEqual(['json', 'gzip']);
      expect(numbers(await readAll(reader))).toEqual([1, 2, 3]);
    }
    const plain = await openChannelReader(file('plain.ndjson', ndjson.toString()));
    expect(plain.compression).toBeUndefined();
    await plain.close();
  });

  it("names the decompressed input's lines in errors, and skips its invalid lines with skipInvalid", async () => {
    const content = Buffer.from(`${record(1)}\n{"assigned_number": 2}\n${record(3)}\n`);
    const error = await failure(readAll(await openChannelReader(gzipFile('bad.ndjson.gz', content), { displayName: 'bad.ndjson.gz' })));
    expect(error.message).toBe('bad.ndjson.gz: line 2: field "channel": required field is missing');
    const skipped = await openChannelReader(gzipFile('bad.ndjson.gz', content), { skipInvalid: true });
    expect(numbers(await readAll(skipped))).toEqual([1, 3]);
  });

  it('says when the gzip data is cut short or damaged, after the records before the damage', async () => {
    const many = Buffer.from(`${Array.from({ length: 2000 }, (_, i) => record(i + 1, { pad: createHash('sha256').update(String(i)).digest('hex') })).join('\n')}\n`);
    const zipped = gzipSync(many);
    const cut = join(dir, 'cut.ndjson.gz');
    writeFileSync(cut, zipped.subarray(0, zipped.length >> 1));
    const reader = await openChannelReader(cut, { displayName: 'cut.ndjson.gz' });
    const error = await failure(readAll(reader));
    expect(error.message).toBe('cut.ndjson.gz: the input is not valid gzip data: it ends before its compressed data does (a cut file?)');
    expect(reader.stats.records).toBeGreaterThan(0);
    const damaged = join(dir, 'damaged.ndjson.gz');
    writeFileSync(damaged, Buffer.concat([zipped.subarray(0, 10), Buffer.alloc(64, 0xff)]));
    expect((await failure(openChannelReader(damaged, { displayName: 'd.gz' }).then(readAll))).message).toMatch(/^d\.gz: the input is not valid gzip data: /);
    const damagedArray = join(dir, 'damaged.json');
    writeFileSync(damagedArray, zipped.subarray(0, 100));
    expect((await failure(openChannelReader(damagedArray, { displayName: 'd.json' }))).message).toBe('d.json: the input is not valid gzip data: it ends before its compressed data does (a cut file?)');
  });

  it("gives a file's bytes as a reader reads them (readInputBytes): gunzipped, with the reader's error for a cut file, and the file's bytes read", async () => {
    const many = Buffer.from(`${Array.from({ length: 2000 }, (_, i) => record(i + 1, { pad: createHash('sha256').update(String(i)).digest('hex') })).join('\n')}\n`);
    const bytesOf = async (path: string): Promise<{ bytes: Buffer; bytesRead: number }> => {
      const { chunks, stats } = readInputBytes(path, { displayName: 'in.gz' });
      const kept: Buffer[] = [];
      for await (const chunk of chunks) kept.push(Buffer.from(chunk));
      return { bytes: Buffer.concat(kept), bytesRead: stats.bytesRead };
    };
    const zipped = gzipFile('bytes.ndjson.gz', many);
    expect(await bytesOf(zipped)).toEqual({ bytes: many, bytesRead: statSync(zipped).size });
    const plain = file('bytes.ndjson', many.toString());
    expect((await bytesOf(plain)).bytes).toEqual(many);
    const cut = join(dir, 'bytes-cut.ndjson.gz');
    writeFileSync(cut, gzipSync(many).subarray(0, 5_000));
    const error = await failure(bytesOf(cut));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe('in.gz: the input is not valid gzip data: it ends before its compressed data does (a cut file?)');
    expect((await failure(bytesOf(join(dir, 'missing.ndjson')))).message).toBe('in.gz: cannot read the input: no such file');
    // A stream, as openChannelReader takes it, cut anywhere.
    const zippedBytes = gzipSync(many);
    const { chunks, stats } = readInputBytes('-', { stream: Readable.from([zippedBytes.subarray(0, 3), zippedBytes.subarray(3)]) });
    const fromStream: Buffer[] = [];
    for await (const chunk of chunks) fromStream.push(Buffer.from(chunk));
    expect(Buffer.concat(fromStream)).toEqual(many);
    expect(stats.bytesRead).toBe(zippedBytes.length);
  });

  it.skipIf(!existsSync('/proc/self/fd'))('closes a gzip file on close() before its end, and by itself at its end', async () => {
    // Hashes do not compress: the file is read in several 64 KiB reads, not one.
    const many = Buffer.from(`${Array.from({ length: 5000 }, (_, i) => record(i + 1, { pad: createHash('sha256').update(String(i)).digest('hex').repeat(3) })).join('\n')}\n`);
    const path = gzipFile('close.ndjson.gz', many);
    const early = await openChannelReader(path);
    expect((await early.nextBatch())?.end).toBe(NDJSON_BATCH_SIZE);
    expect(isOpen(path)).toBe(true);
    await early.close();
    expect(isOpen(path)).toBe(false);
    expect(numbers(await readAll(await openChannelReader(path)))).toHaveLength(5000);
    expect(isOpen(path)).toBe(false);
  });

  /** Each format's signature before the records' bytes (the signature is what is read). */
  const refused: [string, Buffer, string][] = [
    ['zstd', Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), ndjson]), 'the input is zstd-compressed; decompress it first (unzstd)'],
    ['xz', Buffer.concat([Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]), ndjson]), 'the input is xz-compressed; decompress it first (unxz)'],
    ['bzip2', Buffer.concat([Buffer.from('BZh91AY&SY'), ndjson]), 'the input is bzip2-compressed; decompress it first (bunzip2)'],
    ['zip', Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), ndjson]), 'the input is a zip archive; decompress it first (unzip)'],
  ];

  it.each(refused)('is named for what it is when it is not gzip (%s), from a file of either format or a stream, even with skipInvalid', async (format, bytes, reason) => {
    for (const name of [`c-${format}.ndjson`, `c-${format}.json`, `c-${format}.ndjson.gz`]) {
      const path = join(dir, name);
      writeFileSync(path, bytes);
      const error = await failure(openChannelReader(path, { displayName: name, skipInvalid: true }));
      expect(error.message).toBe(`${name}: ${reason}`);
    }
    const fromStream = await failure(openChannelReader('-', { stream: Readable.from([bytes.subarray(0, 3), bytes.subarray(3)]), displayName: 'stdin' }));
    expect(fromStream.message).toBe(`stdin: ${reason}`);
    const byteAtATime = await failure(openChannelReader('-', { stream: byteByByte(bytes), displayName: 'stdin' }));
    expect(byteAtATime.message).toBe(`stdin: ${reason}`);
  });

  it('reads the same channels however a stream cuts its first bytes: NDJSON or a JSON array, a byte-order mark, blank lines, gzip or not (property)', async () => {
    const shape = fc.record({
      array: fc.boolean(),
      bom: fc.boolean(),
      lead: fc.constantFrom('', '\n', '\r\n', ' \n\n'),
      gzip: fc.boolean(),
      count: fc.integer({ min: 1, max: 4 }),
      sizes: fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 6 }),
    });
    await fc.assert(
      fc.asyncProperty(shape, async ({ array, bom, lead, gzip, count, sizes }) => {
        const lines = Array.from({ length: count }, (_, i) => record(i + 1, { tvg_name: 'é€😀' }));
        const text = `${bom ? '\ufeff' : ''}${lead}${array ? `[${lines.join(',\n')}]` : lines.join('\n')}\n`;
        const bytes = gzip ? gzipSync(text) : Buffer.from(text);
        const pieces: Buffer[] = [];
        for (let at = 0, k = 0; at < bytes.length; k++) {
          // Cut only the first bytes small, where the format and compression are told.
          const size = at < 16 ? sizes[k % sizes.length]! : bytes.length - at;
          pieces.push(bytes.subarray(at, at + size));
          at += size;
        }
        const reader = await openChannelReader('-', { stream: Readable.from(pieces), displayName: 'stdin' });
        expect([reader.format, reader.compression]).toEqual([array ? 'json' : 'ndjson', gzip ? 'gzip' : undefined]);
        const read = await readAll(reader);
        expect(numbers(read)).toEqual(lines.map((_, i) => i + 1));
        expect(read.every((c) => c.channel.tvgName === 'é€😀')).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('skips a byte-order mark that a stream hands over a byte at a time, in NDJSON and in a JSON array', async () => {
    for (const text of [`\ufeff${record(1)}\n`, `\ufeff[${record(1)}]\n`]) {
      expect(numbers(await readAll(await openChannelReader('-', { stream: byteByByte(Buffer.from(text)) })))).toEqual([1]);
    }
  });

  it("tells plain text from a signature by its first two bytes, not waiting for six from a writer that sent fewer (a live feed's first line)", async () => {
    for (const [start, rest, format] of [
      ['[\n', `${record(1)}]\n`, 'json'],
      ['[{', `${record(1).slice(1)}]\n`, 'json'],
      ['{"', `${record(1).slice(2)}\n`, 'ndjson'],
    ] as const) {
      const input = new PassThrough();
      input.write(Buffer.from(start));
      // Opening reads as far as the format is told: with nothing more written, it would wait here for good.
      const reader = await openChannelReader('-', { stream: input, displayName: 'stdin' });
      expect(reader.format).toBe(format);
      input.end(rest);
      expect(numbers(await readAll(reader))).toEqual([1]);
    }
  });
});

describe('input in UTF-16 or UTF-32', () => {
  const text = `[${record(1)}]\n`;
  const utf16be = (value: string): Buffer => Buffer.from(value, 'utf16le').swap16();
  const utf32le = (value: string): Buffer => Buffer.concat([...value].map((c) => Buffer.from(new Uint32Array([c.codePointAt(0)!]).buffer)));
  const encoded: [string, Buffer, string][] = [
    ['UTF-16LE with a byte order mark (PowerShell 5)', Buffer.from(`\ufeff${text}`, 'utf16le'), 'UTF-16LE'],
    ['UTF-16LE without one', Buffer.from(text, 'utf16le'), 'UTF-16LE'],
    ['UTF-16BE with a byte order mark', utf16be(`\ufeff${text}`), 'UTF-16BE'],
    ['UTF-16BE without one', utf16be(text), 'UTF-16BE'],
    ['UTF-32LE with a byte order mark', utf32le(`\ufeff${text}`), 'UTF-32LE'],
    ['UTF-32BE without one', utf32le(text).swap32(), 'UTF-32BE'],
  ];

  it.each(encoded)('is named for its encoding (%s) from a file of either format, gzipped or not, or a stream', async (_name, bytes, encoding) => {
    const reason = `the input is ${encoding} text, not UTF-8; convert it first (iconv -f ${encoding} -t UTF-8)`;
    for (const [name, content] of [['e.ndjson', bytes], ['e.json', bytes], ['e.ndjson.gz', gzipSync(bytes)], ['e.json.gz', gzipSync(bytes)]] as const) {
      const path = join(dir, name);
      writeFileSync(path, content);
      const error = await failure(openChannelReader(path, { displayName: name, skipInvalid: true }).then(readAll));
      expect(error.message).toBe(`${name}: ${reason}`);
    }
    const fromStream = await failure(openChannelReader('-', { stream: Readable.from([bytes.subarray(0, 1), bytes.subarray(1)]), displayName: 'stdin' }));
    expect(fromStream.message).toBe(`stdin: ${reason}`);
    const byteAtATime = await failure(openChannelReader('-', { stream: byteByByte(bytes), displayName: 'stdin' }));
    expect(byteAtATime.message).toBe(`stdin: ${reason}`);
  });

  it('is not what a file of NUL bytes is taken for: such a file is said as what it is (space reserved, never written), from a file of either format or a stream', async () => {
    const reason = 'the input starts with NUL bytes, which no text has: a file written only in part (its space reserved, never filled), or not a text file';
    const zeros = Buffer.alloc(100_000);
    for (const name of ['z.ndjson', 'z.json']) {
      writeFileSync(join(dir, name), zeros);
      const error = await failure(openChannelReader(join(dir, name), { displayName: name }).then(readAll));
      expect(error.message).toBe(`${name}: ${reason}`);
    }
    const fromStream = await failure(openChannelReader('-', { stream: Readable.from([zeros]), displayName: 'stdin' }));
    expect(fromStream.message).toBe(`stdin: ${reason}`);
  });

  it('is not taken for UTF-8 with a byte order mark, which is read', async () => {
    const path = join(dir, 'bom.ndjson');
    writeFileSync(path, `\ufeff${record(1)}\n`);
    expect((await readAll(await openChannelReader(path))).map((c) => c.assignedNumber)).toEqual([1]);
  });
});

describe('input that is not UTF-8', () => {
  const UTF8 = 'the input must be encoded in UTF-8';
  const latin1 = (text: string): Buffer => Buffer.from(text, 'latin1');
  const bytesFile = (name: string, content: Buffer): string => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };
  const cafe = '{"assigned_number": 2, "channel": {"id": "b", "channel_name": "Caf\xe9 TV"}}';

  it('is an error naming the line and the field, not a silent U+FFFD', async () => {
    const path = bytesFile('latin1.ndjson', Buffer.concat([Buffer.from(`${record(1)}\n`), latin1(`${cafe}\n`), Buffer.from(`${record(3)}\n`)]));
    const reader = await openChannelReader(path, { displayName: 'latin1.ndjson' });
    const error = await failure(readAll(reader));
    expect(error.message).toBe(`latin1.ndjson: line 2: field "channel.channel_name": invalid UTF-8: byte 0xE9 is not part of a character; ${UTF8}`);
  });

  it('is skipped with skipInvalid, line by line, the others read as they are', async () => {
    const skipped: string[] = [];
    const content = Buffer.concat([latin1(`${cafe}\n`), Buffer.from(`${record(3, { tvg_name: 'real \ufffd kept' })}\n`), latin1(`${cafe.replace('"b"', '"c"')}\n`)]);
    const reader = await openChannelReader(bytesFile('mixed-latin1.ndjson', content), { displayName: 'm.ndjson', skipInvalid: true, onSkip: (e) => skipped.push(e.message) });
    const channels = await readAll(reader);
    expect(channels.map((c) => [c.assignedNumber, c.channel.tvgName])).toEqual([[3, 'real \ufffd kept']]);
    expect(skipped.map((m) => m.split(':').slice(0, 2).join(':'))).toEqual(['m.ndjson: line 1', 'm.ndjson: line 3']);
  });

  it('is found on the right line when the 64 KiB reads cut it, and a character they cut is not taken for one', async () => {
    // Line 1 fills the first read up to one byte short of 64 KiB, so line 2's first bytes straddle the cut.
    const filler = (length: number): string => record(1, { pad: 'x'.repeat(length - record(1, { pad: '' }).length) });
    const first = filler(64 * 1024 - 2);
    const straddling = Buffer.concat([Buffer.from(`${first}\n`), Buffer.from(`${record(2, { tvg_name: 'é€😀' })}\n`)]);
    expect(Buffer.byteLength(`${first}\n`)).toBe(64 * 1024 - 1);
    const cut = Buffer.from(`${record(2, { tvg_name: 'é€😀' })}\n`);
    // The é ("tvg_name":"é…) starting at the last byte of the read:
    const at = cut.indexOf(Buffer.from('é'));
    const aligned = Buffer.concat([Buffer.from(`${filler(64 * 1024 - 2 - at)}\n`), cut]);
    expect(aligned.indexOf(Buffer.from('é'))).toBe(64 * 1024 - 1);
    for (const [name, content] of [['straddling.ndjson', straddling], ['aligned.ndjson', aligned]] as const) {
      const channels = await readAll(await openChannelReader(bytesFile(name, content)));
      expect(channels.map((c) => c.channel.tvgName), name).toEqual([undefined, 'é€😀']);
    }
    const bad = Buffer.concat([Buffer.from(`${filler(64 * 1024 - 2 - at)}\n`), latin1(`${record(2, { tvg_name: '\xe9' })}\n`)]);
    const error = await failure(readAll(await openChannelReader(bytesFile('bad-at-cut.ndjson', bad), { displayName: 'cut.ndjson' })));
    expect(error.message).toBe(`cut.ndjson: line 2: field "channel.tvg_name": invalid UTF-8: byte 0xE9 is not part of a character; ${UTF8}`);
  });

  it('is found in a JSON file that ends inside a character', async () => {
    const content = Buffer.concat([Buffer.from(`[\n${record(1)},\n"`), bytes(0xe2, 0x82)]);
    expect((await failure(readAll(await openChannelReader(bytesFile('cut-short.json', content), { displayName: 'x.json' })))).message).toBe(
      `x.json: line 3: invalid UTF-8: byte 0xE2 is not part of a character; ${UTF8}`,
    );
  });

  it('is found in a file that ends inside a character', async () => {
    const error = await failure(readAll(await openChannelReader(bytesFile('cut-short.ndjson', Buffer.concat([Buffer.from(`${record(1)}\n{"a": "`), bytes(0xe2, 0x82)])), { displayName: 'x.ndjson' })));
    expect(error.message).toBe(`x.ndjson: line 2: invalid UTF-8: byte 0xE2 is not part of a character; ${UTF8}`);
  });

  it('is an error naming the line in a JSON array, from a file and from stdin', async () => {
    const content = Buffer.concat([Buffer.from(`[\n${record(1)},\n`), latin1(cafe), Buffer.from('\n]')]);
    expect((await failure(readAll(await openChannelReader(bytesFile('latin1.json', content), { displayName: 'latin1.json' })))).message).toBe(
      `latin1.json: line 3: invalid UTF-8: byte 0xE9 is not part of a character; ${UTF8}`,
    );
    expect((await failure(readAll(await openChannelReader('-', { stream: Readable.from([content]), displayName: 'stdin' })))).message).toBe(
      `stdin: line 3: invalid UTF-8: byte 0xE9 is not part of a character; ${UTF8}`,
    );
  });

  it('is not found in a character a pipe hands over a byte at a time, beside a real U+FFFD', async () => {
    const line = Buffer.from(`${record(1, { tvg_name: '😀\ufffd' })}\n`);
    const emoji = line.indexOf(Buffer.from('😀'));
    const pieces = [line.subarray(0, emoji + 1), line.subarray(emoji + 1, emoji + 2), line.subarray(emoji + 2, emoji + 3), line.subarray(emoji + 3)];
    const reader = await openChannelReader('-', { stream: Readable.from(pieces), displayName: 'stdin' });
    expect((await readAll(reader)).map((c) => c.channel.tvgName)).toEqual(['😀\ufffd']);
  });

  it('is reported once for a line with two faults, one cut by the stream and one of its own (this hung)', async () => {
    const [before, after] = record(1, { tvg_name: '#' }).split('#');
    const pieces = [Buffer.concat([Buffer.from(before!), bytes(0xe2)]), Buffer.concat([bytes(0x41, 0xe9), Buffer.from(`${after!}\n${record(2)}\n`)])];
    const skipped: (number | undefined)[] = [];
    const reader = await openChannelReader('-', { stream: Readable.from(pieces), displayName: 'stdin', skipInvalid: true, onSkip: (e) => skipped.push(e.location.line) });
    expect((await readAll(reader)).map((c) => c.assignedNumber)).toEqual([2]);
    expect(skipped).toEqual([1]);
  });

  it('is found on exactly the lines whose bytes are not UTF-8, however the stream is cut (property)', async () => {
    const invalid = fc.constantFrom([0xe9], [0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0x80]);
    const name = fc.string({ unit: fc.constantFrom('a', 'é', '€', '😀', '\ufffd', ' '), maxLength: 6 });
    const lineArb = fc.record({ name, bad: fc.option(invalid, { nil: undefined }) });
    await fc.assert(
      fc.asyncProperty(fc.array(lineArb, { minLength: 1, maxLength: 8 }), fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 8 }), async (lines, sizes) => {
        const bytes = Buffer.concat(
          lines.map(({ name: text, bad }, i) => {
            const [before, after] = record(i + 1, { tvg_name: `${text}#` }).split('#');
            return Buffer.concat([Buffer.from(before!), Buffer.from(bad ?? []), Buffer.from(`${after!}\n`)]);
          }),
        );
        const pieces: Buffer[] = [];
        for (let at = 0, k = 0; at < bytes.length; k++) {
          const size = sizes[k % sizes.length]!;
          pieces.push(bytes.subarray(at, at + size));
          at += size;
        }
        const skipped: (number | undefined)[] = [];
        const reader = await openChannelReader('-', { stream: Readable.from(pieces), displayName: 'stdin', skipInvalid: true, onSkip: (e) => skipped.push(e.location.line) });
        const read = await readAll(reader);
        expect(skipped).toEqual(lines.flatMap((l, i) => (l.bad === undefined ? [] : [i + 1])));
        expect(read.map((c) => c.channel.tvgName)).toEqual(lines.filter((l) => l.bad === undefined).map((l) => l.name));
      }),
      { numRuns: 300 },
    );
  });

  it('is found in NDJSON from stdin', async () => {
    const content = Buffer.concat([Buffer.from(`${record(1)}\n`), latin1(`${cafe}\n`)]);
    const reader = await openChannelReader('-', { stream: Readable.from([content.subarray(0, 5), content.subarray(5)]), displayName: 'stdin' });
    expect((await failure(readAll(reader))).message).toMatch(/^stdin: line 2: field "channel\.channel_name": invalid UTF-8/);
  });
});

function bytes(...values: number[]): Buffer {
  return Buffer.from(values);
}
