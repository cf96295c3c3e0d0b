import type { NumberedChannel } from '@m3ugen/core';

const GROUPS = ['News', 'Sports', 'Movies', 'Kids', 'Music', 'Documentary', 'Entertainment', 'Sports/Football'];
const WORDS = ['Prime', 'Nova', 'Atlas', 'Kanal', 'Télé', 'Canal', 'Channel', 'One', 'Plus', 'HD', 'Live', '24'];

/** A deterministic pseudo-random sequence (mulberry32), so fixtures are the same on every machine. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function uuid(n: number): string {
  const hex = n.toString(16).padStart(12, '0');
  return `550e8400-e29b-41d4-a716-${hex}`;
}

/**
 * `count` realistic channels: UUID ids, names, logos and groups, with about
 * one in ten missing a logo and one in twenty missing a tvg-name, like real
 * provider data.
 */
export function makeChannels(count: number, seed = 1): NumberedChannel[] {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const channels: NumberedChannel[] = [];
  for (let i = 0; i < count; i++) {
    const name = `${pick(WORDS)} ${pick(WORDS)} ${i + 1}`;
    const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
    channels.push({
      assignedNumber: i + 1,
      channel: {
        id: uuid(i + 1),
        channelName: name,
        streamUrl: `http://upstream.example/live/${i + 1}.ts`,
        tvgId: `${slug}.example`,
        tvgName: next() < 0.05 ? null : name,
        tvgLogo: next() < 0.1 ? null : `http://localhost:8080/logos/${slug}.png`,
        groupTitle: pick(GROUPS),
      },
    });
  }
  return channels;
}
