import { describe, expect, it } from 'vitest';
import { optionalFieldLookalike } from './lookalike.js';
import { parseNumberedChannel } from './schema.js';

const channel = (extra: Record<string, unknown>): Record<string, unknown> => ({ id: 'a', channelName: 'A', ...extra });

describe('optionalFieldLookalike', () => {
  it('finds the field spelt as M3U spells the attribute, in other letter case, run together, or one slip off, in either spelling', () => {
    expect(optionalFieldLookalike(channel({ 'tvg-logo': 'l' }), 'tvg_logo')).toBe('tvg-logo');
    expect(optionalFieldLookalike(channel({ TVG_LOGO: 'l' }), 'tvg_logo')).toBe('TVG_LOGO');
    expect(optionalFieldLookalike(channel({ tvglogo: 'l' }), 'tvg_logo')).toBe('tvglogo');
    expect(optionalFieldLookalike(channel({ TvgLogo: 'l' }), 'tvg_logo')).toBe('TvgLogo');
    expect(optionalFieldLookalike(channel({ group_titel: 'g' }), 'group_title')).toBe('group_titel');
  });

  it('names no key of a known field, no key without a value, and nothing for keys unlike the field', () => {
    // tvgId is the field itself, read as tvg_id: its null is why tvg_id is missing, not a slip.
    expect(optionalFieldLookalike(channel({ tvgId: null, tvgName: 'A' }), 'tvg_id')).toBeUndefined();
    expect(optionalFieldLookalike(channel({ 'tvg-id': '', tvg_ID: null }), 'tvg_id')).toBeUndefined();
    expect(optionalFieldLookalike(channel({ catchup_days: 7, country: 'DE' }), 'tvg_logo')).toBeUndefined();
    expect(optionalFieldLookalike(undefined, 'tvg_logo')).toBeUndefined();
  });

  it('answers for the keys and values a record has now, though the last record had the same keys', () => {
    expect(optionalFieldLookalike(channel({ 'tvg-logo': 'l' }), 'tvg_logo')).toBe('tvg-logo');
    expect(optionalFieldLookalike(channel({ 'tvg-logo': null }), 'tvg_logo')).toBeUndefined();
    expect(optionalFieldLookalike(channel({ 'tvg-logo': 'l' }), 'tvg_logo')).toBe('tvg-logo');
    expect(optionalFieldLookalike(channel({ 'tvg-logo': 'l' }), 'group_title')).toBeUndefined();
  });

  it("names a camelCase key of a known field in a snake_case record, which is not read, though the parsed channel does not show it", () => {
    const { channel } = parseNumberedChannel({ assigned_number: 1, channel: { id: 'a', channel_name: 'A', tvgLogo: 'l', groupTitle: '' } });
    expect(channel).toEqual({ id: 'a', channelName: 'A' });
    expect({ ...channel }).toEqual({ id: 'a', channelName: 'A' });
    expect(optionalFieldLookalike(channel, 'tvg_logo')).toBe('tvgLogo');
    // Held without a value: nothing was lost by not reading it.
    expect(optionalFieldLookalike(channel, 'group_title')).toBeUndefined();
    // A camelCase record's snake_case key of a known field is an unknown field, kept as it is.
    const camel = parseNumberedChannel({ assignedNumber: 1, channel: { id: 'a', channelName: 'A', tvg_logo: 'l' } }).channel;
    expect(optionalFieldLookalike(camel, 'tvg_logo')).toBe('tvg_logo');
  });

  it('suggests nothing for a record whose getters throw', () => {
    const record = channel({});
    Object.defineProperty(record, 'tvg-logo', { enumerable: true, get: () => { throw new Error('no'); } });
    expect(optionalFieldLookalike(record, 'tvg_logo')).toBeUndefined();
  });
});
