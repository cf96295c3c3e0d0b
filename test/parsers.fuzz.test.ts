import { parseM3U } from '@iptv/playlist';
import { displayName, type NumberedChannel } from '@m3ugen/core';
import { createGenerator } from '@m3ugen/preset-default';
import { encodeChannelId } from '@m3ugen/url-builder';
import fc from 'fast-check';
import parser from 'iptv-playlist-parser';
import { describe, expect, it } from 'vitest';
import { propertyRuns } from './support/property-runs.js';

const PROXY = '01ARZ3NDEKTSV4RRFFQ69G5FAV';
const PREFIX = `http://localhost:8080/stream/${PROXY}/`;
const INJECTED_URL = 'http://evil.example/injected.ts';
const INJECTIONS = [`\n#EXTINF:-1,Injected\n${INJECTED_URL}\n`, '\r\n#EXTM3U\r\n', `\u2028${INJECTED_URL}\u2029`, '\0#EXTINF:-1 tvg-id="x",y'];

/** Hostile pieces: control characters, separators, quotes, directives, surrogates, emoji, right-to-left text. */
const piece = fc.oneof(
  fc.constantFrom('\0', '\r', '\n', '\r\n', '\t', '\u2028', '\u2029', '\u0085', '"', "'", ',', '="', '",', '#EXTINF:-1,', '#EXTM3U', '\ud800', '\udfff', '📺', '👨‍👩‍👧', 'عربي', '\u202e', 'שלום', ' ', ''),
  ...INJECTIONS.map((s) => fc.constant(s)),
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
);
const hostileText = fc.array(piece, { maxLength: 12 }).map((parts) => parts.join(''));

const channelArb: fc.Arbitrary<NumberedChannel> = fc.record({
  assignedNumber: fc.nat({ max: 99_999 }),
  channel: fc.record({
    id: fc.oneof(fc.uuid(), hostileText.filter((s) => s !== '')),
    channelName: hostileText.filter((s) => s !== ''),
    tvgId: fc.option(hostileText, { nil: undefined }),
    tvgName: fc.option(hostileText, { nil: null }),
    tvgLogo: fc.option(hostileText, { nil: undefined }),
    groupTitle: fc.option(hostileText, { nil: undefined }),
  }),
});

interface Parsed {
  readonly name: string;
  readonly url: string;
}

function parseBoth(playlist: string): Record<'iptv-playlist-parser' | '@iptv/playlist', Parsed[]> {
  return {
    'iptv-playlist-parser': parser.parse(playlist).items.map((item) => ({ name: item.name, url: item.url })),
    '@iptv/playlist': parseM3U(playlist).channels.map((channel) => ({ name: channel.name ?? '', url: channel.url ?? '' })),
  };
}

async function check(channels: NumberedChannel[]): Promise<void> {
  const { playlist } = await createGenerator({ proxyId: PROXY, checkDuplicates: false }).generate(channels);
  const expected = channels.map((nc) => ({ name: displayName(nc.channel, nc.assignedNumber), url: PREFIX + encodeChannelId(nc.channel.id) }));
  for (const [name, items] of Object.entries(parseBoth(playlist))) {
    expect(items, name).toEqual(expected);
  }
  const lines = playlist.split('\n');
  expect(lines.length).toBe(2 * channels.length + 2);
  for (const line of lines) {
    expect(line).not.toBe(INJECTED_URL);
    expect(line === '#EXTM3U' || line === '' || line.startsWith('#EXTINF:-1 tvg-id="') || line.startsWith(PREFIX)).toBe(true);
  }
}

describe('two independent parsers read every generated playlist as its input', () => {
  it('hostile records: same channel count, URLs and names; no injected line', async () => {
    await fc.assert(fc.asyncProperty(fc.array(channelArb, { minLength: 1, maxLength: 20 }), check), { numRuns: propertyRuns(300) });
  });

  it('names of 1 MB with injections inside', async () => {
    const huge = 'x'.repeat(512 * 1024) + INJECTIONS.join('') + '"'.repeat(1000) + 'y'.repeat(512 * 1024);
    await check([
      { assignedNumber: 1, channel: { id: '550e8400-e29b-41d4-a716-446655440001', channelName: huge, tvgName: huge, groupTitle: huge } },
      { assignedNumber: 2, channel: { id: '550e8400-e29b-41d4-a716-446655440002', channelName: 'After the huge one' } },
    ]);
  });

  it('blank names fall back to tvg-name or the id, so no parser drops the entry', async () => {
    await check([
      { assignedNumber: 1, channel: { id: 'id-only', channelName: '\n\r\t' } },
      { assignedNumber: 2, channel: { id: 'x', channelName: '\u2028', tvgName: 'From tvg-name' } },
    ]);
  });
});
