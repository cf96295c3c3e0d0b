import { describe, expect, it } from 'vitest';
import type { Channel, NumberedChannel } from '../channel/model.js';
import { BEFORE_GROUP_TITLE, BEFORE_NAME, BEFORE_TVG_CHNO, BEFORE_TVG_LOGO, BEFORE_TVG_NAME, LINE_START, extinfWrittenAs, urlLineIs } from './default-entry.js';
import { sanitizeAttributeValue, sanitizeName } from './sanitize.js';

const ID = '550e8400-e29b-41d4-a716-446655440001';
const channel: Channel = { id: ID, channelName: 'News, Live', tvgId: 'news', tvgName: 'News', tvgLogo: 'http://l/n.png', groupTitle: 'Info' };
const record = (fields: Partial<Channel> = {}, assignedNumber: number = 7): NumberedChannel => ({ assignedNumber, channel: { ...channel, ...fields } });

/** The default entry of `nc` as the renderer writes it (a non-blank name), from the shared literals. */
function entryOf(nc: NumberedChannel): string {
  const ch = nc.channel;
  const value = (v: unknown): string => sanitizeAttributeValue(v === undefined || v === null ? '' : String(v));
  return (
    `${LINE_START}${value(ch.tvgId)}${BEFORE_TVG_NAME}${value(ch.tvgName)}${BEFORE_TVG_LOGO}${value(ch.tvgLogo)}` +
    `${BEFORE_TVG_CHNO}${nc.assignedNumber}${BEFORE_GROUP_TITLE}${value(ch.groupTitle)}${BEFORE_NAME}${sanitizeName(ch.channelName)}\n` +
    `http://p/stream/${ch.id}\n`
  );
}

/** Whether `next` is taken as written by the entry of `written`, that entry standing between two others in one text. */
function sameAs(written: NumberedChannel, next: NumberedChannel): boolean {
  const before = entryOf(record({ id: 'other-1', channelName: 'Before' }, 1));
  const entry = entryOf(written);
  const text = before + entry + entryOf(record({ id: 'other-2', channelName: 'After' }, 2));
  return extinfWrittenAs(written.channel.id, next, text, before.length, before.length + entry.length) >= 0;
}

describe('extinfWrittenAs and urlLineIs: a record compared with the default entry written for it', () => {
  it('takes the record the entry was written from, missing values as undefined, null or "" alike', () => {
    expect(sameAs(record(), record())).toBe(true);
    for (const missing of [undefined, null, ''] as const) {
      const written = record({ tvgId: null, tvgName: undefined, tvgLogo: '', groupTitle: null });
      expect(sameAs(written, record({ tvgId: missing, tvgName: missing, tvgLogo: missing, groupTitle: missing }))).toBe(true);
    }
  });

  it('refuses a record with any value of the entry changed, the id included', () => {
    const changes: Partial<Channel>[] = [
      { id: '550e8400-e29b-41d4-a716-446655440002' },
      { channelName: 'News, Live 2' },
      { channelName: 'News' },
      { tvgId: 'news2' },
      { tvgId: 'new' },
      { tvgId: null },
      { tvgName: 'Newsroom' },
      { tvgLogo: 'http://l/m.png' },
      { groupTitle: '' },
      { groupTitle: 'Infos' },
    ];
    for (const change of changes) expect(sameAs(record(), record(change)), JSON.stringify(change)).toBe(false);
    const written = record({ tvgLogo: null });
    expect(sameAs(written, record({ tvgLogo: 'x' }))).toBe(false);
  });

  it('refuses a changed number, whatever its digits', () => {
    expect(sameAs(record({}, 9), record({}, 10))).toBe(false);
    expect(sameAs(record({}, 10), record({}, 1))).toBe(false);
    expect(sameAs(record({}, 10), record({}, 100))).toBe(false);
    expect(sameAs(record({}, 7), record({}, 7.5))).toBe(false);
    expect(sameAs(record({}, 7), { ...record(), assignedNumber: '7' as unknown as number })).toBe(false);
    // Beyond 15 digits the digits are not read back: written again, never taken for another number.
    expect(sameAs(record({}, 1234567890123456), record({}, 1234567890123456))).toBe(false);
    expect(sameAs(record({}, 123456789012345), record({}, 123456789012345))).toBe(true);
  });

  it('takes a value written as the entry shows it, which is written the same (the bytes and the warnings are the same)', () => {
    expect(sameAs(record({ tvgName: 'The "Best"' }), record({ tvgName: "The 'Best'" }))).toBe(true);
    expect(sameAs(record({ groupTitle: 'a\nb' }), record({ groupTitle: 'a b' }))).toBe(true);
    expect(sameAs(record({ channelName: '  News\r\n' }), record({ channelName: 'News' }))).toBe(true);
    expect(sameAs(record({ tvgId: 5 as unknown as string }), record({ tvgId: '5' }))).toBe(true);
  });

  it('refuses a value that writing would change, even where its text matches the entry\'s', () => {
    expect(sameAs(record({ tvgName: "The 'Best'" }), record({ tvgName: 'The "Best"' }))).toBe(false);
    expect(sameAs(record({ channelName: 'News' }), record({ channelName: ' News' }))).toBe(false);
    expect(sameAs(record({ groupTitle: 'a b' }), record({ groupTitle: 'a\nb' }))).toBe(false);
    expect(sameAs(record({ tvgId: '5' }), record({ tvgId: 5 as unknown as string }))).toBe(false);
  });

  it('is not fooled by a value that runs on into the next attribute or line', () => {
    const written = record({ tvgId: 'a', tvgName: 'b', tvgLogo: 'c' });
    // What follows `tvg-id="a` in the entry, taken whole as the tvg-id, with the later values shifted along.
    expect(sameAs(written, record({ tvgId: 'a" tvg-name="b', tvgName: 'c', tvgLogo: '7' }))).toBe(false);
    // A name that runs on through the URL line.
    const entry = entryOf(written);
    const name = `${entry.slice(entry.indexOf('",') + 2, -1)}`;
    expect(name).toContain('\n');
    expect(sameAs(written, record({ tvgId: 'a', tvgName: 'b', tvgLogo: 'c', channelName: name }))).toBe(false);
  });

  it("ends the #EXTINF line where the entry's does, and takes a URL only if the entry's URL line is that URL, whole", () => {
    const before = entryOf(record({ id: 'other-1', channelName: 'Before' }, 1));
    const entry = entryOf(record());
    const text = before + entry + entryOf(record({ id: 'other-2', channelName: 'After' }, 2));
    const end = before.length + entry.length;
    const lineEnd = extinfWrittenAs(ID, record(), text, before.length, end);
    expect(lineEnd).toBe(before.length + entry.indexOf('\n'));
    expect(urlLineIs(`http://p/stream/${ID}`, text, lineEnd, end)).toBe(true);
    // Shorter, longer (running into the next entry), other characters of the same length, or none built.
    for (const url of [`http://p/stream/${ID.slice(0, -1)}`, `http://p/stream/${ID}\n#`, `http://p/stream/${ID}x`, `http://q/stream/${ID}`, '', undefined]) {
      expect(urlLineIs(url, text, lineEnd, end), String(url)).toBe(false);
    }
  });

  it('reads nothing past the entry: an empty entry (a dropped channel) matches no record', () => {
    const next = entryOf(record());
    expect(extinfWrittenAs(ID, record(), next, 0, 0)).toBe(-1);
    expect(extinfWrittenAs(ID, record(), next, 0, next.length)).toBe(next.indexOf('\n'));
  });
});
