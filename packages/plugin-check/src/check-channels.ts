import type { Channel, NumberedChannel } from '@m3ugen/core';

/**
 * Values that break a playlist written without care: line breaks of every
 * kind, quotes and commas (the EXTINF line's own syntax), directives, NUL,
 * a lone surrogate, characters outside the BMP, right-to-left text, a long
 * value, and blanks. Give the fields your plugin reads such values in the
 * channels you check it with.
 *
 * @example
 * ```ts
 * const channels = checkChannels(50).map((nc, i) => ({ ...nc, channel: { ...nc.channel, catchupSource: HOSTILE_TEXTS[i % HOSTILE_TEXTS.length] } }));
 * ```
 */
export const HOSTILE_TEXTS: readonly string[] = Object.freeze([
  '',
  ' ',
  'News, HD',
  'a "quoted" name',
  'line\nbreak',
  'carriage\rreturn',
  '\r\n#EXTINF:-1,Injected\nhttp://evil.example/x',
  'NUL\0inside',
  'tab\there',
  'separators\u2028and\u2029',
  'next\u0085line',
  'lone \ud83d half',
  '📺 emoji',
  'عربي',
  '#EXTM3U',
  'x'.repeat(1500),
]);

/** A small, fast, seeded generator (mulberry32): the same seed gives the same channels on every machine. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `count` channels as an upstream could send them, the same for the same
 * `seed`: each field plain, hostile (see the list above) or missing, ids
 * unique (mostly UUIDs, some not), numbers unique and out of order.
 *
 * @example
 * ```ts
 * const channels = checkChannels(100);
 * await generator.generate(channels, { strategy: 'mine' });
 * ```
 */
export function checkChannels(count: number, seed = 1): NumberedChannel[] {
  const random = seededRandom(seed);
  const pick = (): string => HOSTILE_TEXTS[Math.floor(random() * HOSTILE_TEXTS.length)] ?? '';
  /** Half plain text, a third hostile, the rest missing (absent, `undefined` or `null`). */
  const field = (plain: string): string | null | undefined => {
    const roll = random();
    if (roll < 0.5) return plain;
    if (roll < 0.83) return pick();
    return roll < 0.92 ? undefined : null;
  };
  // Numbers 1..count, shuffled (Fisher-Yates), so a strategy that sorts has work to do.
  const numbers = Array.from({ length: count }, (_, i) => i + 1);
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [numbers[i], numbers[j]] = [numbers[j] ?? 0, numbers[i] ?? 0];
  }
  return numbers.map((assignedNumber, i) => {
    const hex = i.toString(16).padStart(12, '0');
    // One id in 10 is not a UUID (a warning), and some of those hold a line break the URL must not keep.
    const id = random() < 0.1 ? `channel ${i} ${pick()}` : `00000000-0000-4000-8000-${hex}`;
    const name = random() < 0.6 ? `Channel ${i}` : pick();
    // Valid absolute URLs (the direct scheme refuses others), some with hostile text after them, and the seed in each: another seed changes every one.
    const streamUrl = `http://upstream.example/${seed}/${i}.ts${random() < 0.2 ? `?q=${pick()}` : ''}`;
    const optional = { tvgId: field(`channel-${i}.example`), tvgName: field(`Channel ${i}`), tvgLogo: field(`http://logos.example/${i}.png`), groupTitle: field(i % 3 === 0 ? 'News' : 'Sports') };
    // A field left undefined is absent from the record, as in JSON.
    const channel: Channel = { id, channelName: name === '' ? `Channel ${i}` : name, streamUrl, ...Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== undefined)) };
    return { assignedNumber, channel };
  });
}
