import { DEFAULT_OPTIONS } from '@m3ugen/core';
import { NDJSON_BATCH_SIZE } from '@m3ugen/reader';
import type { CliFlags } from '../args.js';
import type { PreparedRun } from '../prepare.js';
import { estimateRecords } from './input-parts.js';
import { planWorkers, type WorkerPlan } from './plan.js';

/** Records per part of a parallel run: 48 batches, about 4 MB of NDJSON (`M3UGEN_PART_RECORDS`, rounded up to whole batches, for tests). */
export function recordsPerPart(): number {
  const value = Number(process.env['M3UGEN_PART_RECORDS']);
  const records = Number.isSafeInteger(value) && value > 0 ? value : 48 * NDJSON_BATCH_SIZE;
  return Math.ceil(records / NDJSON_BATCH_SIZE) * NDJSON_BATCH_SIZE;
}

/** The workers asked for: `--workers`, else the config's `proxy_generation.workers`, else `auto`. */
export function requestedWorkers(prepared: PreparedRun, flags: CliFlags): 'auto' | number {
  return flags.workers ?? prepared.loaded.config.proxy_generation?.workers ?? 'auto';
}

/**
 * {@link planWorkers} for a prepared run. `outputIsFile`: what the run
 * writes can be taken back (a file published at the end, or nothing, as
 * `validate` writes), unlike stdout.
 */
export function planForRun(prepared: PreparedRun, flags: CliFlags, requested: 'auto' | number, outputIsFile: boolean): WorkerPlan {
  const generation = prepared.loaded.config.proxy_generation;
  const bytes = prepared.reader.format === 'ndjson' ? prepared.inputFileBytes : undefined;
  return planWorkers({
    requested,
    outputIsFile,
    compression: prepared.reader.compression,
    ndjsonFileBytes: bytes,
    estimateRecords: bytes === undefined ? undefined : () => estimateRecords(prepared.inputPath, bytes),
    verbose: flags.verbose,
    strategy: flags.strategy ?? generation?.strategy ?? 'auto',
    maxMemoryMb: flags.maxMemoryMb ?? generation?.memory?.max_memory_mb ?? DEFAULT_OPTIONS.maxMemoryMb,
    plugins: prepared.plugins,
    generator: prepared.generator,
  });
}
