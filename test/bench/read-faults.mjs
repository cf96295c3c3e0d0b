// What reading a regeneration's playlist costs, and where:
//   node --expose-gc test/bench/read-faults.mjs [CHANNELS] [full]
// As the bench's incremental-1% does: a full run fills an EntryCache, then records made again with every 100th
// renamed are regenerated; then the returned string is read (V8 copies the rope into one flat string). Prints the
// read's time, the page faults it took and the CPU time it spent in the process and in the kernel; then the
// same for a full run's string, read in the same process, for comparison. With `full`, only a full run in a
// fresh process and its read (as the bench's in-memory path).
import { EntryCache } from '@m3ugen/core';
import { createGenerator } from '@m3ugen/preset-default';
import { BASE_URL, makeChannels, PROXY_ID, remadeWithRenamed } from './channels.mjs';
import { collectAndSettle } from './timing.mjs';

const count = Number(process.argv[2] ?? 1_000_000);
const options = { baseUrl: BASE_URL, proxyId: PROXY_ID, memory: { enableTracking: false } };

/** Reads the string's last character, timed, with the page faults and CPU time it took. */
function read(label, playlist) {
  const before = process.resourceUsage();
  const started = performance.now();
  playlist.charCodeAt(playlist.length - 1);
  const ms = performance.now() - started;
  const after = process.resourceUsage();
  const faults = after.minorPageFault - before.minorPageFault;
  const sysMs = (after.systemCPUTime - before.systemCPUTime) / 1000;
  console.log(
    `${label}: read in ${ms.toFixed(0)} ms; ${faults} page faults (${after.majorPageFault - before.majorPageFault} major), ` +
      `${((after.userCPUTime - before.userCPUTime) / 1000).toFixed(0)} ms in the process, ${sysMs.toFixed(0)} ms in the kernel ` +
      `(${faults === 0 ? '-' : ((sysMs * 1000) / faults).toFixed(1)} µs a fault); RSS now ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB`,
  );
}

/** A full run's playlist, by a generator of its own. */
const fullRun = async () => (await createGenerator(options).generate(makeChannels(count), { strategy: 'in-memory' })).playlist;

if (process.argv[3] === 'full') {
  read('after a full run, fresh process', await fullRun());
  process.exit(0);
}
const generator = createGenerator(options);
const cache = new EntryCache();
await generator.generate(makeChannels(count), { strategy: 'in-memory', cache });
const next = remadeWithRenamed(count);
await collectAndSettle();
const regenerated = await generator.generate(next, { strategy: 'in-memory', cache });
read('after a 1% regeneration', regenerated.playlist);
await collectAndSettle();
read('after a full run, same process', await fullRun());
