import { closeSync, openSync } from 'node:fs';
import {
  DuplicateError,
  FingerprintSet,
  InputError,
  M3ugenError,
  NumberSet,
  recordIndex,
  recordLine,
  warningAtIndex,
  withoutStackTrace,
  type GenerationWarning,
  type M3uStrategy,
  type RunInfo,
  type StrategyRun,
} from '@m3ugen/core';
import { lineTooLong, NDJSON_BATCH_SIZE, readInputBytes } from '@m3ugen/reader';
import { PARALLEL_CONTRACT } from './contract.js';
import { InputParts, openPartReader, readPartText, type InputPart, type PartSource } from './input-parts.js';
import { toWorkerError, type CountedWarnings, type PartEvent, type PartResult, type SkippedRecord, type WorkerError, type WorkerSetup } from './messages.js';
import { StreamedParts } from './streamed-parts.js';
import { WorkerPool } from './worker-pool.js';

/** The name the parallel run's metrics give as its strategy. */
export const PARALLEL_STRATEGY = 'parallel';

/** Options of {@link parallelStrategy}. */
export interface ParallelOptions extends WorkerSetup {
  readonly workers: number;
  /** Records per part; a multiple of the reader's batch size, so batches fall as in a run without workers. */
  readonly recordsPerPart: number;
  /** `gzip` for a gzip-compressed file, which this thread reads and cuts as it goes, sending each part's text. */
  readonly compression?: 'gzip' | undefined;
  /** The input's bytes from its start, when it is a stream (stdin), which this thread cuts likewise; `path` is then not read. */
  readonly stream?: AsyncIterable<Buffer | string> | undefined;
  /** Called with each part once its bytes are written, before the run's progress is told (the command's bar reads how far the file is through). */
  readonly partWritten?: ((part: InputPart) => void) | undefined;
  /** With `skipInvalid`: each record skipped, in input order, as a reader's `onSkip` gets it, with the run's `warn`. */
  readonly onSkip?: ((error: InputError, warn: RunInfo['warn']) => void) | undefined;
  /** Each repeated id or number, in input order, as the run option `onDuplicate` gets them: the run goes on past them. */
  readonly onDuplicate?: ((error: DuplicateError) => void) | undefined;
  /**
   * With `onDuplicate`: how many more repeats it wants whole. Past that, each
   * is told to `countDuplicate` by its record's line instead, and this
   * thread does not read the part again to name it (`validate` lists the
   * first ones and counts the rest; in a file whose ids nearly all repeat,
   * reading every part twice made two workers slower than one thread).
   */
  readonly duplicatesWanted?: (() => number) | undefined;
  /** Told each repeat past what `duplicatesWanted` wanted, by its record's line, in input order with the others. */
  readonly countDuplicate?: ((line: number) => void) | undefined;
}

/**
 * Records per part when a worker holds its part's records until it knows
 * their indexes: 12 batches. Parts of 48 held whole kept more of them past
 * the young generation (peak RSS 296-414 MB against 233-238 MB at 700,000
 * channels, docs/performance.md).
 */
const HELD_PART_RECORDS = 12 * NDJSON_BATCH_SIZE;

function rebuild(error: WorkerError): Error {
  if (error.location !== undefined && error.duplicate !== undefined) return new DuplicateError(error.duplicate, error.location, error.earlier);
  if (error.location !== undefined && error.reason !== undefined) return new InputError(error.reason, error.location);
  if (error.code !== undefined) return Object.assign(new M3ugenError(error.code, error.message), { name: error.name });
  return Object.assign(new Error(error.message), { name: error.name });
}

/** What a worker would answer for a part that stands for a line too long to read or the input failing to be read on: the reader's error. */
function unreadResult(part: InputPart, file: string): PartResult {
  return {
    seq: part.seq,
    ok: false,
    error: toWorkerError(part.tooLong === true ? lineTooLong({ file, line: part.firstLine, index: part.firstIndex }) : part.failed),
    events: [],
    counted: [],
    channelShift: 0,
    prints: new Uint32Array(0),
    numbers: new Float64Array(0),
    warningsBefore: new Uint32Array(0),
  };
}

/** Where a channel's record is, and its id, read again from the file to name it in an error. */
interface ChannelPlace {
  readonly id: string;
  readonly line: number | undefined;
  readonly index: number;
}

