import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuplicateError, InputError } from '@m3ugen/core';
import { openChannelReader } from '@m3ugen/reader';
import { describe, expect, it, vi } from 'vitest';
import { nameEarlierRecord, nameEarlierRecords } from './earlier-record.js';

// Two different ids share a 64-bit fingerprint about once in 1.5 million runs of five
// million channels; to see what the command says then, the test can make every fingerprint equal.
const fingerprints = vi.hoisted(() => ({ allEqual: false }));
vi.mock('@m3ugen/core', async (original) => {
  const core = await original<typeof import('@m3ugen/core')>();
  return {
    ...core,
    writeFingerprint: (text: string, into: Uint32Array, at: number) =>
      fingerprints.allEqual ? into.fill(7, at, at + 2) : core.writeFingerprint(text, into, at),
  };
});

const record = (n: number, id: string) => JSON.stringify({ assigned_number: n, channel: { id, channel_name: `C${n}` } });

function inputFile(name: string, text: string): () => ReturnType<typeof openChannelReader> {
  const path = join(mkdtempSync(join(tmpdir(), 'm3ugen-earlier-')), name);
  writeFileSync(path, text);
  return () => openChannelReader(path, { displayName: name });
}

describe('nameEarlierRecord', () => {
  const ndjson = inputFile('c.ndjson', `${record(1, 'a')}\n\n${record(2, 'b')}\n${record(3, 'c')}\n${record(2, 'a')}\n`);

  it('names the line of the first earlier record with the same id', async () => {
    const error = new DuplicateError({ id: 'a' }, { file: 'c.ndjson', line: 5, index: 3 });
    const named = await nameEarlierRecord(error, ndjson);
    expect(named).toBeInstanceOf(DuplicateError);
    expect((named as DuplicateError).earlier).toEqual({ line: 1, index: 0 });
    expect((named as Error).message).toBe('c.ndjson: line 5: field "channel.id": duplicate channel id "a": line 1 has the same id');
  });

  it('names the earlier record with the same number', async () => {
    const named = await nameEarlierRecord(new DuplicateError({ number: 2 }, { file: 'c.ndjson', line: 5, index: 3 }), ndjson);
    expect((named as Error).message).toBe('c.ndjson: line 5: field "assigned_number": duplicate channel number 2: line 3 has the same number');
  });

  it('names records of a JSON array by index', async () => {
    const json = inputFile('c.json', `[${record(1, 'a')},${record(2, 'b')},${record(3, 'b')}]`);
    const named = await nameEarlierRecord(new DuplicateError({ id: 'b' }, { file: 'c.json', index: 2 }), json);
    expect((named as Error).message).toBe('c.json: record 2: field "channel.id": duplicate channel id "b": record 1 has the same id');
  });

  it('keeps the error when the input cannot be read again, already names the record, or is not a duplicate', async () => {
    const later = { file: 'c.ndjson', line: 5, index: 3 };
    const fromStdin = new DuplicateError({ id: 'a' }, later);
    expect(await nameEarlierRecord(fromStdin, undefined)).toBe(fromStdin);
    const named = new DuplicateError({ id: 'a' }, later, { line: 1, index: 0 });
    expect(await nameEarlierRecord(named, ndjson)).toBe(named);
    const other = new InputError('expected a non-empty string', { ...later, field: 'channel.id' });
    expect(await nameEarlierRecord(other, ndjson)).toBe(other);
  });

  it('keeps the error when no earlier record has the id (the file changed since), or the file is gone', async () => {
    const error = new DuplicateError({ id: 'z' }, { file: 'c.ndjson', line: 5, index: 3 });
    expect(await nameEarlierRecord(error, ndjson)).toBe(error);
    const gone = () => openChannelReader(join(tmpdir(), 'm3ugen-no-such-folder', 'c.ndjson'));
    expect(await nameEarlierRecord(error, gone)).toBe(error);
  });

  it('says so when only the fingerprints match: two ids the check cannot tell apart', async () => {
    fingerprints.allEqual = true;
    try {
      const named = await nameEarlierRecord(new DuplicateError({ id: 'z' }, { file: 'c.ndjson', line: 5, index: 3 }), ndjson);
      expect(named).not.toBeInstanceOf(DuplicateError);
      expect((named as InputError).location.field).toBe('channel.id');
      expect((named as Error).message).toBe(
        'c.ndjson: line 5: field "channel.id": channel id "z" cannot be told apart from line 1\'s "a": the duplicate check keeps 64-bit fingerprints of ids, and these two share one; change either id',
      );
    } finally {
      fingerprints.allEqual = false;
    }
  });
});

describe('nameEarlierRecords', () => {
  it('names the earlier record of each duplicate in one reading of the file, keeping the order and anything else as it is', async () => {
    const file = inputFile('c.ndjson', [record(1, 'a'), record(2, 'b'), record(1, 'a'), record(4, 'b'), record(5, 'c'), record(2, 'c')].join('\n'));
    let readings = 0;
    const counted = () => {
      readings++;
      return file();
    };
    const other = new InputError('expected a non-empty string', { file: 'c.ndjson', line: 2, index: 1, field: 'channel.channel_name' });
    const errors = [
      new DuplicateError({ id: 'a' }, { file: 'c.ndjson', line: 3, index: 2 }),
      other,
      new DuplicateError({ number: 1 }, { file: 'c.ndjson', line: 3, index: 2 }),
      new DuplicateError({ id: 'b' }, { file: 'c.ndjson', line: 4, index: 3 }),
      new DuplicateError({ number: 2 }, { file: 'c.ndjson', line: 6, index: 5 }),
      new DuplicateError({ id: 'c' }, { file: 'c.ndjson', line: 6, index: 5 }),
    ];
    const named = await nameEarlierRecords(errors, counted);
    expect(readings).toBe(1);
    expect(named[1]).toBe(other);
    expect(named.map((error) => (error as Error).message)).toEqual([
      'c.ndjson: line 3: field "channel.id": duplicate channel id "a": line 1 has the same id',
      other.message,
      'c.ndjson: line 3: field "assigned_number": duplicate channel number 1: line 1 has the same number',
      'c.ndjson: line 4: field "channel.id": duplicate channel id "b": line 2 has the same id',
      'c.ndjson: line 6: field "assigned_number": duplicate channel number 2: line 2 has the same number',
      'c.ndjson: line 6: field "channel.id": duplicate channel id "c": line 5 has the same id',
    ]);
    expect(await nameEarlierRecords([other], counted)).toEqual([other]);
    expect(readings).toBe(1);
  });
});
