import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import { parseNumberedChannel } from './schema.js';

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

describe('the fast path agrees with the zod schemas', () => {
  it('accepts and rejects exactly what zod does, with the same result', async () => {
    const fc = (await import('fast-check')).default;
    const { recordSchemas } = await import('./schema.js');
    const value = fc.oneof(fc.string(), fc.constant(''), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.array(fc.nat(), { maxLength: 2 }), fc.object({ maxDepth: 0 }));
    const channel = fc.record(
      { id: value, channel_name: value, tvg_id: value, tvg_name: value, tvg_logo: value, tvg_shift: value, tvg_chno: value, group_title: value, stream_url: value, extra: value },
      { requiredKeys: [] },
    );
    const record = fc.record({ assigned_number: fc.oneof(value, fc.nat()), channel: fc.oneof(channel, value), other: value }, { requiredKeys: ['channel'] });
    fc.assert(
      fc.property(record, (raw) => {
        const reference = recordSchemas().snake.safeParse(raw);
        let parsed: unknown;
        let failed = false;
        try {
          parsed = parseNumberedChannel(raw);
        } catch {
          failed = true;
        }
        expect(failed).toBe(!reference.success);
        if (reference.success) expect((parsed as { assignedNumber: unknown }).assignedNumber).toBe(reference.data.assigned_number);
      }),
      { numRuns: 2000 },
    );
  });
});
