// pnpm bench: every path on the same generated channels, each measurement in a fresh process.
// Environment: BENCH_SIZES (default 10000,100000,1000000), BENCH_RUNS (default 3),
// BENCH_CLI_SIZES (default 1000000,5000000; "" skips), BENCH_OUT (default .bench-out/results.json).
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createGzip } from 'node:zlib';
import { writeM3U } from '@iptv/playlist';
import { extinfTemplate } from '@m3ugen/extinf-template';
import { createGenerator } from '@m3ugen/preset-default';
import { BASE_URL, makeChannels, PROXY_ID, toNdjsonLine, toPeerChannels } from './channels.mjs';
import { firstByteMs, median } from './timing.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../..');
const BIN = join(root, 'packages/cli/bin/m3ugen.js');
const list = (text, fallback) => (text === undefined ? fallback : text.split(',').filter(Boolean).map(Number));
const SIZES = list(process.env.BENCH_SIZES, [10_000, 100_000, 1_000_000]);
const CLI_SIZES = list(process.env.BENCH_CLI_SIZES, [1_000_000, 5_000_000]);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const OUT = process.env.BENCH_OUT ?? join(root, '.bench-out/results.json');
const PATHS = ['peer', 'in-memory', 'streaming-file', 'eta-template', 'attributes', 'incremental-1%', 'incremental-moved'];

const fmt = (n) => Math.round(n).toLocaleString('en-US');
/** `after` against `before` as a signed percentage: "+4%", "-8%". */
const change = (after, before) => `${after >= before ? '+' : ''}${((after / before - 1) * 100).toFixed(0)}%`;

