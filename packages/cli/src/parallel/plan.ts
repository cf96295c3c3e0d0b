import { formatCount, isTapped, type M3uGenerator, type M3uPlugin } from '@m3ugen/core';
import { counted } from '../reporter.js';
import { usableCores } from '../cgroup.js';
import { PARALLEL_STRATEGY } from './parallel-strategy.js';

/**
 * Inputs smaller than this are rendered in the main thread by `workers =
 * "auto"`: starting the workers costs more than they save (measured on 2
 * cores: 0.75× at 33 MB, about even at 100 MB, 1.2-1.3× at 337 MB).
 */
export const AUTO_MIN_INPUT_BYTES = 128 * 1024 * 1024;

/**
 * Bytes per channel of the main thread's duplicate check (two 64-bit
 * fingerprint tables at 3/8-3/4 load while one is rehashed into the other:
 * at most 32 bytes per id), which a run without workers keeps on disk.
 */
const CHECKED_BYTES_PER_CHANNEL = 32;

/**
 * Peak memory `auto` expects for `workers` workers over `channels` channels:
 * the main thread plus each worker's heap and parts in flight, plus the ids
 * checked across parts (measured with 2 workers: 269 MB at 1M channels, 353
 * MB at 5M; this gives 331 and 453).
 *
 * @example
 * ```ts
 * parallelMemoryMb(2, 5_000_000); // 453
 * ```
 */
export function parallelMemoryMb(workers: number, channels = 0): number {
  return 100 + 100 * workers + Math.ceil((CHECKED_BYTES_PER_CHANNEL * channels) / 1024 / 1024);
}

/** Most workers `auto` starts: past the cores, threads only compete. */
const AUTO_MAX_WORKERS = 4;

/** What decides whether a run renders in worker threads. */
export interface WorkerFacts {
  /** `--workers` or the config's `workers`; default `auto`. */
  readonly requested: 'auto' | number;
  /** The run writes a file (the parallel path cannot take back what it wrote to stdout). */
  readonly outputIsFile: boolean;
  /** How the input was compressed, if it was (`gzip`): this thread then cuts the text into parts as it inflates it. */
  readonly compression?: string | undefined;
  /** The size of the text of a regular NDJSON file, gzip-compressed or not (`undefined` for stdin, a FIFO or a JSON array). */
  readonly ndjsonFileBytes: number | undefined;
  /** The input is NDJSON on stdin, which can be cut into parts as it comes but whose size is not known: workers only when asked for by count. */
  readonly ndjsonStdin?: boolean | undefined;
  /** About how many records that file holds (see `estimateRecords`), asked only when `auto` weighs its memory; 0 if not given. */
  readonly estimateRecords?: (() => number) | undefined;
  readonly verbose: boolean;
  /** The strategy option (flag or config), `auto` by default. */
  readonly strategy: string;
  readonly plugins: readonly M3uPlugin[];
  readonly generator: M3uGenerator;
  /** The memory budget (`max_memory_mb`), which `auto` stays under. */
  readonly maxMemoryMb: number;
  /** Cores this process may keep busy (default: {@link usableCores}: `os.availableParallelism()` capped by the cgroup's CPU quota). */
  readonly cores?: number | undefined;
}

/** How many worker threads to render with (1: none), and why. */
export interface WorkerPlan {
  readonly workers: number;
  readonly reason: string;
}

/**
 * Decides whether a run renders in worker threads. They are used only where
 * they give the same result and measurably win (docs/performance.md): an
 * NDJSON file (gzip-compressed or not; stdin too when asked for by count) into a file, on a machine with more than one core, with
 * plugins that all declare `workerSafe`, no plugin deciding channels
 * (`channel`, `dropChannel`) and no per-channel debug log. (Invalid records
 * skipped are said in order by the main thread, and where a channel's index
 * may change its entry, a part waits for the count of those before it to
 * number its channels.) `auto` also needs an input of at least
 * {@link AUTO_MIN_INPUT_BYTES}, the `auto` strategy (a chosen strategy,
 * such as `streaming` for bounded memory, is respected) and a memory budget
 * that fits {@link parallelMemoryMb} for the channels the file is
 * estimated to hold (past that, a run without workers keeps its memory
 * bounded by checking ids on disk).
 *
 * @example
 * ```ts
 * planWorkers({ requested: 'auto', outputIsFile: true, ndjsonFileBytes: 3.4e8, verbose: false, strategy: 'auto', maxMemoryMb: 512, plugins, generator });
 * // { workers: 2, reason: '2 worker threads: auto, 324 MB of NDJSON, about 0 channels, 2 cores, 300 MB expected' }
 * ```
 */
export function planWorkers(facts: WorkerFacts): WorkerPlan {
  const { requested } = facts;
  const none = (why: string): WorkerPlan => ({ workers: 1, reason: `no worker threads: ${why}` });
  if (requested === 1) return none('workers = 1');
  if (!facts.outputIsFile) return none('the output is not a file');
  if (facts.ndjsonFileBytes === undefined && facts.ndjsonStdin !== true) return none('the input cannot be cut into parts (a JSON array or a named pipe; NDJSON from a file or stdin can be)');
  if (facts.verbose) return none('--verbose logs every channel in order');
  const unsafe = facts.plugins.find((plugin) => plugin.workerSafe !== true);
  if (unsafe !== undefined) return none(`plugin "${unsafe.name}" does not declare workerSafe`);
  const { hooks } = facts.generator;
  if (isTapped(hooks.channel) || isTapped(hooks.dropChannel)) return none('a plugin changes or drops channels');
  if (facts.generator.strategies.has(PARALLEL_STRATEGY)) return none(`a plugin registered a strategy named "${PARALLEL_STRATEGY}"`);
  if (typeof requested === 'number') return { workers: requested, reason: `${requested} worker threads: requested` };
  const textBytes = facts.ndjsonFileBytes;
  if (textBytes === undefined) return none('auto, stdin: its size is not known before it is read (--workers N cuts it into parts as it comes)');

  const cores = facts.cores ?? usableCores();
  if (cores < 2) return none('one core');
  if (facts.strategy !== 'auto') return none(`strategy "${facts.strategy}" was chosen`);
  const megabytes = Math.round(textBytes / 1024 / 1024);
  if (textBytes < AUTO_MIN_INPUT_BYTES) return none(`auto, input of ${megabytes} MB${facts.compression === undefined ? '' : ' once inflated'} (less than ${AUTO_MIN_INPUT_BYTES / 1024 / 1024} MB)`);
  const channels = facts.estimateRecords?.() ?? 0;
  let workers = Math.min(cores, AUTO_MAX_WORKERS);
  while (workers >= 2 && parallelMemoryMb(workers, channels) > facts.maxMemoryMb) workers--;
  const about = `${formatCount(megabytes)} MB of NDJSON${facts.compression === undefined ? '' : ` (${facts.compression}-compressed)`}, about ${counted(channels, 'channel')}`;
  if (workers < 2) return none(`auto, max_memory_mb ${facts.maxMemoryMb} is less than the ${parallelMemoryMb(2, channels)} MB two workers take for ${about}`);
  return { workers, reason: `${workers} worker threads: auto, ${about}, ${cores} cores, ${parallelMemoryMb(workers, channels)} MB expected` };
}
