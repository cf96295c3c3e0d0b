import type { NumberedChannel } from '../channel/model.js';
import { InputError } from '../errors.js';

/**
 * A run of consecutive channels: `channels[start]` up to (not including)
 * `channels[end]`, the first of which has the input index `firstIndex`.
 * Array inputs are served as windows on the caller's array, without copying.
 */
export interface ChannelBatch {
  readonly channels: readonly NumberedChannel[];
  readonly start: number;
  readonly end: number;
  readonly firstIndex: number;
}

/**
 * Where a run pulls its channels from. Strategies share one source, so a
 * strategy that takes over mid-run goes on from the next batch.
 * Readers (JSON, NDJSON) may implement it directly to hand over whole batches.
 *
 * @example
 * ```ts
 * for (let b = await source.nextBatch(); b; b = await source.nextBatch()) {
 *   for (let i = b.start; i < b.end; i++) use(b.channels[i]!, b.firstIndex + i - b.start);
 * }
 * ```
 */
export interface ChannelSource {
  /** The next batch, or `undefined` once the input is exhausted. Batches are never empty. */
  nextBatch(): Promise<ChannelBatch | undefined>;
  /** Number of channels in the input, when known before the run. */
  readonly knownCount?: number | undefined;
  /**
   * About how many channels the input holds, when it can tell roughly but
   * not exactly (a file's size over its first records' length): read once,
   * at the start of a run whose strategy is chosen automatically and whose
   * count is not known, as the run option `estimatedChannelCount` (which
   * takes precedence) is used. A getter may read for it: it is not read
   * otherwise. `@m3ugen/reader`'s readers give it for a regular file.
   */
  readonly estimatedCount?: number | undefined;
  /** The input's name for messages (a file name, `stdin`). */
  readonly name?: string | undefined;
  /**
   * Releases what the source holds (an open file, a cursor). A run that fails
   * before reading the source to its end calls it, as `for await` calls an
   * iterator's `return()` when its loop is left early; a run that reads to
   * the end does not. Later `nextBatch` calls return `undefined`.
   */
  close?(): Promise<void> | void;
}

/** What `generate()` accepts as channels. */
export type ChannelInput = Iterable<NumberedChannel> | AsyncIterable<NumberedChannel> | ChannelSource;

/** Channels per batch: large enough to amortise the per-batch checks, small enough to react to pressure. */
export const DEFAULT_BATCH_SIZE = 1024;

function isChannelSource(input: ChannelInput): input is ChannelSource {
  return typeof (input as Partial<ChannelSource>).nextBatch === 'function';
}

