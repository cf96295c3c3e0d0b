import { DEFAULT_OPTIONS, isTapped, type ChannelSource } from '@m3ugen/core';
import { NDJSON_BATCH_SIZE } from '@m3ugen/reader';
import type { CliFlags } from '../args.js';
import type { PreparedRun } from '../prepare.js';
import type { Reporter } from '../reporter.js';
import { parallelStrategy, type ParallelOptions } from './parallel-strategy.js';
import { planWorkers, type WorkerPlan } from './plan.js';

/** Records per part of a parallel run: 48 batches, about 4 MB of NDJSON (`M3UGEN_PART_RECORDS`, rounded up to whole batches, for tests). */
function recordsPerPart(): number {
  const value = Number(process.env['M3UGEN_PART_RECORDS']);
  const records = Number.isSafeInteger(value) && value > 0 ? value : 48 * NDJSON_BATCH_SIZE;
  return Math.ceil(records / NDJSON_BATCH_SIZE) * NDJSON_BATCH_SIZE;
}

/** The workers asked for: `--workers`, else the config's `proxy_generation.workers`, else `auto`. */
export function requestedWorkers(prepared: PreparedRun, flags: CliFlags): 'auto' | number {
  return flags.workers ?? prepared.loaded.config.proxy_generation?.workers ?? 'auto';
}

/** The strategy option: `--strategy`, else the config's, else `auto`. */
function requestedStrategy(prepared: PreparedRun, flags: CliFlags): string {
  return flags.strategy ?? prepared.loaded.config.proxy_generation?.strategy ?? 'auto';
}

/**
 * {@link planForRun}, and what a command does with the plan before its run
 * either way: stdin read in this thread need not be kept for workers, and a
 * count asked for that cannot be had is warned about, rather than quietly
 * run in one thread (otherwise the reason is a debug line).
 */
export function chooseWorkers(prepared: PreparedRun, flags: CliFlags, requested: 'auto' | number, outputIsFile: boolean, reporter: Reporter): WorkerPlan {
  const plan = planForRun(prepared, flags, requested, outputIsFile);
  if (plan.workers === 1) prepared.stdin?.forget();
  if (requested !== 'auto' && requested > 1 && plan.workers === 1) reporter.warn(`workers = ${requested}: ${plan.reason}`);
  else reporter.debug(plan.reason);
  return plan;
}

/**
 * {@link planWorkers} for a prepared run. `outputIsFile`: what the run
 * writes can be taken back (a file published at the end, or nothing, as
 * `validate` writes), unlike stdout.
 */
export function planForRun(prepared: PreparedRun, flags: CliFlags, requested: 'auto' | number, outputIsFile: boolean): WorkerPlan {
  const generation = prepared.loaded.config.proxy_generation;
  const fileBytes = prepared.reader.format === 'ndjson' ? prepared.inputFileBytes : undefined;
  const { compression } = prepared.reader;
  // A gzip file is weighed by the text it holds, which the workers render: only where `auto` weighs it (its start is inflated to tell).
  const weighed = fileBytes !== undefined && compression === 'gzip' && requested === 'auto' && outputIsFile;
  const bytes = weighed ? (prepared.reader.estimateContent()?.bytes ?? fileBytes) : fileBytes;
  return planWorkers({
    requested,
    outputIsFile,
    compression,
    ndjsonFileBytes: bytes,
    ndjsonStdin: prepared.reader.format === 'ndjson' && prepared.stdin?.replayable === true,
    estimateRecords: fileBytes === undefined ? undefined : () => prepared.reader.estimateContent()?.records ?? 0,
    verbose: flags.verbose,
    strategy: requestedStrategy(prepared, flags),
    // The flag, or the container's limit where the config sets none (prepare.ts), then the config, then the default.
    maxMemoryMb: prepared.overrides.memory?.maxMemoryMb ?? generation?.memory?.max_memory_mb ?? DEFAULT_OPTIONS.maxMemoryMb,
    plugins: prepared.plugins,
    generator: prepared.generator,
  });
}

/**
 * Registers the parallel strategy for `prepared`'s input file on its
 * generator, skipping invalid records as the prepared run does, and returns
 * the source its run is to be given: none, since the parts' records are read
 * by the workers (from the file, or from the text the strategy cut from a
 * gzip file or stdin) and the main thread's run only writes and checks
 * across parts.
 * The prepared reader, which this thread will not read, is closed: a
 * caller of `main()` running many checks would otherwise keep a file open
 * for each.
 */
export async function parallelRunSource(prepared: PreparedRun, options: Omit<ParallelOptions, 'path' | 'file' | 'recordsPerPart' | 'skipInvalid' | 'compression' | 'stream'>): Promise<ChannelSource> {
  // stdin from its start, the chunks the reader read included, before the reader lets go of it.
  const stream = prepared.stdin?.rest();
  await prepared.reader.close();
  const { compression } = prepared.reader;
  prepared.generator.strategies.register(
    parallelStrategy({
      ...options,
      // The budget as this thread settled it (the container's limit where nothing set one): the workers build their generators by it, without reading the cgroup again.
      flags: { ...options.flags, maxMemoryMb: prepared.overrides.memory?.maxMemoryMb },
      path: prepared.inputPath,
      file: prepared.inputName,
      recordsPerPart: recordsPerPart(),
      skipInvalid: prepared.skipInvalid,
      compression,
      stream,
      // Nobody takes each warning in this thread: the workers send them counted by kind.
      countsWarnings: isTapped(prepared.generator.hooks.warning) ? undefined : true,
    }),
  );
  return { name: prepared.reader.name, nextBatch: () => Promise.resolve(undefined) };
}
