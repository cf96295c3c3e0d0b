import type { NumberedChannel } from '../channel/model.js';

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
  /** The input's name for messages (a file name, `stdin`). */
  readonly name?: string | undefined;
}

/** What `generate()` accepts as channels. */
export type ChannelInput = Iterable<NumberedChannel> | AsyncIterable<NumberedChannel> | ChannelSource;

/** Channels per batch: large enough to amortise the per-batch checks, small enough to react to pressure. */
export const DEFAULT_BATCH_SIZE = 1024;

function isChannelSource(input: ChannelInput): input is ChannelSource {
  return typeof (input as Partial<ChannelSource>).nextBatch === 'function';
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

/** Batches from an iterator, sync or async: one shape of loop for both. */
function iteratorSource(next: () => IteratorResult<NumberedChannel> | Promise<IteratorResult<NumberedChannel>>, batchSize: number): ChannelSource {
  let position = 0;
  let done = false;
  return {
    async nextBatch() {
      if (done) return undefined;
      const channels: NumberedChannel[] = [];
      while (channels.length < batchSize) {
        const step = await next();
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

/**
 * Wraps any accepted input as a {@link ChannelSource}.
 *
 * @example
 * ```ts
 * const source = toChannelSource(channels); // array: batches are windows, knownCount = channels.length
 * ```
 */
export function toChannelSource(input: ChannelInput, batchSize = DEFAULT_BATCH_SIZE): ChannelSource {
  if (isChannelSource(input)) return input;
  if (Array.isArray(input)) return arraySource(input as readonly NumberedChannel[], batchSize);
  if (Symbol.asyncIterator in input) {
    const iterator = input[Symbol.asyncIterator]();
    return iteratorSource(() => iterator.next(), batchSize);
  }
  const iterator = input[Symbol.iterator]();
  return iteratorSource(() => iterator.next(), batchSize);
}
