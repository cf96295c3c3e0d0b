// Where a regeneration's time goes, batch by batch:
//   node --expose-gc test/bench/regeneration-batches.mjs [EVERY] [CHANNELS]
// In a fresh process, as the bench's incremental-1% does: a full run fills an
// EntryCache, then records made again, every EVERY-th renamed (100: 1%; a number
// past CHANNELS renames only the first), are regenerated: copies with the new name, as the bench's
// incremental-1% makes them, or with RENAMED=alike renamed in place, so they keep the others' shape (as
// a reader's records do). Times each call of
// EntryCache#renderBatch, and prints the total, the batches' time by range, the
// milliseconds per batch of the first 50 and of the last 300 (warm), and the
// garbage collection during the run.
import { PerformanceObserver } from 'node:perf_hooks';
import { EntryCache } from '@m3ugen/core';
import { createGenerator } from '@m3ugen/preset-default';
import { BASE_URL, makeChannels, PROXY_ID, remadeWithRenamed } from './channels.mjs';
import { collectAndSettle } from './timing.mjs';

const every = Number(process.argv[2] ?? 100);
const count = Number(process.argv[3] ?? 1_000_000);
if (!(every >= 1)) throw new Error('EVERY is a whole number from 1');
const generator = createGenerator({ baseUrl: BASE_URL, proxyId: PROXY_ID, memory: { enableTracking: false } });
const cache = new EntryCache();
await generator.generate(makeChannels(count), { strategy: 'in-memory', cache });
const next = remadeWithRenamed(count, { every, alike: process.env['RENAMED'] === 'alike' });
await collectAndSettle();

const renderBatch = EntryCache.prototype.renderBatch;
const times = [];
EntryCache.prototype.renderBatch = function (firstIndex, batchCount, entries) {
  const started = performance.now();
  const text = renderBatch.call(this, firstIndex, batchCount, entries);
  times.push(performance.now() - started);
  return text;
};
let gcMs = 0;
const observer = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcMs += entry.duration;
});
observer.observe({ entryTypes: ['gc'] });
const started = performance.now();
const result = await generator.generate(next, { strategy: 'in-memory', cache });
const total = performance.now() - started;
// The observer hears of a collection a turn or two late.
await new Promise((resolve) => setTimeout(resolve, 50));
observer.disconnect();

const sum = (from, to = times.length) => times.slice(from, to).reduce((a, b) => a + b, 0);
const ms = (value) => value.toFixed(0);
console.log(
  `${result.metrics.channels - result.metrics.reusedEntries} rendered again: ${ms(total)} ms, ${times.length} batches ` +
    `(0-49: ${ms(sum(0, 50))}, 50-199: ${ms(sum(50, 200))}, 200-499: ${ms(sum(200, 500))}, 500-: ${ms(sum(500))} ms); ` +
    `per batch, first 50: ${(sum(0, 50) / 50).toFixed(3)} ms, last 300: ${(sum(times.length - 300) / 300).toFixed(3)} ms; gc ${ms(gcMs)} ms`,
);
