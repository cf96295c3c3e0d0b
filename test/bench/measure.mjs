// One measurement in a fresh process: node --expose-gc measure.mjs <path> <channels>
// Prints one JSON line: { path, channels, ms, msAtReturn, bytes, rssBeforeBytes, peakRssBytes, peakRssAtReturnBytes }.
// ms runs until the playlist string has been read; msAtReturn until generate() (or the peer's writeM3U) returned it.
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeM3U } from '@iptv/playlist';
import { attributes } from '@m3ugen/attributes';
import { extinfTemplate } from '@m3ugen/extinf-template';
import { EntryCache } from '@m3ugen/core';
import { createGenerator } from '@m3ugen/preset-default';
import { BASE_URL, makeChannels, PROXY_ID, remadeWithRenamed, toPeerChannels } from './channels.mjs';
import { collectAndSettle } from './timing.mjs';

const [path, countText] = process.argv.slice(2);
const count = Number(countText);
const channels = makeChannels(count);
const options = { baseUrl: BASE_URL, proxyId: PROXY_ID, memory: { enableTracking: false } };

const paths = {
  /** The peer: @iptv/playlist's writeM3U on the same channels and URLs; the string is flattened (read) like ours. */
  async peer() {
    const peerChannels = toPeerChannels(channels);
    return time(() => {
      const out = writeM3U({ channels: peerChannels });
      returnedAt = performance.now();
      peakAtReturn = process.resourceUsage().maxRSS * 1024;
      out.charCodeAt(out.length - 1);
      return Buffer.byteLength(out) + 1;
    });
  },
  async 'in-memory'() {
    const generator = createGenerator(options);
    return time(async () => flat(await generator.generate(channels, { strategy: 'in-memory' })));
  },
  async 'streaming-file'() {
    const dir = mkdtempSync(join(tmpdir(), 'm3ugen-bench-'));
    const generator = createGenerator(options);
    try {
      return await time(async () => (await generator.generate(channels, { strategy: 'streaming', output: createWriteStream(join(dir, 'p.m3u')) })).metrics.bytes);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
  async 'eta-template'() {
    const generator = createGenerator({ ...options, plugins: [extinfTemplate()] });
    return time(async () => flat(await generator.generate(channels, { strategy: 'in-memory' })));
  },
  /**
   * Regeneration after 1% of the channels changed. The records and their strings are made again, as a pipeline
   * re-reading its data gets them: an unchanged value is then an equal string, not the same one, and comparing it
   * reads its characters. The first, full run is not timed.
   */
  async 'incremental-1%'() {
    const generator = createGenerator(options);
    const cache = new EntryCache();
    await generator.generate(channels, { strategy: 'in-memory', cache });
    const next = remadeWithRenamed(count);
    return time(async () => flat(await generator.generate(next, { strategy: 'in-memory', cache })));
  },
  /**
   * Regeneration after churn: every 200th channel removed and as many new ones inserted elsewhere (1% of the
   * entries change), so the channels between them move. The records are made again, as in `incremental-1%`. The
   * first, full run is not timed.
   */
  async 'incremental-moved'() {
    const generator = createGenerator(options);
    const cache = new EntryCache();
    await generator.generate(channels, { strategy: 'in-memory', cache });
    const fresh = makeChannels(Math.ceil(count / 200), count);
    const again = makeChannels(count);
    const next = [];
    for (let i = 0; i < again.length; i++) {
      if (i % 200 === 0) next.push(fresh[i / 200]);
      if (i % 200 !== 100) next.push(again[i]);
    }
    return time(async () => flat(await generator.generate(next, { strategy: 'in-memory', cache })));
  },
  async attributes() {
    const plugin = attributes({ ready: ['catchup', 'catchup-days'], attributes: [{ name: 'tvg-country', value: 'DE' }] });
    const generator = createGenerator({ ...options, plugins: [plugin] });
    return time(async () => flat(await generator.generate(channels, { strategy: 'in-memory' })));
  },
};

/** Peak RSS and time when generate() returned, before the playlist was read (and so flattened). */
let peakAtReturn;
let returnedAt;

/** Reads the playlist's last character, so a string V8 still holds as a rope is flattened inside the timing, as the peer's is. */
function flat(result) {
  returnedAt = performance.now();
  peakAtReturn = process.resourceUsage().maxRSS * 1024;
  result.playlist.charCodeAt(result.playlist.length - 1);
  return result.metrics.bytes;
}

async function time(run) {
  await collectAndSettle();
  const rssBefore = process.memoryUsage().rss;
  const started = performance.now();
  const bytes = await run();
  const ended = performance.now();
  const peakRssBytes = process.resourceUsage().maxRSS * 1024;
  const ms = ended - started;
  return { ms, msAtReturn: (returnedAt ?? ended) - started, bytes, rssBeforeBytes: rssBefore, peakRssBytes, peakRssAtReturnBytes: peakAtReturn ?? peakRssBytes };
}

const run = paths[path];
if (run === undefined) throw new Error(`unknown path ${path}; known: ${Object.keys(paths).join(', ')}`);
const result = await run();
process.stdout.write(`${JSON.stringify({ path, channels: count, ...result })}\n`);
