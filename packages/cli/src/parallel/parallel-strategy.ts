import { closeSync, openSync } from 'node:fs';
import {
  DuplicateError,
  FingerprintSet,
  InputError,
  M3ugenError,
  NumberSet,
  recordLine,
  type M3uStrategy,
  type StrategyRun,
} from '@m3ugen/core';
import { lineTooLong } from '@m3ugen/reader';
import { PARALLEL_CONTRACT } from './contract.js';
import { InputParts, openPartReader, readPartText, type InputPart } from './input-parts.js';
import type { PartResult, WorkerError, WorkerSetup } from './messages.js';
import { WorkerPool } from './worker-pool.js';

/** The name the parallel run's metrics give as its strategy. */
export const PARALLEL_STRATEGY = 'parallel';

/** Options of {@link parallelStrategy}. */
export interface ParallelOptions extends WorkerSetup {
  readonly workers: number;
  /** Records per part; a multiple of the reader's batch size, so batches fall as in a run without workers. */
  readonly recordsPerPart: number;
  /** Called with each part once its bytes are written, before the run's progress is told (the command's bar reads how far the file is through). */
  readonly partWritten?: ((part: InputPart) => void) | undefined;
}

function rebuild(error: WorkerError): Error {
  if (error.location !== undefined && error.duplicate !== undefined) return new DuplicateError(error.duplicate, error.location, error.earlier);
  if (error.location !== undefined && error.reason !== undefined) return new InputError(error.reason, error.location);
  if (error.code !== undefined) return Object.assign(new M3ugenError(error.code, error.message), { name: error.name });
  return Object.assign(new Error(error.message), { name: error.name });
}

/** What a worker would answer for a line too long to read: the reader's error, at the line. */
function lineTooLongResult(part: InputPart, file: string): PartResult {
  const error = lineTooLong({ file, line: part.firstLine, index: part.firstIndex });
  const location = error.location;
  return {
    seq: part.seq,
    ok: false,
    error: { name: error.name, message: error.message, code: error.code, location, reason: error.reason },
    warnings: [],
    prints: new Uint32Array(0),
    numbers: new Float64Array(0),
    warningsBefore: new Uint32Array(0),
  };
}

/** The id and line of the record at `index` in `part`, read again from the file to name it in an error. */
async function recordAt(options: ParallelOptions, part: InputPart, index: number): Promise<{ id: string; line: number | undefined }> {
  const fd = openSync(options.path, 'r');
  let text: string | Buffer;
  try {
    text = readPartText(fd, part);
  } finally {
    closeSync(fd);
  }
  const reader = await openPartReader(text, part, options);
  for (let batch = await reader.nextBatch(); batch !== undefined; batch = await reader.nextBatch()) {
    const at = index - batch.firstIndex;
    if (at >= batch.end - batch.start) continue;
    const nc = batch.channels[batch.start + at]!;
    return { id: nc.channel.id, line: recordLine(nc) };
  }
  throw new Error(`record ${index} is not in the part it was read from`);
}

/** A repeated id or number found across parts, at the part's record `record`. */
interface Duplicate {
  readonly error: InputError;
  readonly record: number;
}

/**
 * Checks what a part's run checked, across parts, in input order: the first
 * id or number an earlier record already had is the run's error, as in a
 * run without workers (which would have stopped there).
 */
async function checkAcrossParts(result: PartResult, part: InputPart, seen: { ids: FingerprintSet; numbers: NumberSet }, options: ParallelOptions): Promise<Duplicate | undefined> {
  const { prints, numbers } = result;
  for (let i = 0; i < numbers.length; i++) {
    const index = part.firstIndex + i;
    if (!seen.ids.addFingerprint(prints[2 * i]!, prints[2 * i + 1]!)) {
      const { id, line } = await recordAt(options, part, index);
      return { record: i, error: new DuplicateError({ id }, { file: options.file, line, index }) };
    }
    const number = numbers[i]!;
    if (!seen.numbers.add(number)) {
      const { line } = await recordAt(options, part, index);
      return { record: i, error: new DuplicateError({ number }, { file: options.file, line, index }) };
    }
  }
  return undefined;
}

/**
 * Renders an NDJSON file in worker threads. The main thread cuts the file
 * into parts of whole batches, each worker renders parts with a generator
 * built from the same config (one run per part, no header), and the main
 * thread writes the header and then each part's bytes in input order,
 * replays the part's warnings, and checks ids and numbers across parts. The
 * bytes, warnings and errors are those of a run without workers; see
 * docs/performance.md for when it is used.
 *
 * @example
 * ```ts
 * generator.strategies.register(parallelStrategy({ flags, path: 'channels.ndjson', file: 'channels.ndjson', workers: 2, recordsPerPart: 12_288 }));
 * await generator.generate(emptySource, { strategy: 'parallel', output });
 * ```
 */
export function parallelStrategy(options: ParallelOptions): M3uStrategy {
  return {
    name: PARALLEL_STRATEGY,
    description: 'renders parts of an NDJSON file in worker threads and writes them in order',
    contract: PARALLEL_CONTRACT,
    generate: (run) => renderInParallel(run, options),
  };
}

async function renderInParallel(run: StrategyRun, options: ParallelOptions): Promise<void> {
  const seen = run.info.options.checkDuplicates ? { ids: new FingerprintSet(), numbers: new NumberSet() } : undefined;
  const parts = new InputParts(options.path, options.recordsPerPart);
  const pool = new WorkerPool(options.workers, { flags: options.flags, path: options.path, file: options.file });
  try {
    await run.output.write(run.renderHeader());
    // Two parts per worker in flight: one rendering, one waiting, so no worker idles while the main thread writes.
    const window: { part: InputPart; result: Promise<PartResult> }[] = [];
    const fill = (): void => {
      while (window.length < options.workers * 2) {
        const part = parts.next();
        if (part === undefined) return;
        window.push({ part, result: part.tooLong === true ? Promise.resolve(lineTooLongResult(part, options.file)) : pool.render(part) });
      }
    };
    fill();
    let channelsDone = 0;
    for (let next = window.shift(); next !== undefined; next = window.shift()) {
      const result = await next.result;
      fill();
      const duplicate = seen === undefined ? undefined : await checkAcrossParts(result, next.part, seen, options);
      // The warnings a run without workers would have raised before stopping at the duplicate, or all of them.
      const warnings = duplicate === undefined ? result.warnings : result.warnings.slice(0, result.warningsBefore[duplicate.record]);
      for (const warning of warnings) run.info.warn(warning);
      if (duplicate !== undefined) throw duplicate.error;
      if (!result.ok) throw rebuild(result.error);
      const pending = run.output.writeBytes(result.bytes);
      if (pending !== undefined) await pending;
      run.countRenderedElsewhere(result.rendered, result.dropped, result.bytes.byteLength, result.absentFields);
      channelsDone += result.rendered;
      options.partWritten?.(next.part);
      run.checkpoint(channelsDone);
    }
  } finally {
    parts.close();
    await pool.close();
  }
}
