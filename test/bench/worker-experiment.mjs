// Does rendering on worker threads win on this machine? node --expose-gc test/bench/worker-experiment.mjs [channels]
// Splits the channels into one slice per core, renders each slice in a worker with the same
// options (without the header), and joins the texts; compares with one in-memory run.
import { availableParallelism } from 'node:os';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { createGenerator } from '@m3ugen/preset-default';
import { BASE_URL, makeChannels, PROXY_ID } from './channels.mjs';

const options = { baseUrl: BASE_URL, proxyId: PROXY_ID, memory: { enableTracking: false }, checkDuplicates: false };

if (!isMainThread) {
  // Worker: render one slice; the header is dropped, only the main thread writes it.
  const generator = createGenerator({ ...options, plugins: [{ name: 'no-header', apply: (g) => g.hooks.header.tap('no-header', () => '\u0000') }] });
  parentPort.on('message', async (slice) => {
    const { playlist } = await generator.generate(slice, { strategy: 'in-memory' });
    parentPort.postMessage(playlist.slice(2));
  });
} else {
  const count = Number(process.argv[2] ?? 1_000_000);
  const channels = makeChannels(count);
  const single = createGenerator(options);
  const workers = Array.from({ length: availableParallelism() }, () => new Worker(new URL(import.meta.url), { workerData: {} }));
  const ask = (worker, slice) => new Promise((resolve) => { worker.once('message', resolve); worker.postMessage(slice); });

  for (let round = 0; round < 3; round++) {
    globalThis.gc?.();
    let started = performance.now();
    const one = (await single.generate(channels, { strategy: 'in-memory' })).playlist;
    one.charCodeAt(one.length - 1);
    const singleMs = performance.now() - started;

    globalThis.gc?.();
    started = performance.now();
    const size = Math.ceil(count / workers.length);
    const parts = await Promise.all(workers.map((w, i) => ask(w, channels.slice(i * size, (i + 1) * size))));
    const joined = `#EXTM3U\n${parts.join('')}`;
    joined.charCodeAt(joined.length - 1);
    const workerMs = performance.now() - started;
    if (joined !== one) throw new Error('worker output differs');
    console.log(`${count} channels: one thread ${singleMs.toFixed(0)} ms, ${workers.length} workers ${workerMs.toFixed(0)} ms (${(singleMs / workerMs).toFixed(2)}×), same bytes`);
  }
  for (const w of workers) await w.terminate();
}
