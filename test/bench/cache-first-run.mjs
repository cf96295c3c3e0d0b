// The run that fills an EntryCache, and the 1% regeneration after it, in one fresh process:
//   node --expose-gc test/bench/cache-first-run.mjs [CHANNELS]
// A full in-memory run with a new cache over the bench's channels (an array: the run knows their count), then
// the records made again with every 100th renamed, as the bench's incremental-1% path; each timed until
// generate() returned, after a forced collection.
import { EntryCache } from '@m3ugen/core';
import { createGenerator } from '@m3ugen/preset-default';
import { BASE_URL, makeChannels, PROXY_ID, remadeWithRenamed } from './channels.mjs';
import { collectAndSettle } from './timing.mjs';

const count = Number(process.argv[2] ?? 1_000_000);
const generator = createGenerator({ baseUrl: BASE_URL, proxyId: PROXY_ID, memory: { enableTracking: false } });
const cache = new EntryCache();
const channels = makeChannels(count);
await collectAndSettle();
let started = performance.now();
await generator.generate(channels, { strategy: 'in-memory', cache });
const first = performance.now() - started;
const next = remadeWithRenamed(count);
await collectAndSettle();
started = performance.now();
await generator.generate(next, { strategy: 'in-memory', cache });
console.log(`first run with a cache ${Math.round(first)} ms; 1% regeneration ${Math.round(performance.now() - started)} ms`);
