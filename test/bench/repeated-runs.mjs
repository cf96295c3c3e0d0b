// Many runs of one generator in one process, as a service that generates a playlist on each request does:
//   node --expose-gc test/bench/repeated-runs.mjs [channels] [runs] [mode]
// mode: `gc` (default: a full garbage collection before each run, as the idle time between two requests
// gives), `no-gc` (runs back to back), or `cache` (each run given the same EntryCache, a different 1% of the
// records renamed, the records made again, as `generate --watch` regenerates; a collection before each).
// Prints the median and quartiles of the runs after the first 10 (of every run, with 10 runs or fewer), in
// milliseconds, and each run's time.
// V8 keeps a function's optimized code only while something uses it; what a run made (its closures, its
// objects' hidden classes) dies with the run, and a later run may start again from unoptimized code.
import { EntryCache } from '@m3ugen/core';
import { createGenerator } from '@m3ugen/preset-default';
import { BASE_URL, makeChannels, PROXY_ID, remadeWithRenamed } from './channels.mjs';

const count = Number(process.argv[2] ?? 20_000);
const runs = Number(process.argv[3] ?? 60);
const mode = process.argv[4] ?? 'gc';
if (!(Number.isInteger(runs) && runs >= 1)) throw new Error(`runs is a whole number from 1, got ${process.argv[3]}`);
if (!['gc', 'no-gc', 'cache'].includes(mode)) throw new Error(`unknown mode ${mode}; known: gc, no-gc, cache`);
if (mode !== 'no-gc' && globalThis.gc === undefined) throw new Error('run with node --expose-gc');
const generator = createGenerator({ baseUrl: BASE_URL, proxyId: PROXY_ID, memory: { enableTracking: false } });
const channels = makeChannels(count);
const cache = mode === 'cache' ? new EntryCache() : undefined;
if (cache !== undefined) await generator.generate(channels, { strategy: 'in-memory', cache });

/** The records of run `run`: the same ones, or, with a cache, made again with every 100th one from `run % 100` renamed. */
const recordsOf = (run) =>
  cache === undefined
    ? channels
    : remadeWithRenamed(count, { offset: run % 100, suffix: ` (${run})` });

const times = [];
for (let run = 0; run < runs; run++) {
  const records = recordsOf(run);
  if (mode !== 'no-gc') globalThis.gc();
  const started = performance.now();
  await generator.generate(records, { strategy: 'in-memory', cache });
  times.push(performance.now() - started);
}
// The first 10 runs are left out as warm-up, unless that would leave none.
const skipped = runs > 10 ? 10 : 0;
const later = times.slice(skipped).sort((a, b) => a - b);
const at = (q) => later[Math.min(later.length - 1, Math.floor(later.length * q))].toFixed(1);
console.log(`${count} channels, ${runs} runs, ${mode}: median ${at(0.5)} ms (quartiles ${at(0.25)}–${at(0.75)}) ${skipped === 0 ? 'of every run' : `after the first ${skipped}`}`);
console.log(`each: ${times.map((t) => t.toFixed(0)).join(' ')}`);
