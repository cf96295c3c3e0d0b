// What an EntryCache holds and how long a run that reuses every entry takes, by preference and URL scheme:
//   node --expose-gc test/bench/cache-prefer.mjs speed|memory proxy|direct|pattern [CHANNELS]
// Fills a cache with one in-memory run, then times five runs over records and strings made again (as a
// re-read gives them), none changed. `held`: heap after a full collection, above the heap before the
// first run, with the cache and nothing else of the runs alive.
import { EntryCache } from '@m3ugen/core';
import { createGenerator } from '@m3ugen/preset-default';
import { makeChannels, BASE_URL, PROXY_ID } from './channels.mjs';
const [prefer = 'speed', scheme = 'proxy', n = '1000000'] = process.argv.slice(2);
const urlOptions = scheme === 'pattern' ? { pattern: '{base_url}/live/{tvg_id}/{assigned_number}.ts' } : {};
const g = createGenerator({ baseUrl: BASE_URL, proxyId: PROXY_ID, urlScheme: scheme, urlOptions, memory: { enableTracking: false } });
const cache = new EntryCache({ prefer });
globalThis.gc(); const base = process.memoryUsage().heapUsed;
await g.generate(makeChannels(Number(n)), { cache, strategy: 'in-memory' });
globalThis.gc(); const held = process.memoryUsage().heapUsed - base;
const times = [];
for (let r = 0; r < 5; r++) {
  const next = makeChannels(Number(n));
  globalThis.gc();
  const t = performance.now();
  await g.generate(next, { cache, strategy: 'in-memory' });
  times.push(performance.now() - t);
  if (cache.stats.rendered !== 0) throw new Error(`rendered ${cache.stats.rendered} entries again; expected none`);
}
times.sort((a, b) => a - b);
console.log(prefer, scheme, `held ${(held / 1e6).toFixed(0)} MB`, `runs ${times.map((t) => t.toFixed(0)).join(' ')} ms`, `peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
