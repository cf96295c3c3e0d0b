// Warm runs in one process, for A/B comparisons of small changes (compare two checkouts by
// alternating processes; one process's numbers move with the machine):
//   node --expose-gc test/bench/warm.mjs [channels=10000] [runs=150]
// Prints the median ms per run of the default in-memory path and of the peer, after 30 warm-up runs each.
import { writeM3U } from '@iptv/playlist';
import { createGenerator } from '@m3ugen/preset-default';
import { BASE_URL, makeChannels, PROXY_ID, toPeerChannels } from './channels.mjs';
import { median } from './timing.mjs';

const count = Number(process.argv[2] ?? 10_000);
const runs = Number(process.argv[3] ?? 150);
const channels = makeChannels(count);
const peerChannels = toPeerChannels(channels);
const generator = createGenerator({ baseUrl: BASE_URL, proxyId: PROXY_ID, memory: { enableTracking: false } });

const paths = {
  'in-memory': async () => {
    const { playlist } = await generator.generate(channels, { strategy: 'in-memory' });
    playlist.charCodeAt(playlist.length - 1);
  },
  peer: async () => {
    const playlist = writeM3U({ channels: peerChannels });
    playlist.charCodeAt(playlist.length - 1);
  },
};

for (const [name, run] of Object.entries(paths)) {
  for (let i = 0; i < 30; i++) await run();
  globalThis.gc?.();
  const times = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  console.log(`${name.padEnd(10)} ${count} channels: median ${median(times).toFixed(1)} ms per run (${runs} runs)`);
}
