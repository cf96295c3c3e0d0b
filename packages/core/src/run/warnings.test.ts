import { describe, expect, it } from 'vitest';
import { RECORD_LINE } from '../channel/model.js';
import { WarningLog, warningAtIndex, type GenerationWarning } from './warnings.js';

describe('warningAtIndex', () => {
  it("moves a warning to another channel, with the place in m3ugen's own message, and keeps a plugin's message", () => {
    const seen: GenerationWarning[] = [];
    const warnings = new WarningLog();
    warnings.listen((warning) => seen.push(warning));
    warnings.addForChannel('missing-field', 'tvg_logo', 9, () => 'tvg_logo is missing; written as ""');
    warnings.add('my-plugin:stale', undefined, 9, () => 'logo at index 9 is a week old');
    const [own, plugin] = seen.map((warning) => warningAtIndex(warning, 7));
    expect(own).toMatchObject({ channelIndex: 7, message: 'channel at index 7: tvg_logo is missing; written as ""', reason: 'tvg_logo is missing; written as ""', field: 'tvg_logo' });
    expect(plugin).toMatchObject({ channelIndex: 7, message: 'logo at index 9 is a week old' });
  });
});

describe('WarningLog', () => {
  it("keeps each kind's first message, describing no later warning when nobody listens", () => {
    const warnings = new WarningLog();
    let described = 0;
    for (let index = 0; index < 5; index++) {
      warnings.add('missing-field', 'tvg_logo', index, () => `channel ${index} has no tvg_logo (${++described})`);
    }
    warnings.add('my-plugin:stale', undefined, 2, () => 'logo is a week old');
    expect(described).toBe(1);
    expect(warnings.summary()).toEqual({
      total: 6,
      counts: { 'missing-field:tvg_logo': 5, 'my-plugin:stale': 1 },
      firstMessages: { 'missing-field:tvg_logo': 'channel 0 has no tvg_logo (1)', 'my-plugin:stale': 'logo is a week old' },
      firstWarnings: {
        'missing-field:tvg_logo': expect.objectContaining({ code: 'missing-field', field: 'tvg_logo', channelIndex: 0, message: 'channel 0 has no tvg_logo (1)' }),
        'my-plugin:stale': expect.objectContaining({ code: 'my-plugin:stale', channelIndex: 2, message: 'logo is a week old' }),
      },
    });
  });

  it("keeps each kind's first warning whole, with its record's line, for a report that names where to look without listening", () => {
    const warnings = new WarningLog();
    const records = [0, 1, 2, 3].map((i) => ({ [RECORD_LINE]: i * 2 + 5 }));
    warnings.locateRecords((index) => records[index]);
    warnings.addForChannel('missing-field', 'tvg_logo', 2, () => 'tvg_logo is missing; written as ""');
    warnings.addForChannel('missing-field', 'tvg_logo', 3, () => 'tvg_logo is missing; written as ""');
    warnings.add('epg:unreachable', undefined, undefined, () => 'guide.xml answered 503');
    const { firstWarnings } = warnings.summary();
    expect(firstWarnings['missing-field:tvg_logo']).toEqual({
      code: 'missing-field',
      field: 'tvg_logo',
      channelIndex: 2,
      line: 9,
      recordIndex: undefined,
      message: 'channel at index 2: tvg_logo is missing; written as ""',
      reason: 'tvg_logo is missing; written as ""',
      value: undefined,
    });
    expect(firstWarnings['epg:unreachable']).toMatchObject({ message: 'guide.xml answered 503', line: undefined });
  });

  it('keeps the first warning as it was raised, whatever a listener does to the object it is given', () => {
    const warnings = new WarningLog();
    warnings.listen((warning) => {
      (warning as { message: string }).message = 'changed by a listener';
    });
    warnings.add('blank-name', undefined, 0, () => 'blank');
    expect(warnings.summary().firstWarnings['blank-name']?.message).toBe('blank');
    expect(warnings.summary().firstMessages['blank-name']).toBe('blank');
  });

  it('describes each warning once for a listener, the first included', () => {
    const warnings = new WarningLog();
    const heard: string[] = [];
    let described = 0;
    warnings.listen((warning) => heard.push(warning.message));
    for (let index = 0; index < 3; index++) warnings.add('blank-name', undefined, index, () => `blank ${index} (${++described})`);
    expect(heard).toEqual(['blank 0 (1)', 'blank 1 (2)', 'blank 2 (3)']);
    expect(warnings.summary().firstMessages).toEqual({ 'blank-name': 'blank 0 (1)' });
  });

  it("words a warning about a channel as m3ugen's own are, and gives its reason apart for whoever names the place otherwise", () => {
    const warnings = new WarningLog();
    const heard: GenerationWarning[] = [];
    warnings.listen((warning) => heard.push(warning));
    warnings.addForChannel('missing-field', 'tvg_logo', 7, () => 'tvg_logo is missing; written as ""');
    warnings.add('my-plugin:stale', undefined, 7, () => 'logo of channel 7 is a week old');
    expect(heard.map(({ message, reason }) => ({ message, reason }))).toEqual([
      { message: 'channel at index 7: tvg_logo is missing; written as ""', reason: 'tvg_logo is missing; written as ""' },
      { message: 'logo of channel 7 is a week old', reason: 'logo of channel 7 is a week old' },
    ]);
    expect(warnings.summary().firstMessages['missing-field:tvg_logo']).toBe('channel at index 7: tvg_logo is missing; written as ""');
  });

  it('keeps the reason of a captured warning, so an entry reused at another index is worded for that index', () => {
    const warnings = new WarningLog();
    warnings.startCapture();
    warnings.addForChannel('blank-name', 'channel_name', 2, () => 'channel_name is blank');
    warnings.add('my-plugin:stale', undefined, 2, () => 'stale');
    expect(warnings.stopCapture()).toEqual([
      { code: 'blank-name', field: 'channel_name', message: 'channel at index 2: channel_name is blank', reason: 'channel_name is blank', value: undefined },
      { code: 'my-plugin:stale', field: undefined, message: 'stale', reason: undefined, value: undefined },
    ]);
  });
});
