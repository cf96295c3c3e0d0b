// How low the in-memory path's peak can go once its string is read:
//   node --expose-gc test/bench/read-floor.mjs [CHANNELS] [gc]
// As the bench's in-memory path: a full run, then the returned string's last character is read (V8 copies the
// rope of batch texts into one flat string). With `gc`, a full collection runs between the two, so whatever the
// run left as garbage (the duplicate check's table, its batches' scratch) is freed before the copy: the peak that
// is left is the two copies of the text and what the string and the heap hold. Prints bytes per channel above
// the RSS before the run, at return, after the collection and at the peak, and the run's ArrayBuffer memory.
import { createGenerator } from '@m3ugen/preset-default';
import { BASE_URL, makeChannels, PROXY_ID } from './channels.mjs';
import { collectAndSettle } from './timing.mjs';

const count = Number(process.argv[2] ?? 1_000_000);
const collect = process.argv[3] === 'gc';
const channels = makeChannels(count);
const generator = createGenerator({ baseUrl: BASE_URL, proxyId: PROXY_ID, memory: { enableTracking: false } });

await collectAndSettle();
const before = process.memoryUsage().rss;
const { playlist, metrics } = await generator.generate(channels, { strategy: 'in-memory' });
const atReturn = process.resourceUsage().maxRSS * 1024;
const arrayBuffersAtReturn = process.memoryUsage().arrayBuffers;
if (collect) globalThis.gc();
const afterCollection = process.memoryUsage().rss;
playlist.charCodeAt(playlist.length - 1);
const peak = process.resourceUsage().maxRSS * 1024;

const perChannel = (bytes) => ((bytes - before) / count).toFixed(1);
console.log(
  `${count} channels, ${(metrics.bytes / count).toFixed(1)} bytes of playlist each${collect ? ', collected before the read' : ''}: ` +
    `peak at return ${perChannel(atReturn)} B/channel, after ${collect ? 'the collection' : 'return'} ${perChannel(afterCollection)}, ` +
    `peak once read ${perChannel(peak)}; ArrayBuffers at return ${(arrayBuffersAtReturn / 2 ** 20).toFixed(1)} MiB`,
);