function measure(path, size) {
  const child = spawnSync(process.execPath, ['--expose-gc', join(here, 'measure.mjs'), path, String(size)], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (child.status !== 0) throw new Error(`${path} ${size} failed: ${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').at(-1));
}

/** Content checks (not timed): the paths being compared write the same playlist. */
async function verify(size) {
  const channels = makeChannels(size);
  const options = { baseUrl: BASE_URL, proxyId: PROXY_ID };
  const reference = (await createGenerator(options).generate(channels, { strategy: 'in-memory' })).playlist;
  const peer = writeM3U({ channels: toPeerChannels(channels) });
  if (`${peer}\n` !== reference) throw new Error(`peer output differs from m3ugen's at ${size} channels`);
  const streamed = (await createGenerator(options).generate(channels, { strategy: 'streaming' })).playlist;
  const templated = (await createGenerator({ ...options, plugins: [extinfTemplate()] }).generate(channels)).playlist;
  if (streamed !== reference || templated !== reference) throw new Error(`strategies or template differ at ${size} channels`);
}

/** The channels as NDJSON, or (`array`) as a JSON array of the same records, one per line. */
async function writeNdjson(path, count, array = false) {
  const out = createWriteStream(path);
  const batch = 10_000;
  if (array) out.write('[\n');
  for (let start = 0; start < count; start += batch) {
    const channels = makeChannels(Math.min(batch, count - start), start);
    const last = start + batch >= count;
    const text = array ? `${channels.map(toNdjsonLine).join(',\n')}${last ? '\n]' : ','}\n` : `${channels.map(toNdjsonLine).join('\n')}\n`;
    if (!out.write(text)) await new Promise((r) => out.once('drain', r));
  }
  await new Promise((r) => out.end(r));
}

/** One `m3ugen generate` of `input` into `dir` with `extra` flags, run as users run it; its --metrics. */
function cliMetrics(input, dir, extra) {
  const metrics = join(dir, 'metrics.json');
  const args = ['generate', '--input', input, '--output', join(dir, 'out.m3u'), '--proxy-id', PROXY_ID, '--metrics', metrics, '--quiet', ...extra];
  const child = spawnSync(BIN, args, { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`cli failed: ${child.stderr}`);
  return JSON.parse(readFileSync(metrics, 'utf8'));
}

/** The command's --metrics for one input, streaming: medians of RUNS runs (peak RSS varies by a GC's timing). */
function cliPeakRss(input, dir, config) {
  const extra = ['--strategy', 'streaming', ...(config === undefined ? [] : ['--config', config])];
  const runs = Array.from({ length: RUNS }, () => cliMetrics(input, dir, extra));
  const pick = (key) => median(runs.map((r) => r[key]));
  return { peakRssBytes: pick('peakRssBytes'), durationMs: pick('durationMs'), channelsPerSecond: pick('channelsPerSecond'), samplesPeakRssBytes: runs.map((r) => r.peakRssBytes) };
}

/**
 * The command with and without worker threads (`--workers 1` against
 * `--workers auto`, the default strategy), alternating so both see the same
 * machine: medians of RUNS runs each.
 */
function cliWorkers(input, dir) {
  const run = (workers) => cliMetrics(input, dir, ['--workers', workers]);
  const one = [];
  const auto = [];
  for (let i = 0; i < RUNS; i++) {
    one.push(run('1'));
    auto.push(run('auto'));
  }
  const summary = (runs) => ({
    strategy: runs[0].strategy,
    durationMs: median(runs.map((r) => r.durationMs)),
    peakRssBytes: median(runs.map((r) => r.peakRssBytes)),
    samplesMs: runs.map((r) => Math.round(r.durationMs)),
  });
  return { one: summary(one), auto: summary(auto) };
}

const results = { machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version }, runs: RUNS, paths: {}, cli: {}, targets: [] };
console.log(`m3ugen bench: node ${process.version}, ${cpus().length} × ${cpus()[0]?.model}, median of ${RUNS} fresh processes per cell;\n× peer and % of in-memory: the median of ${RUNS} ratios, each taken inside one round of every path\n`);

for (const size of SIZES) {
  if (size <= 100_000) await verify(size);
  console.log(`${fmt(size)} channels`);
  console.log('  path              median ms    channels/s   × peer   % of in-memory   peak RSS above start (as returned)   ms until returned');
  // Rounds, not cells: each round measures every path once (starting one path later each round), so
  // the samples of every path span the same minutes of a noisy machine, and a ratio between two paths
  // is taken inside each round before its median is taken.
  const rounds = [];
  for (let r = 0; r < RUNS; r++) {
    const round = {};
    for (let k = 0; k < PATHS.length; k++) {
      const path = PATHS[(k + r) % PATHS.length];
      round[path] = measure(path, size);
    }
    rounds.push(round);
  }
  const row = {};
  for (const path of PATHS) {
    const samples = rounds.map((round) => round[path]);
    const ms = median(samples.map((s) => s.ms));
    const msAtReturn = median(samples.map((s) => s.msAtReturn));
    const above = median(samples.map((s) => s.peakRssBytes - s.rssBeforeBytes));
    const aboveAtReturn = median(samples.map((s) => s.peakRssAtReturnBytes - s.rssBeforeBytes));
    // Each round's ratio is kept beside its median, so a median of a few rounds can be read against its spread.
    const timesPeerRounds = rounds.map((round) => round.peer.ms / round[path].ms);
    const timesInMemoryRounds = rounds.map((round) => round['in-memory'].ms / round[path].ms);
    const timesInMemoryAtReturnRounds = rounds.map((round) => round['in-memory'].msAtReturn / round[path].msAtReturn);
    row[path] = {
      ms,
      msAtReturn,
      channelsPerSecond: (size * 1000) / ms,
      /** Paired: the median over rounds of the peer's time over this path's (the string read). */
      timesPeer: median(timesPeerRounds),
      /** Paired: the median over rounds of in-memory's time over this path's, string read and until returned. */
      timesInMemory: median(timesInMemoryRounds),
      timesInMemoryAtReturn: median(timesInMemoryAtReturnRounds),
      peakAboveStartBytes: above,
      peakAboveStartAtReturnBytes: aboveAtReturn,
      bytes: samples[0].bytes,
      samplesMs: samples.map((s) => s.ms),
      samplesMsAtReturn: samples.map((s) => s.msAtReturn),
      /** The ratios above, round by round, in the order the rounds ran. */
      rounds: { timesPeer: timesPeerRounds, timesInMemory: timesInMemoryRounds, timesInMemoryAtReturn: timesInMemoryAtReturnRounds },
    };
  }
  for (const path of PATHS) {
    const r = row[path];
    console.log(
      `  ${path.padEnd(17)} ${fmt(r.ms).padStart(9)} ${fmt(r.channelsPerSecond).padStart(13)} ${r.timesPeer.toFixed(2).padStart(7)}× ${(r.timesInMemory * 100).toFixed(0).padStart(12)}% ${`${fmt(r.peakAboveStartBytes / size)} B/channel`.padStart(22)} (${fmt(r.peakAboveStartAtReturnBytes / size)})${fmt(r.msAtReturn).padStart(20)}`,
    );
  }
  results.paths[size] = row;
  console.log('');
}

// The command line: time to first byte, and memory of NDJSON (and JSON array) → file streaming.
const dir = mkdtempSync(join(tmpdir(), 'm3ugen-bench-cli-'));
try {
  const small = join(dir, 'small.ndjson');
  writeFileSync(small, `${makeChannels(10).map(toNdjsonLine).join('\n')}\n`);
  // Node's own start-up moves with the machine's hour by more than our part of it: a bin that writes
  // its first line at once, run alternately with ours, says how much of the time is Node's.
  const bare = join(dir, 'bare.mjs');
  writeFileSync(bare, "#!/usr/bin/env node\nprocess.stdout.write('#EXTM3U\\n');\n", { mode: 0o755 });
  await firstByteMs(BIN, small);
  await firstByteMs(bare, small);
  const firstBytes = [];
  const bareFirstBytes = [];
  for (let i = 0; i < 11; i++) {
    firstBytes.push(await firstByteMs(BIN, small));
    bareFirstBytes.push(await firstByteMs(bare, small));
  }
  results.cli.firstByteMs = median(firstBytes);
  results.cli.bareNodeFirstByteMs = median(bareFirstBytes);
  results.cli.firstByteAboveBareMs = median(firstBytes.map((ms, i) => ms - bareFirstBytes[i]));
  console.log(
    `CLI start to first output byte (10 channels): median ${results.cli.firstByteMs.toFixed(0)} ms of 11 runs; ` +
      `a bare Node script writing one line, alternated with it: ${results.cli.bareNodeFirstByteMs.toFixed(0)} ms (ours ${results.cli.firstByteAboveBareMs.toFixed(0)} ms later per pair)`,
  );

  const noDuplicateCheck = join(dir, 'm3ugen.config.toml');
  writeFileSync(noDuplicateCheck, '[proxy_generation]\ncheck_duplicates = false\n');
  for (const size of CLI_SIZES) {
    const input = join(dir, `channels-${size}.ndjson`);
    await writeNdjson(input, size);
    const withCheck = cliPeakRss(input, dir);
    const without = cliPeakRss(input, dir, noDuplicateCheck);
    results.cli[size] = { peakRssBytes: withCheck.peakRssBytes, peakRssNoDuplicateCheckBytes: without.peakRssBytes, durationMs: withCheck.durationMs, channelsPerSecond: withCheck.channelsPerSecond, samplesPeakRssBytes: withCheck.samplesPeakRssBytes };
    console.log(
      `CLI NDJSON → file, streaming, ${fmt(size)} channels: peak RSS ${(withCheck.peakRssBytes / 1e6).toFixed(0)} MB (runs: ${withCheck.samplesPeakRssBytes.map((b) => (b / 1e6).toFixed(0)).join(', ')}; ${(without.peakRssBytes / 1e6).toFixed(0)} MB without the duplicate check), ${fmt(withCheck.channelsPerSecond)} channels/s`,
    );
    const sayWorkers = (what, workers) =>
      console.log(
        `CLI ${what} → file, ${fmt(size)} channels, --workers 1 (${workers.one.strategy}) vs --workers auto (${workers.auto.strategy}): ` +
          `${fmt(workers.one.durationMs)} ms (runs ${workers.one.samplesMs.join(', ')}) vs ${fmt(workers.auto.durationMs)} ms (runs ${workers.auto.samplesMs.join(', ')}) = ` +
          `${(workers.one.durationMs / workers.auto.durationMs).toFixed(2)}×; peak RSS ${(workers.one.peakRssBytes / 1e6).toFixed(0)} vs ${(workers.auto.peakRssBytes / 1e6).toFixed(0)} MB`,
      );
    results.cli[size].workers = cliWorkers(input, dir);
    sayWorkers('NDJSON', results.cli[size].workers);
    // The same file gzip-compressed, which the main thread inflates and cuts for the workers.
    const gzipped = `${input}.gz`;
    await pipeline(createReadStream(input), createGzip(), createWriteStream(gzipped));
    results.cli[size].gzipWorkers = cliWorkers(gzipped, dir);
    sayWorkers('NDJSON gzip', results.cli[size].gzipWorkers);
    rmSync(gzipped);
    rmSync(input);
    // The same channels as one JSON array: read as a stream too, so memory should not grow with it either.
    const array = join(dir, `channels-${size}.json`);
    await writeNdjson(array, size, true);
    const fromArray = cliPeakRss(array, dir);
    results.cli[size].jsonArray = fromArray;
    console.log(
      `CLI JSON array → file, streaming, ${fmt(size)} channels: peak RSS ${(fromArray.peakRssBytes / 1e6).toFixed(0)} MB (runs: ${fromArray.samplesPeakRssBytes.map((b) => (b / 1e6).toFixed(0)).join(', ')}), ${fmt(fromArray.channelsPerSecond)} channels/s`,
    );
    rmSync(array);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

// Targets of the speed-and-memory issue, at the largest size measured.
const big = Math.max(0, ...SIZES);
const at = results.paths[big] ?? {};
const target = (name, value, goal, ok, rounds = '') => {
  results.targets.push({ name, value, goal, met: ok });
  console.log(`${ok ? 'MET ' : 'MISS'}  ${name}: ${value} (target ${goal})${rounds}`);
};
/** A paired ratio as `kind` shows it: times (`'×'`: 1.84×) or a share of the other path (`'%'`: 72%). */
const shown = (kind) => (kind === '%' ? (r) => `${(r * 100).toFixed(0)}%` : (r) => `${r.toFixed(2)}×`);
const goalOf = (least, kind) => `≥ ${kind === '%' ? least * 100 : least}${kind}`;
/** Each round's ratio, sorted, and how many reached `least` on their own: "; rounds 8.10×, 10.20×, 11.90× (2 of 3 ≥ 10×)". */
const spread = (rounds, least, kind) =>
  `; rounds ${[...rounds].sort((a, b) => a - b).map(shown(kind)).join(', ')} (${rounds.filter((r) => r >= least).length} of ${rounds.length} ${goalOf(least, kind)})`;
/** A target on a paired ratio: its median against `least`, every round's ratio beside it. */
const ratioTarget = (name, { median, rounds }, least, kind) => target(name, shown(kind)(median), goalOf(least, kind), median >= least, spread(rounds, least, kind));
console.log(`\nTargets (${fmt(big)} channels):`);
if (big > 0) {
// Ratios between paths are the paired ones (taken inside each round), not ratios of the medians.
const paired = (path, ratio) => ({ median: at[path][ratio], rounds: at[path].rounds[ratio] });
ratioTarget('in-memory vs peer', paired('in-memory', 'timesPeer'), 10, '×');
ratioTarget('streaming vs in-memory', paired('streaming-file', 'timesInMemory'), 0.7, '%');
ratioTarget('eta template vs default', paired('eta-template', 'timesInMemory'), 0.5, '%');
ratioTarget('incremental (1% changed) vs full in-memory, until generate() returned', paired('incremental-1%', 'timesInMemoryAtReturn'), 10, '×');
// Beside it, not a target: reading the string copies the whole playlist after either path (docs/decisions.md, 35).
const read = paired('incremental-1%', 'timesInMemory');
console.log(`NOTE  … with the string read, which copies the whole playlist after either path: ${shown('×')(read.median)}${spread(read.rounds, 10, '×')}`);
target('in-memory peak above loaded input, string read', `${fmt(at['in-memory'].peakAboveStartBytes / big)} B/channel`, '≤ 600 B/channel', at['in-memory'].peakAboveStartBytes / big <= 600);
target('in-memory peak above loaded input, as returned', `${fmt(at['in-memory'].peakAboveStartAtReturnBytes / big)} B/channel`, '≤ 600 B/channel', at['in-memory'].peakAboveStartAtReturnBytes / big <= 600);
}
if (results.cli.firstByteMs !== undefined) {
  target('CLI first byte, 10 channels', `${results.cli.firstByteMs.toFixed(0)} ms (Node alone ${results.cli.bareNodeFirstByteMs.toFixed(0)} ms)`, '≤ 150 ms', results.cli.firstByteMs <= 150);
}
const c1 = results.cli[1_000_000];
const c5 = results.cli[5_000_000];
if (c1 !== undefined) target('CLI streaming peak RSS, 1M', `${(c1.peakRssBytes / 1e6).toFixed(0)} MB`, '≤ 100 MB', c1.peakRssBytes <= 100e6);
if (c1?.workers !== undefined) {
  const ratio = c1.workers.one.durationMs / c1.workers.auto.durationMs;
  target('CLI worker threads (auto) vs one thread, 1M', `${ratio.toFixed(2)}× at ${(c1.workers.auto.peakRssBytes / 1e6).toFixed(0)} MB`, '> 1× where used', ratio > 1);
}
if (c1?.gzipWorkers !== undefined) {
  const ratio = c1.gzipWorkers.one.durationMs / c1.gzipWorkers.auto.durationMs;
  target('… gzip-compressed input', `${ratio.toFixed(2)}× at ${(c1.gzipWorkers.auto.peakRssBytes / 1e6).toFixed(0)} MB`, '> 1× where used', ratio > 1);
}
if (c1 !== undefined && c5 !== undefined) {
  target('CLI streaming peak RSS, 5M vs 1M', change(c5.peakRssBytes, c1.peakRssBytes), '≤ +10%', c5.peakRssBytes <= 1.1 * c1.peakRssBytes);
  target('… without the duplicate check', change(c5.peakRssNoDuplicateCheckBytes, c1.peakRssNoDuplicateCheckBytes), '≤ +10%', c5.peakRssNoDuplicateCheckBytes <= 1.1 * c1.peakRssNoDuplicateCheckBytes);
}
mkdirSync(dirname(OUT), { recursive: true });
writeFileSync(OUT, `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nresults: ${OUT}`);
