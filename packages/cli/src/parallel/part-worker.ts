// Entry of a worker thread of a parallel run: builds the command's generator
// again, then renders each part of the input it is sent, in order.
import { openSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import {
  RECORD_INDEX,
  recordLine,
  writeFingerprint,
  type ChannelBatch,
  type ChannelSource,
  type DuplicateIdIndex,
  type M3uGenerator,
  type M3uStrategy,
  type NumberedChannel,
  type WarningSummary,
} from '@m3ugen/core';
import { buildGenerator } from '../prepare.js';
import { Reporter } from '../reporter.js';
import { PARALLEL_CONTRACT } from './contract.js';
import { openPartReader, readPartText, type InputPart } from './input-parts.js';
import { toSkippedRecord, toWorkerError, type CheckedRecords, type CountedWarnings, type FromWorker, type PartEvent, type PartResult, type ToWorker, type WorkerError, type WorkerSetup } from './messages.js';

/** The strategy a worker's runs use: the part's entries, no header, into a growing buffer. */
export const PART_STRATEGY = 'm3ugen-part';

/**
 * Records what a part's run checks for uniqueness (the run calls `add` for
 * each channel, in order) for the main thread, which checks the ids and
 * numbers of all parts in input order. It accepts every id itself: a
 * duplicate inside the part is found there too, at the same record.
 */
class CheckedRecorder implements DuplicateIdIndex {
  #prints = new Uint32Array(0);
  #numbers = new Float64Array(0);
  #warningsBefore = new Uint32Array(0);
  #lines: Float64Array | undefined;
  #count = 0;
  /** Whether each channel's line is recorded too (`listsDuplicates`). */
  readonly #keepsLines: boolean;
  /** The part's events so far. */
  #events: readonly PartEvent[] = [];
  /** The batch being rendered, to find a checked channel by its index. */
  batch: ChannelBatch | undefined;

  constructor(keepsLines: boolean) {
    this.#keepsLines = keepsLines;
  }

  /** Starts recording a part of up to `records` records, whose run collects its warnings and skipped records in `events`. */
  begin(records: number, events: readonly PartEvent[]): void {
    this.#events = events;
    this.#prints = new Uint32Array(2 * records);
    this.#numbers = new Float64Array(records);
    this.#warningsBefore = new Uint32Array(records);
    this.#lines = this.#keepsLines ? new Float64Array(records) : undefined;
    this.#count = 0;
  }

  add(id: string, index: number): boolean {
    const batch = this.batch!;
    const i = this.#count++;
    const nc = batch.channels[batch.start + index - batch.firstIndex]!;
    writeFingerprint(id, this.#prints, 2 * i);
    this.#numbers[i] = nc.assignedNumber;
    this.#warningsBefore[i] = this.#events.length;
    if (this.#lines !== undefined) this.#lines[i] = recordLine(nc) ?? Number.NaN;
    return true;
  }

  /** What was recorded since `begin`. */
  take(): CheckedRecords {
    const count = this.#count;
    const checked = { prints: this.#prints.subarray(0, 2 * count), numbers: this.#numbers.subarray(0, count), warningsBefore: this.#warningsBefore.subarray(0, count) };
    return this.#lines === undefined ? checked : { ...checked, lines: this.#lines.subarray(0, count) };
  }
}

/** UTF-8 text appended into one buffer that doubles when full; handed to the main thread without a copy. */
class ByteCollector {
  #buffer: Buffer;
  #used = 0;

  constructor(capacity: number) {
    this.#buffer = Buffer.allocUnsafeSlow(capacity);
  }

  append(text: string, bytes: number): void {
    if (this.#used + bytes > this.#buffer.length) {
      const grown = Buffer.allocUnsafeSlow(Math.max(this.#buffer.length * 2, this.#used + bytes));
      this.#buffer.copy(grown, 0, 0, this.#used);
      this.#buffer = grown;
    }
    this.#used += this.#buffer.write(text, this.#used, 'utf8');
  }

  get bytes(): Uint8Array {
    return new Uint8Array(this.#buffer.buffer, this.#buffer.byteOffset, this.#used);
  }
}

function ignoreDuplicate(): void {}

/** One call of a part reader's `nextBatch()`: the records it skipped, then the batch it gave or the error it threw. */
interface ReadStep {
  readonly skips: readonly PartEvent[];
  readonly batch?: ChannelBatch | undefined;
  readonly failed?: { readonly error: unknown } | undefined;
}

/**
 * Reads the whole part, keeping each `nextBatch()` call's skipped records,
 * batch or error, so a run can be given them later, in the same order and
 * with its channels' indexes shifted. Ends at the reader's end or its error.
 */
async function readWhole(text: string | Buffer, part: InputPart, setup: WorkerSetup): Promise<{ name: string | undefined; steps: ReadStep[]; skipped: number }> {
  let skips: PartEvent[] = [];
  const reader = await openPartReader(text, part, { ...setup, onSkip: (error) => skips.push(toSkippedRecord(error)) });
  const steps: ReadStep[] = [];
  let skipped = 0;
  for (;;) {
    let step: ReadStep;
    try {
      step = { skips, batch: await reader.nextBatch() };
    } catch (error) {
      step = { skips, failed: { error } };
    }
    skipped += skips.length;
    skips = [];
    steps.push(step);
    if (step.batch === undefined) return { name: reader.name, steps, skipped };
  }
}

/**
 * A source that gives a run the steps {@link readWhole} read, saying each
 * step's skipped records into `events` first (as the reader would as it
 * read), with the channels' indexes `channelShift` less. The records whose
 * index in the file their channel's index then no longer is get it
 * recorded, as the reader does after a skip.
 */
function replayedSource(name: string | undefined, steps: readonly ReadStep[], channelShift: number, events: PartEvent[]): ChannelSource {
  let next = 0;
  return {
    name,
    nextBatch: async () => {
      // The run stops at the end or the error, so it never asks past the last step.
      const step = steps[next++]!;
      events.push(...step.skips);
      if (step.failed !== undefined) throw step.failed.error;
      const batch = step.batch;
      if (batch === undefined || channelShift === 0) return batch;
      for (let i = batch.start; i < batch.end; i++) {
        const nc = batch.channels[i] as NumberedChannel & { [RECORD_INDEX]?: number };
        nc[RECORD_INDEX] ??= batch.firstIndex + i - batch.start;
      }
      return { ...batch, firstIndex: batch.firstIndex - channelShift };
    },
  };
}

/**
 * The warnings raised between two readings of a run's, by kind, in the order
 * each kind first came in the run. A kind the run had raised before `before`
 * (a plugin's, at the run's start as well as per channel) keeps that first
 * one: the main thread's run raised it there too, so only its count matters.
 */
function countedSince(before: WarningSummary, after: WarningSummary): CountedWarnings[] {
  const counted: CountedWarnings[] = [];
  for (const [kind, total] of Object.entries(after.counts)) {
    const count = total - (before.counts[kind] ?? 0);
    if (count > 0) counted.push({ first: after.firstWarnings[kind]!, count });
  }
  return counted;
}

/** Renders parts with one run each on the worker's own generator. */
class PartRenderer {
  readonly #generator: M3uGenerator;
  readonly #overrides: object;
  readonly #setup: WorkerSetup;
  /** The input file, opened for the first part that does not carry its text. */
  #fd: number | undefined;
  readonly #recorder: CheckedRecorder;
  #events: PartEvent[] = [];
  /** With `countsWarnings`: the part's warnings by kind, as its strategy counted them when it finished. */
  #counted: CountedWarnings[] = [];
  #collector: ByteCollector | undefined;
  /** Set while the part strategy renders: the warnings then are about the part's channels. */
  #rendering = false;
  /** What the part's run said of its entries and their indexes (`StrategyRun.indexShapesEntries`). */
  #indexShapesEntries = false;
  /** Parts read and waiting for the count of the records skipped before them, by `seq`. */
  readonly #shifts = new Map<number, (channelShift: number) => void>();
  readonly #tell: (message: FromWorker) => void;

  constructor(generator: M3uGenerator, overrides: object, setup: WorkerSetup, tell: (message: FromWorker) => void) {
    this.#generator = generator;
    this.#tell = tell;
    this.#overrides = overrides;
    this.#setup = setup;
    this.#recorder = new CheckedRecorder(setup.listsDuplicates === true);
    generator.strategies.register(this.#strategy());
    // Only warnings raised while channels render: the run-level ones (a missing proxy id, raised before
    // the strategy starts) the main thread's run raises once. Counted, nobody taps: a listener would make
    // core build a million objects for a million channels without a logo, to be said one by one to nobody.
    if (setup.countsWarnings !== true) {
      generator.hooks.warning.tap('m3ugen-worker', (warning) => {
        if (this.#rendering) this.#events.push(warning);
      });
    }
  }

  #strategy(): M3uStrategy {
    return {
      name: PART_STRATEGY,
      description: "renders one part of a parallel run's input in a worker thread, without the header",
      // The part's entries go to the main thread through the collector, without the header.
      contract: { ...PARALLEL_CONTRACT, writesElsewhere: true },
      generate: async (run) => {
        const collector = this.#collector!;
        this.#indexShapesEntries = run.indexShapesEntries;
        this.#rendering = true;
        const before = this.#setup.countsWarnings === true ? run.info.warningsSoFar() : undefined;
        try {
          for (let batch = await run.source.nextBatch(); batch !== undefined; batch = await run.source.nextBatch()) {
            this.#recorder.batch = batch;
            const { text, bytes } = run.renderBatch(batch);
            collector.append(text, bytes);
          }
        } finally {
          this.#rendering = false;
          if (before !== undefined) this.#counted = countedSince(before, run.info.warningsSoFar());
        }
      },
    };
  }

  /** Lets the part `seq`, read and waiting, render with its channels' indexes `channelShift` less. */
  shift(seq: number, channelShift: number): void {
    this.#shifts.get(seq)?.(channelShift);
    this.#shifts.delete(seq);
  }

  async render(part: InputPart): Promise<{ result: PartResult; transfer: ArrayBuffer[] }> {
    const events: PartEvent[] = [];
    this.#events = events;
    this.#counted = [];
    this.#recorder.begin(part.records, events);
    let channelShift = part.channelShift ?? 0;
    try {
      if (part.text === undefined) this.#fd ??= openSync(this.#setup.path, 'r');
      const text = readPartText(this.#fd, part);
      let source: ChannelSource;
      if (part.shiftToCome === true) {
        const { name, steps, skipped } = await readWhole(text, part, this.#setup);
        const shift = new Promise<number>((resolve) => this.#shifts.set(part.seq, resolve));
        this.#tell({ seq: part.seq, skippedInPart: skipped });
        channelShift = await shift;
        source = replayedSource(name, steps, channelShift, events);
      } else {
        const reader = await openPartReader(text, part, { ...this.#setup, onSkip: (error) => events.push(toSkippedRecord(error)) });
        source = { name: reader.name, nextBatch: () => reader.nextBatch() };
      }
      const collector = new ByteCollector(Math.max(64 * 1024, text.length));
      this.#collector = collector;
      const strict = this.#setup.notStrict === true ? { strict: false } : {};
      // The main thread finds every repeated id and number from what the run checked, a repeat inside the part as well.
      const goOn = this.#setup.listsDuplicates === true ? { onDuplicate: ignoreDuplicate } : {};
      const { metrics, absentFields } = await this.#generator.generate(source, { ...this.#overrides, ...strict, ...goOn, strategy: PART_STRATEGY, duplicateIds: () => this.#recorder });
      const checked = this.#recorder.take();
      const bytes = collector.bytes;
      const result: PartResult = {
        seq: part.seq,
        ok: true,
        bytes,
        rendered: metrics.inputChannels,
        dropped: metrics.droppedChannels,
        absentFields,
        indexShapesEntries: this.#indexShapesEntries,
        events,
        counted: this.#counted,
        channelShift,
        text: part.text,
        ...checked,
      };
      return { result, transfer: [bytes.buffer as ArrayBuffer, ...buffersOf(checked, part)] };
    } catch (error) {
      const checked = this.#recorder.take();
      return { result: { seq: part.seq, ok: false, error: toWorkerError(error), events, counted: this.#counted, channelShift, text: part.text, ...checked }, transfer: buffersOf(checked, part) };
    } finally {
      this.#collector = undefined;
    }
  }
}

/** The buffers a part's result moves to the main thread: what was checked, and the part's text when it carried it (read by then). */
function buffersOf(checked: CheckedRecords, part: InputPart): ArrayBuffer[] {
  const lines = checked.lines === undefined ? [] : [checked.lines.buffer];
  return [checked.prints.buffer, checked.numbers.buffer, checked.warningsBefore.buffer, ...lines, ...(part.text === undefined ? [] : [part.text.buffer])] as ArrayBuffer[];
}

async function start(): Promise<void> {
  const port = parentPort!;
  const setup = workerData as WorkerSetup;
  const silent = new Reporter({ write: () => true }, 'quiet');
  let renderer: PartRenderer | undefined;
  let failure: WorkerError | undefined;
  try {
    const { generator, overrides } = await buildGenerator(setup.flags, silent);
    renderer = new PartRenderer(generator, overrides, setup, (message) => port.postMessage(message));
  } catch (error) {
    failure = toWorkerError(error);
  }
  // Parts are rendered one after another, in the order they arrive.
  let queue = Promise.resolve();
  port.on('message', (message: ToWorker) => {
    // At once, not queued: the part it is for holds the queue until it comes.
    if ('shiftOf' in message) return renderer?.shift(message.shiftOf, message.channelShift);
    const part = message;
    queue = queue.then(async () => {
      if (renderer === undefined) {
        const empty = new CheckedRecorder(false);
        empty.begin(0, []);
        port.postMessage({ seq: part.seq, ok: false, error: failure!, events: [], counted: [], channelShift: part.channelShift ?? 0, ...empty.take() } satisfies PartResult);
        return;
      }
      const { result, transfer } = await renderer.render(part);
      port.postMessage(result, transfer);
    });
  });
}

await start();
