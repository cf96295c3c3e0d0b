import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import { parseNumberedChannel, parseNumberedChannelOrError } from './schema.js';

const snake = {
  assigned_number: 7,
  channel: {
    id: '550e8400-e29b-41d4-a716-446655440001',
    channel_name: 'Example News HD',
    stream_url: 'http://upstream.example/live/1.ts',
    tvg_id: 'example-news-hd',
    tvg_name: null,
    tvg_logo: '',
    tvg_shift: '+1',
    tvg_chno: 12,
    group_title: 'News',
    catchup_days: 7,
  },
  source_playlist: 'provider-a',
};

function errorOf(record: unknown, location = {}): InputError {
  try {
    parseNumberedChannel(record, location);
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

describe('parseNumberedChannel', () => {
  it('maps the pipeline snake_case record to the camelCase model, keeping unknown fields', () => {
    const nc = parseNumberedChannel(snake);
    expect(nc).toEqual({
      assignedNumber: 7,
      source_playlist: 'provider-a',
      channel: {
        id: '550e8400-e29b-41d4-a716-446655440001',
        channelName: 'Example News HD',
        streamUrl: 'http://upstream.example/live/1.ts',
        tvgId: 'example-news-hd',
        tvgName: null,
        tvgLogo: '',
        tvgShift: '+1',
        tvgChno: 12,
        groupTitle: 'News',
        catchup_days: 7,
      },
    });
  });

  it('accepts camelCase records as they are', () => {
    const record = { assignedNumber: 1, channel: { id: 'a', channelName: 'A', tvgLogo: null, extra: true } };
    expect(parseNumberedChannel(record)).toEqual(record);
  });

  it('treats missing optional fields as fine', () => {
    expect(parseNumberedChannel({ assigned_number: 0, channel: { id: 'x', channel_name: 'X' } }).channel).toEqual({ id: 'x', channelName: 'X' });
  });

  it('names the file, line and field (in the input spelling) of a missing required field', () => {
    const error = errorOf({ assigned_number: 3, channel: { id: 'x' } }, { file: 'channels.ndjson', line: 4 });
    expect(error.location).toMatchObject({ file: 'channels.ndjson', line: 4, field: 'channel.channel_name' });
    expect(error.message).toBe('channels.ndjson: line 4: field "channel.channel_name": required field is missing');
  });

  it('names the field a missing required one was most likely misspelt as', () => {
    const refused = (record: unknown): string => (parseNumberedChannelOrError(record, { file: 'c.ndjson', line: 5 }) as InputError).message;
    const id = '550e8400-e29b-41d4-a716-446655440005';
    expect(refused({ assigned_number: 5, channel: { id, chanel_name: 'E' } })).toBe('c.ndjson: line 5: field "channel.channel_name": required field is missing; the record has "chanel_name" (misspelt?)');
    // A camelCase key in a snake_case record is ignored, so it is what is missing.
    expect(refused({ assigned_number: 5, channel: { id, channelName: 'E', tvg_id: 'e' } })).toBe('c.ndjson: line 5: field "channel.channel_name": required field is missing; the record has "channelName" (misspelt?)');
    expect(refused({ assignedNumbr: 5, channel: { id, channelName: 'E' } })).toBe('c.ndjson: line 5: field "assignedNumber": required field is missing; the record has "assignedNumbr" (misspelt?)');
    expect(refused({ assigned_number: 5, chanel: { id, channel_name: 'E' } })).toBe('c.ndjson: line 5: field "channel": required field is missing; the record has "chanel" (misspelt?)');
    // A short name is only matched in another letter case: "ID", not "io" or "".
    expect(refused({ assigned_number: 5, channel: { ID: id, channel_name: 'E' } })).toBe('c.ndjson: line 5: field "channel.id": required field is missing; the record has "ID" (misspelt?)');
    expect(refused({ assigned_number: 5, channel: { io: id, '': id, channel_name: 'E' } })).toBe('c.ndjson: line 5: field "channel.id": required field is missing');
    expect(refused({ assigned_number: 5, channel: { id, name: 'E' } })).toBe('c.ndjson: line 5: field "channel.channel_name": required field is missing');
  });

  it('reports wrong types with the value it got', () => {
    expect(errorOf({ assigned_number: '3', channel: { id: 'x', channel_name: 'X' } }, { index: 2 }).message).toBe(
      'record 2: field "assigned_number": expected an integer (a number, not text), got "3"',
    );
    expect(errorOf({ assigned_number: 'three', channel: { id: 'x', channel_name: 'X' } }).message).toContain('expected an integer, got "three"');
    expect(errorOf({ assigned_number: 1.5, channel: { id: 'x', channel_name: 'X' } }).message).toContain('expected an integer, got number 1.5');
    expect(errorOf({ assigned_number: -1, channel: { id: 'x', channel_name: 'X' } }).message).toContain('expected a channel number >= 0');
    expect(errorOf({ assigned_number: 1, channel: { id: 5, channel_name: 'X' } }).location.field).toBe('channel.id');
    expect(errorOf({ assigned_number: 1, channel: { id: 'x', channel_name: 'X', tvg_logo: 3 } }).location.field).toBe('channel.tvg_logo');
    expect(errorOf({ assignedNumber: 1, channel: { id: '', channelName: 'X' } }).location.field).toBe('channel.id');
  });

  it('refuses integers past 2^53 − 1 by range, not as non-integers', () => {
    // JSON.parse('9007199254740993') is 9007199254740992: it can no longer name one channel.
    expect(errorOf({ assigned_number: 9007199254740993, channel: { id: 'x', channel_name: 'X' } }).message).toBe(
      'field "assigned_number": expected a channel number from 0 to 9007199254740991 (larger JSON numbers are rounded as they are read), got number 9007199254740992',
    );
    expect(errorOf({ assigned_number: -1e300, channel: { id: 'x', channel_name: 'X' } }).message).toContain('from 0 to 9007199254740991, got number -1e+300');
  });

  it('renders what it validated: camelCase keys of known fields in a snake_case record are ignored', () => {
    const nc = parseNumberedChannel({ assigned_number: 1, channel: { id: 'x', channel_name: 'News', channelName: 42, tvgLogo: { a: 1 }, groupTitle: 'G', tvg_id: 't' } });
    expect(nc.channel).toEqual({ id: 'x', channelName: 'News', tvgId: 't' });
  });

  it('keeps a __proto__ key as an unknown field, not as the prototype', () => {
    const record = JSON.parse(
      '{"assigned_number":1,"__proto__":{"assignedNumber":9},"channel":{"id":"x","channel_name":"News","__proto__":{"tvgLogo":"http://evil/\\"","groupTitle":7}}}',
    ) as unknown;
    const nc = parseNumberedChannel(record);
    expect(Object.getPrototypeOf(nc)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(nc.channel)).toBe(Object.prototype);
    expect(nc.channel.tvgLogo).toBeUndefined();
    expect(nc.channel.groupTitle).toBeUndefined();
    expect(Object.getOwnPropertyDescriptor(nc.channel, '__proto__')?.value).toEqual({ tvgLogo: 'http://evil/"', groupTitle: 7 });
    expect(Object.getOwnPropertyDescriptor(nc, '__proto__')?.value).toEqual({ assignedNumber: 9 });
  });

  it('rejects records that are not objects', () => {
    expect(errorOf([1, 2], { index: 0 }).message).toBe('record 0: expected a channel record (an object), got an array');
    expect(errorOf(null).message).toContain('got null');
    expect(errorOf({ assigned_number: 1, channel: 'x' }).location.field).toBe('channel');
  });
});

describe('parseNumberedChannelOrError', () => {
  it('returns the model, or the error parseNumberedChannel throws, without throwing', () => {
    expect(parseNumberedChannelOrError(snake, { line: 2 })).toEqual(parseNumberedChannel(snake, { line: 2 }));
    const bad = [{ assigned_number: 1, channel: { id: 'a' } }, { assignedNumber: -1, channel: { id: 'a', channelName: 'A' } }, 'text', { assigned_number: 1, channel: { id: 'a', channel_name: 'A', tvg_logo: {} } }];
    for (const record of bad) {
      const returned = parseNumberedChannelOrError(record, { file: 'c.ndjson', line: 4 });
      expect(returned).toBeInstanceOf(InputError);
      expect((returned as InputError).message).toBe(errorOf(record, { file: 'c.ndjson', line: 4 }).message);
    }
    // A record whose getter throws (built in code) is its fault, named as such, with what it threw as the cause.
    const failing = new Error('no access');
    const record = { assigned_number: 1, channel: { id: 'a', get channel_name(): string { throw failing; } } };
    const returned = parseNumberedChannelOrError(record, { index: 5 }) as InputError;
    expect(returned).toBeInstanceOf(InputError);
    expect(returned.message).toBe(errorOf(record, { index: 5 }).message);
    expect(returned.message).toContain('record 5');
    expect(returned.cause).toBe(failing);
  });
});

describe('the fast path agrees with the zod schemas', () => {
  it('accepts and rejects exactly what zod does, with the same result and, for a refused record, the error zod\'s first issue words', async () => {
    const fc = (await import('fast-check')).default;
    const { describeFieldProblem, recordSchemas } = await import('./schema.js');
    const { valueAtPath } = await import('../errors.js');
    const value = fc.oneof(
      fc.string(),
      fc.constant(''),
      fc.integer(),
      fc.double(),
      fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -0, 2 ** 53, -(2 ** 53), 1e21, '7', ' 12 '),
      fc.boolean(),
      fc.constant(null),
      fc.constant(undefined),
      fc.array(fc.nat(), { maxLength: 2 }),
      fc.object({ maxDepth: 0 }),
    );
    const text = fc.oneof(fc.string(), fc.constant(null), fc.constant(undefined));
    // A record of any values, or (as often) a valid one with a field or two changed to any value: a refused record's first bad field is then anywhere.
    const spelled = (numberKey: string, fields: readonly string[]) => {
      const channel = fc.record(Object.fromEntries([...fields, 'id', 'extra'].map((field) => [field, value])), { requiredKeys: [] });
      const anyRecord = fc.record({ [numberKey]: fc.oneof(value, fc.nat()), channel: fc.oneof(channel, channel, value), other: value }, { requiredKeys: ['channel'] });
      const [name, ...optional] = fields;
      const validChannel = fc.record({
        id: fc.string({ minLength: 1 }),
        [name!]: fc.string({ minLength: 1 }),
        ...Object.fromEntries(optional.map((field) => [field, field.endsWith('hift') || field.endsWith('hno') ? fc.oneof(text, fc.integer()) : text])),
      });
      const changes = fc.array(fc.tuple(fc.constantFrom(numberKey, 'channel', 'id', ...fields), value), { minLength: 1, maxLength: 2 });
      const changed = fc.tuple(fc.nat(), validChannel, changes).map(([number, valid, edits]) => {
        const record: Record<string, unknown> = { [numberKey]: number, channel: { ...valid } };
        for (const [field, to] of edits) {
          if (field === numberKey || field === 'channel') record[field] = to;
          else if (typeof record['channel'] === 'object' && record['channel'] !== null) (record['channel'] as Record<string, unknown>)[field] = to;
        }
        return record;
      });
      return fc.oneof(anyRecord, changed);
    };
    const snake = spelled('assigned_number', ['channel_name', 'stream_url', 'tvg_id', 'tvg_name', 'tvg_logo', 'tvg_shift', 'tvg_chno', 'group_title']);
    const camel = spelled('assignedNumber', ['channelName', 'streamUrl', 'tvgId', 'tvgName', 'tvgLogo', 'tvgShift', 'tvgChno', 'groupTitle']);
    fc.assert(
      fc.property(fc.oneof(snake, camel), (raw: Record<string, unknown>) => {
        // The spelling parseNumberedChannel reads a record in.
        const channel = raw['channel'];
        const isCamel = 'assignedNumber' in raw || (!('assigned_number' in raw) && typeof channel === 'object' && channel !== null && 'channelName' in channel);
        const reference = (isCamel ? recordSchemas().camel : recordSchemas().snake).safeParse(raw);
        const location = { file: 'c.ndjson', line: 3 };
        let parsed: unknown;
        let error: unknown;
        try {
          parsed = parseNumberedChannel(raw, location);
        } catch (thrown) {
          error = thrown;
        }
        if (reference.success) {
          expect(error).toBeUndefined();
          const number = (reference.data as Record<string, unknown>)[isCamel ? 'assignedNumber' : 'assigned_number'];
          expect((parsed as { assignedNumber: unknown }).assignedNumber).toBe(number);
          return;
        }
        const issue = reference.error.issues[0]!;
        const path = issue.path as PropertyKey[];
        const expected = new InputError(describeFieldProblem(issue.message, valueAtPath(raw, path.slice(0, -1)), String(path.at(-1))), { ...location, field: path.map(String).join('.') });
        expect(error).toBeInstanceOf(InputError);
        expect((error as InputError).message).toBe(expected.message);
        expect((error as InputError).location).toEqual(expected.location);
      }),
      { numRuns: 3000 },
    );
  });
});
