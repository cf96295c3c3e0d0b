// Many regenerations with one EntryCache: node --expose-gc test/bench/incremental-rotating.mjs [runs] [channels]
// Each run regenerates the bench's channels, made again (as a re-read gives them), with the `run`-th hundredth
// renamed, so each run a different 1% changes and the last run's 1% changes back (ROTATE=0: the same 1% every
// run). Prints each run's time until generate() returned, then the median and mean. The bench's
// `incremental-1%` cell times one regeneration after the first, full run; a watching service regenerates many
// times, and its later runs cost more (docs/performance.md, "Regenerating many times"). Needs `pnpm build`.
import { makeChannels, BASE_URL, PROXY_ID, remadeWithRenamed } from './channels.mjs';
import { collectAndSettle } from './timing.mjs';

const root = new URL('../../', import.meta.url);
const { createGenerator } = await import(new URL('packages/preset-default/dist/index.js', root).href);
const { EntryCache } = await import(new URL('packages/core/dist/index.js', root).href);
const runs = Number(process.argv[2] ?? 30);
const count = Number(process.argv[3] ?? 1_000_000);
const rotate = process.env['ROTATE'] !== '0';
const generator = createGenerator({ baseUrl: BASE_URL, proxyId: PROXY_ID, memory: { enableTracking: false } });
const cache = new EntryCache();
await generator.generate(makeChannels(count), { strategy: 'in-memory', cache });
const changed = (run) => remadeWithRenamed(count, { offset: rotate ? run % 100 : 0, suffix: ` (${run})` });
const times = [];
for (let run = 0; run < runs; run++) {
  const input = changed(run);
  await collectAndSettle();
  const started = performance.now();
  await generator.generate(input, { strategy: 'in-memory', cache });
  times.push(performance.now() - started);
}
const sorted = [...times].sort((a, b) => a - b);
console.log(times.map((t) => t.toFixed(0)).join(' '));
console.log(`${rotate ? 'a different 1% each run' : 'the same 1% each run'}, ${count} channels: median ${sorted[sorted.length >> 1].toFixed(0)} ms, mean ${(times.reduce((a, b) => a + b, 0) / times.length).toFixed(0)} ms`);