/** The places of the part's channels at `positions` (from 0, in order; one may repeat), read again from the file in one pass. */
async function channelsAt(options: ParallelOptions, part: InputPart, positions: readonly number[]): Promise<ChannelPlace[]> {
  const fd = part.text === undefined ? openSync(options.path, 'r') : undefined;
  let text: string | Buffer;
  try {
    text = readPartText(fd, part);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  const reader = await openPartReader(text, { ...part, channelShift: undefined }, { path: options.path, file: options.file, skipInvalid: options.skipInvalid });
  const places: ChannelPlace[] = [];
  let before = 0;
  for (let batch = await reader.nextBatch(); batch !== undefined; batch = await reader.nextBatch()) {
    const count = batch.end - batch.start;
    for (let at = positions[places.length]! - before; at < count; at = positions[places.length]! - before) {
      const nc = batch.channels[batch.start + at]!;
      // Counted from the part's first record, a channel with no record index of its own is at the record of the same index.
      places.push({ id: nc.channel.id, line: recordLine(nc), index: recordIndex(nc) ?? batch.firstIndex + at });
      // Not a batch further: past the channels checked, the part may hold what failed its run.
      if (places.length === positions.length) return places;
    }
    before += count;
  }
  throw new Error(`channel ${positions[places.length]} of part ${part.seq} is not in it`);
}

/** A repeated id or number found across parts, at the part's record `record`: whole, or past what `duplicatesWanted` wanted, only its line. */
type Duplicate = { readonly record: number } & ({ readonly error: DuplicateError } | { readonly line: number });

/**
 * Checks what a part's run checked, across parts, in input order: an id or
 * number an earlier record already had is the run's error, as in a run
 * without workers, which would have stopped there; or, with `all`, each
 * one, as a run told of duplicates (`onDuplicate`) goes on past them (a
 * record with both an id and a number repeated gives two, the id's first).
 */
async function checkAcrossParts(result: PartResult, part: InputPart, seen: { ids: FingerprintSet; numbers: NumberSet }, options: ParallelOptions, all: boolean): Promise<Duplicate[]> {
  const { prints, numbers } = result;
  const found: { record: number; number?: number }[] = [];
  for (let i = 0; i < numbers.length; i++) {
    if (!seen.ids.addFingerprint(prints[2 * i]!, prints[2 * i + 1]!)) {
      found.push({ record: i });
      if (!all) break;
    }
    const number = numbers[i]!;
    if (!seen.numbers.add(number)) {
      found.push({ record: i, number });
      if (!all) break;
    }
  }
  if (found.length === 0) return [];
  const { lines } = result;
  const countable = all && lines !== undefined && options.countDuplicate !== undefined;
  const whole = countable ? Math.min(found.length, Math.max(0, options.duplicatesWanted?.() ?? found.length)) : found.length;
  const places = whole === 0 ? [] : await channelsAt(options, part, found.slice(0, whole).map(({ record }) => record));
  const errors = (): Duplicate[] =>
    found.map(({ record, number }, i) => {
      if (i >= whole) return { record, line: lines![record]! };
      const { id, line, index } = places[i]!;
      return { record, error: new DuplicateError(number === undefined ? { id } : { number }, { file: options.file, line, index }) };
    });
  // Told ones have no stack trace, as the run's own (a file whose ids all repeat tells a million); the one thrown has its frames.
  return all ? withoutStackTrace(errors) : errors();
}

/**
 * Renders an NDJSON file in worker threads. The main thread cuts the file
 * into parts of whole batches (a gzip-compressed file or stdin as it reads
 * it, each part then carrying its text), each worker renders parts with a generator
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
    description: 'renders parts of NDJSON (a file, gzip-compressed or not, or stdin) in worker threads and writes them in order',
    contract: PARALLEL_CONTRACT,
    generate: (run) => renderInParallel(run, options),
  };
}

function isSkipped(event: PartEvent): event is SkippedRecord {
  return 'skipped' in event;
}

/** Says a part's warning in the run, with its channel's index `shift` less (what the part's run was not told). */
function sayWarning(warning: GenerationWarning, shift: number, run: StrategyRun): void {
  if (shift > 0 && warning.channelIndex !== undefined) {
    // Records were skipped before the channel: its record's index is no longer its own, so it is said, as one thread's reader records it.
    run.info.warn({ ...warningAtIndex(warning, warning.channelIndex - shift), recordIndex: warning.recordIndex ?? warning.channelIndex });
  } else run.info.warn(warning);
}

/**
 * Says a part's events in the run, in order: its warnings (see
 * {@link sayWarning}) and its skipped records, through `onSkip`. Returns how
 * many records it skipped.
 */
function replay(events: readonly PartEvent[], shift: number, run: StrategyRun, options: ParallelOptions): number {
  let skipped = 0;
  for (const event of events) {
    if (isSkipped(event)) {
      skipped++;
      const { reason, line, index, field } = event.skipped;
      options.onSkip?.(withoutStackTrace(() => new InputError(reason, { file: options.file, line, index, field })), run.info.warn);
    } else sayWarning(event, shift, run);
  }
  return skipped;
}

/**
 * Counts a part's counted warnings in the run: each kind's first as it
 * was, then the rest as copies of it, which the run only counts, nobody
 * listening (`countsWarnings`).
 */
function replayCounted(counted: readonly CountedWarnings[], shift: number, run: StrategyRun): void {
  for (const { first, count } of counted) {
    sayWarning(first, shift, run);
    for (let i = 1; i < count; i++) run.info.warn(first);
  }
}

/** `part` with the text it carried, which went to its worker and came back with `result`. */
function withTextBack(part: InputPart, result: PartResult): InputPart {
  return result.text === undefined ? part : { ...part, text: result.text };
}

async function renderInParallel(run: StrategyRun, options: ParallelOptions): Promise<void> {
  const seen = run.info.options.checkDuplicates ? { ids: new FingerprintSet(), numbers: new NumberSet() } : undefined;
  // A part's channels are numbered after the records skipped before it. Where an index may change an entry, a
  // worker reads its part, says how many records it skipped, and renders once those before it are counted.
  const shiftToCome = options.skipInvalid && run.indexShapesEntries;
  const recordsPerPart = shiftToCome ? Math.min(options.recordsPerPart, HELD_PART_RECORDS) : options.recordsPerPart;
  const streamed = options.stream !== undefined || options.compression === 'gzip';
  const parts: PartSource = streamed
    ? new StreamedParts(readInputBytes(options.path, { displayName: options.file, stream: options.stream }), recordsPerPart)
    : new InputParts(options.path, recordsPerPart);
  /** Records skipped in each part read so far, by `seq`, until every part before it is counted too. */
  const skippedIn = new Map<number, number>();
  /** The next part to be told how many records before it were skipped, and that count. */
  const released = { seq: 0, skipped: 0 };
  const onRead = (seq: number, skippedInPart: number): void => {
    skippedIn.set(seq, skippedInPart);
    for (let next = skippedIn.get(released.seq); next !== undefined; next = skippedIn.get(released.seq)) {
      pool.release(released.seq, released.skipped);
      skippedIn.delete(released.seq);
      released.skipped += next;
      released.seq++;
    }
  };
  const setup: WorkerSetup = {
    flags: options.flags,
    path: options.path,
    file: options.file,
    skipInvalid: options.skipInvalid,
    notStrict: options.notStrict,
    listsDuplicates: options.onDuplicate === undefined ? undefined : true,
    countsWarnings: options.countsWarnings,
  };
  const pool = new WorkerPool(options.workers, setup, shiftToCome ? onRead : undefined);
  try {
    await run.output.write(run.renderHeader());
    // Two parts per worker in flight: one rendering, one waiting, so no worker idles while the main thread writes.
    const window: { part: InputPart; result: Promise<PartResult> }[] = [];
    const fill = async (): Promise<void> => {
      while (window.length < options.workers * 2) {
        const part = await parts.next();
        if (part === undefined) return;
        // A line too long to read (or the input's end where it cannot be read on) is not sent, so the parts after it wait for a count that never comes: reaching it fails the run first.
        const unread = part.tooLong === true || part.failed !== undefined;
        window.push({ part, result: unread ? Promise.resolve(unreadResult(part, options.file)) : pool.render(shiftToCome ? { ...part, shiftToCome } : part) });
      }
    };
    await fill();
    let channelsDone = 0;
    /** Records skipped as invalid in the parts written so far: the parts after them number their channels that many too high. */
    let skippedBefore = 0;
    for (let next = window.shift(); next !== undefined; next = window.shift()) {
      let result = await next.result;
      await fill();
      let part = withTextBack(next.part, result);
      // Numbered otherwise than a run without workers would (a worker's plugin that reads the index where the main
      // thread's does not): render it again with the indexes that run gives.
      if (result.ok && result.indexShapesEntries && result.channelShift !== skippedBefore) {
        result = await pool.render({ ...part, channelShift: skippedBefore });
        part = withTextBack(part, result);
      }
      const { onDuplicate } = options;
      const duplicates = seen === undefined ? [] : await checkAcrossParts(result, part, seen, options, onDuplicate !== undefined);
      // What a run without workers says: the events of the records before each duplicate and its own warnings, then the
      // duplicate (the run's error, or told to onDuplicate, and on); then the rest.
      const shift = skippedBefore - result.channelShift;
      let replayed = 0;
      for (const duplicate of duplicates) {
        const until = Math.max(replayed, result.warningsBefore[duplicate.record]!);
        skippedBefore += replay(result.events.slice(replayed, until), shift, run, options);
        replayed = until;
        if ('line' in duplicate) options.countDuplicate!(duplicate.line);
        else if (onDuplicate === undefined) throw duplicate.error;
        else onDuplicate(duplicate.error);
      }
      skippedBefore += replay(result.events.slice(replayed), shift, run, options);
      replayCounted(result.counted, shift, run);
      if (!result.ok) throw rebuild(result.error);
      const pending = run.output.writeBytes(result.bytes);
      if (pending !== undefined) await pending;
      run.countRenderedElsewhere(result.rendered, result.dropped, result.bytes.byteLength, result.absentFields);
      channelsDone += result.rendered;
      options.partWritten?.(part);
      run.checkpoint(channelsDone);
    }
  } finally {
    await parts.close();
    await pool.close();
  }
}