/** What a value that is not a {@link ChannelInput} is, for the error, with the likely mend of the common slips. */
function kindOf(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'string') {
    if (/^\s*[[{]/.test(value)) return 'a string of JSON text: pass the records it holds (JSON.parse(text) for an array of them)';
    return `a string: to read the records of a file, pass openChannelReader(${JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)}) from @m3ugen/reader`;
  }
  const tag = Object.prototype.toString.call(value);
  if (typeof value === 'function') {
    // The generator function itself, not the generator calling it returns: `generate(records)` for `generate(records())`.
    if (tag === '[object GeneratorFunction]' || tag === '[object AsyncGeneratorFunction]') return 'a generator function: call it and pass the generator it returns (records(), not records)';
    return 'a function: pass the records it gives, not the function';
  }
  if (typeof value === 'object') {
    // The slip of a missing `await`: the promise of the records, not the records.
    if (typeof (value as { then?: unknown }).then === 'function') return 'a Promise: await it and pass the records it gives';
    if ('channel' in value && ('assignedNumber' in value || 'assigned_number' in value)) return 'one channel record: pass a list of them ([record])';
    const kind = `an object without nextBatch(), [Symbol.iterator]() or [Symbol.asyncIterator]() (${tag})`;
    // A wrapper holding the records ({ channels: [...] }, a parsed JSON document): the list inside is what was meant.
    const list = Object.keys(value).find((key) => Array.isArray((value as Record<string, unknown>)[key]));
    return list === undefined ? kind : `${kind}: its "${list}" is a list; pass that`;
  }
  return `a ${typeof value}`;
}

function arraySource(items: readonly NumberedChannel[], batchSize: number): ChannelSource {
  let position = 0;
  return {
    knownCount: items.length,
    nextBatch: () => {
      if (position >= items.length) return Promise.resolve(undefined);
      const start = position;
      position = Math.min(items.length, start + batchSize);
      return Promise.resolve({ channels: items, start, end: position, firstIndex: start });
    },
  };
}

/** An iterator, sync or async: one shape for both. */
interface AnyIterator {
  next(): IteratorResult<NumberedChannel> | Promise<IteratorResult<NumberedChannel>>;
  return?(): unknown;
}

/** Batches from an iterator; `close` ends it early (its generator's `finally` blocks run). */
function iteratorSource(iterator: AnyIterator, batchSize: number): ChannelSource {
  let position = 0;
  let done = false;
  return {
    async close() {
      if (done) return;
      done = true;
      await iterator.return?.();
    },
    async nextBatch() {
      if (done) return undefined;
      const channels: NumberedChannel[] = [];
      while (channels.length < batchSize) {
        const step = await iterator.next();
        if (step.done === true) {
          done = true;
          break;
        }
        channels.push(step.value);
      }
      if (channels.length === 0) return undefined;
      const firstIndex = position;
      position += channels.length;
      return { channels, start: 0, end: channels.length, firstIndex };
    },
  };
}

/** One-shot inputs a run has read from: a later run that gets nothing from one gets an error, not an empty playlist. */
const readBefore = new WeakSet<object>();

/**
 * Inputs that are read once: a ChannelSource (a reader), a generator, a
 * Node or web stream. Arrays and other iterables give a new iterator each
 * time, so are not (telling a generator by its tag calls nothing on it).
 */
function readsOnce(input: object): boolean {
  if (isChannelSource(input as ChannelInput)) return true;
  const tag = Object.prototype.toString.call(input);
  if (tag === '[object Generator]' || tag === '[object AsyncGenerator]') return true;
  const candidate = input as { pipe?: unknown; on?: unknown; getReader?: unknown };
  return (typeof candidate.pipe === 'function' && typeof candidate.on === 'function') || typeof candidate.getReader === 'function';
}

/**
 * Notes that a run read from `input`, and throws if an earlier run did and
 * this one got nothing (`gaveNothing`): a reader, stream or generator read to
 * its end gives nothing again, and a second run over it would publish an
 * empty playlist as a success. One that gives channels again (a source of
 * the caller's that starts over) is not refused.
 *
 * @example
 * ```ts
 * noteRead(reader, batch === undefined, reader.name);
 * ```
 */
export function noteRead(input: unknown, gaveNothing: boolean, name: string | undefined): void {
  if (typeof input !== 'object' || input === null || !readsOnce(input)) return;
  if (gaveNothing && readBefore.has(input)) {
    throw new InputError(
      'this input was read by an earlier run and gives nothing now: a reader, stream or generator is read once; open (or create) a new one for each run',
      { file: name },
    );
  }
  readBefore.add(input);
}

/**
 * Wraps any accepted input as a {@link ChannelSource}.
 *
 * @example
 * ```ts
 * const source = toChannelSource(channels); // array: batches are windows, knownCount = channels.length
 * ```
 * @throws {TypeError} for anything else, saying what it got (a string is refused: its iterator yields characters).
 */
export function toChannelSource(input: ChannelInput, batchSize = DEFAULT_BATCH_SIZE): ChannelSource {
  if (typeof input !== 'object' || input === null || (!isChannelSource(input) && !(Symbol.iterator in input) && !(Symbol.asyncIterator in input))) {
    throw new TypeError(`channels: expected an array, an iterable or async iterable of channel records, or a ChannelSource; got ${kindOf(input)}`);
  }
  if (isChannelSource(input)) return input;
  if (Array.isArray(input)) return arraySource(input as readonly NumberedChannel[], batchSize);
  if (Symbol.asyncIterator in input) return iteratorSource(input[Symbol.asyncIterator](), batchSize);
  return iteratorSource(input[Symbol.iterator](), batchSize);
}
