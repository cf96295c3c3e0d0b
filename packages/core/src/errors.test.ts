import { afterEach, describe, expect, it } from 'vitest';
import { formatLocation, InputError, withoutStackTrace } from './errors.js';

describe('withoutStackTrace', () => {
  const limit = Error.stackTraceLimit;
  afterEach(() => {
    Error.stackTraceLimit = limit;
  });

  it('builds errors whose stack is their first line only, and leaves the limit as it found it', () => {
    Error.stackTraceLimit = 7;
    const error = withoutStackTrace(() => new InputError('expected a non-empty string', { file: 'channels.ndjson', line: 7 }));
    expect(error.stack).toBe('InputError: channels.ndjson: line 7: expected a non-empty string');
    expect(Error.stackTraceLimit).toBe(7);
    // Outside, errors have their frames again.
    expect(new Error('here').stack).toMatch(/\n\s+at /);
  });

  it('passes on what the function throws, with the limit restored first', () => {
    Error.stackTraceLimit = 5;
    let thrown: unknown;
    try {
      withoutStackTrace(() => {
        throw new InputError('bad', { index: 3 });
      });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InputError);
    expect((thrown as Error).stack).toBe('InputError: record 3: bad');
    expect(Error.stackTraceLimit).toBe(5);
  });

  it('nests: the inner call restores the outer one\'s limit, the outer one the caller\'s', () => {
    Error.stackTraceLimit = 9;
    const inner = withoutStackTrace(() => {
      const error = withoutStackTrace(() => new Error('inner'));
      expect(Error.stackTraceLimit).toBe(0);
      return error;
    });
    expect(inner.stack).toBe('Error: inner');
    expect(Error.stackTraceLimit).toBe(9);
  });
});

describe('formatLocation', () => {
  it('says file, line (or else record index) and field, each followed by ": ", leaving out what is not known', () => {
    expect(formatLocation({})).toBe('');
    expect(formatLocation({ file: 'channels.ndjson' })).toBe('channels.ndjson: ');
    expect(formatLocation({ file: 'channels.ndjson', line: 7, index: 6, field: 'channel.id' })).toBe('channels.ndjson: line 7: field "channel.id": ');
    expect(formatLocation({ index: 0 })).toBe('record 0: ');
    expect(formatLocation({ file: '-', index: 3, field: 'assigned_number' })).toBe('-: record 3: field "assigned_number": ');
    expect(formatLocation({ field: 'channel.tvg_logo' })).toBe('field "channel.tvg_logo": ');
    expect(formatLocation({ line: 2, index: undefined, field: undefined })).toBe('line 2: ');
  });
});
