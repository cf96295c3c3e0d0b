import type { Writable } from 'node:stream';
import { M3ugenError } from '../errors.js';
import { markForeign } from '../run/foreign-errors.js';

/**
 * Where a strategy writes the playlist's text. `write` returns a promise only
 * when the consumer is full; a strategy that cares about memory awaits it.
 *
 * @example
 * ```ts
 * const pending = sink.write(chunk);
 * if (pending) await pending; // backpressure
 * ```
 */
export interface PlaylistSink {
  /** Writes `chunk`; `bytes` is its UTF-8 length when the caller knows it (saves reading the text again). */
  write(chunk: string, bytes?: number): void | Promise<void>;
  /** Writes text already encoded as UTF-8 (rendered in another thread, say); same backpressure as `write`. */
  writeBytes(bytes: Uint8Array): void | Promise<void>;
  /** UTF-8 bytes accepted so far. */
  readonly bytesWritten: number;
  /** Bytes accepted but not yet taken by the consumer (0 for in-memory sinks). */
  readonly bufferedBytes: number;
}

/** The text of UTF-8 `bytes`, for sinks that hold strings. */
function utf8Text(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

/** A sink the run owns: closed on success, aborted on failure. */
export interface OwnedSink extends PlaylistSink {
  close(): Promise<void>;
  abort(error: Error): void;
}

/**
 * Collects the playlist as one string (the `playlist` of a result).
 *
 * @example
 * ```ts
 * const sink = new StringSink();
 * sink.write('#EXTM3U\n');
 * sink.text(); // '#EXTM3U\n'
 * ```
 */
export class StringSink implements OwnedSink {
  readonly #chunks: string[] = [];
  bytesWritten = 0;
  readonly bufferedBytes = 0;

  write(chunk: string, bytes?: number): void {
    if (chunk.length === 0) return;
    // byteLength reads the whole chunk, which also makes V8 flatten a rope of
    // entries into one string now, instead of keeping its pieces alive. A
    // caller that passes `bytes` has a rope of large pieces worth keeping.
    this.bytesWritten += bytes ?? Buffer.byteLength(chunk, 'utf8');
    this.#chunks.push(chunk);
  }

  writeBytes(bytes: Uint8Array): void {
    this.write(utf8Text(bytes), bytes.byteLength);
  }

  /**
   * The whole text written so far. Concatenated, not joined: V8 keeps the
   * result as a rope of the (large) chunks and copies it only when it is
   * read, so no second copy of the playlist exists while it is built.
   */
  text(): string {
    let text = '';
    for (const chunk of this.#chunks) text += chunk;
    return text;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  abort(): void {
    this.#chunks.length = 0;
  }
}

function isProcessStdio(writable: Writable): boolean {
  return writable === process.stdout || writable === process.stderr;
}

/**
 * Writes to a Node `Writable`, waiting for `drain` whenever it reports that
 * its buffer is full, so at most its `writableHighWaterMark` plus one chunk is
 * buffered. The run ends only when the writable has taken every chunk, also
 * when the caller keeps it open (`end: false`, as for stdout): a write that
 * fails late (a full disk, a closed pipe) fails the run instead of being lost.
 * `process.stdout` and `process.stderr` are never ended, whatever `end` says.
 *
 * @example
 * ```ts
 * const sink = new WritableSink(createWriteStream('playlist.m3u'));
 * await sink.write('#EXTM3U\n');
 * await sink.close(); // resolves once the file has taken every byte
 * ```
 */
export class WritableSink implements OwnedSink {
  readonly #writable: Writable;
  readonly #end: boolean;
  #error: Error | undefined;
  /** Writes whose callback has not run yet. */
  #pending = 0;
  #whenFlushed: (() => void) | undefined;
  /** One callback for every write, so tracking them allocates nothing per chunk. */
  readonly #written = (error?: Error | null): void => {
    if (error) this.#error ??= markForeign(error);
    if (--this.#pending === 0) this.#whenFlushed?.();
  };
  bytesWritten = 0;

  constructor(writable: Writable, options: { end?: boolean } = {}) {
    this.#writable = writable;
    // As Node's pipe(): the process's own stdout and stderr are never ended. Ending stdout shut a
    // pipe for the rest of the process (later console.log calls failed with EPIPE), and a later
    // run's end() on a file-backed stdout never called back.
    this.#end = isProcessStdio(writable) ? false : (options.end ?? true);
    writable.on('error', this.#onError);
  }

  readonly #onError = (error: Error): void => {
    this.#error ??= markForeign(error);
  };

  get bufferedBytes(): number {
    return this.#writable.writableLength;
  }

  write(chunk: string, bytes?: number): void | Promise<void> {
    this.#checkWritable();
    if (chunk.length === 0) return;
    this.bytesWritten += bytes ?? Buffer.byteLength(chunk, 'utf8');
    this.#pending++;
    if (this.#writable.write(chunk, 'utf8', this.#written)) return;
    return this.#drain();
  }

  writeBytes(bytes: Uint8Array): void | Promise<void> {
    this.#checkWritable();
    if (bytes.byteLength === 0) return;
    this.bytesWritten += bytes.byteLength;
    this.#pending++;
    if (this.#writable.write(bytes, this.#written)) return;
    return this.#drain();
  }

  /**
   * Throws the writable's error, or why it cannot take a write: a writable
   * already ended (by an earlier run, whose default is to end its output)
   * or destroyed calls back with an error but never drains, and a run that
   * waited for it hung.
   */
  #checkWritable(): void {
    if (this.#error !== undefined) throw this.#error;
    const writable = this.#writable;
    if (!writable.destroyed && !writable.writableEnded) return;
    this.#error = new M3ugenError(
      'E_OUTPUT',
      writable.writableEnded
        ? 'the output stream was already ended (a run ends its output unless given `end: false`)'
        : 'the output stream was destroyed before the playlist was written',
    );
    throw this.#error;
  }

  async #drain(): Promise<void> {
    // Until 'drain', or the writable's end: an 'error', or only a 'close' when it is destroyed
    // without an error (a socket its peer closed, `res.destroy()`), which never drains.
    const writable = this.#writable;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        writable.off('drain', done);
        writable.off('close', done);
        writable.off('error', done);
        resolve();
      };
      writable.on('drain', done);
      writable.on('close', done);
      writable.on('error', done);
    });
    this.#checkWritable();
  }

  async close(): Promise<void> {
    if (this.#error !== undefined) throw this.#error;
    if (this.#end) {
      // Wait for 'finish' (all data flushed), not 'close': a file stream opened with autoClose: false never closes.
      await new Promise<void>((resolve, reject) => {
        this.#writable.end((error?: Error | null) => (error ? reject(error) : resolve()));
      });
    } else {
      // Every write's callback runs, with an error if it failed or the writable was destroyed first.
      if (this.#pending > 0) await new Promise<void>((resolve) => (this.#whenFlushed = resolve));
      if (this.#error !== undefined) throw this.#error;
    }
    // Done, and cleanly: nothing of this run can fail any more. A writable kept for more runs
    // (stdout, a socket) must not collect a listener per run; after a failure the listener stays,
    // in case an error of this run's writes is still on its way.
    this.#writable.off('error', this.#onError);
  }

  abort(): void {
    // The caller owns the writable: leave it open so it can discard what was written.
  }
}

/**
 * A bounded queue between a run and an async-iterating consumer: the run
 * waits once more than `limitBytes` are queued.
 *
 * @example
 * ```ts
 * const sink = new ChunkQueueSink(1024 * 1024);
 * void (async () => {
 *   await sink.write('#EXTM3U\n');
 *   await sink.close();
 * })();
 * for await (const chunk of sink.chunks()) response.write(chunk);
 * ```
 */
export class ChunkQueueSink implements OwnedSink {
  readonly #limit: number;
  readonly #queue: string[] = [];
  /** UTF-8 length of each queued chunk. */
  readonly #queueBytes: number[] = [];
  #queuedBytes = 0;
  #closed = false;
  #cancelled = false;
  #error: Error | undefined;
  #wakeConsumer: (() => void) | undefined;
  #wakeProducer: (() => void) | undefined;
  bytesWritten = 0;

  constructor(limitBytes: number) {
    this.#limit = limitBytes;
  }

  get bufferedBytes(): number {
    return this.#queuedBytes;
  }

  write(chunk: string, knownBytes?: number): void | Promise<void> {
    if (this.#cancelled) throw new M3ugenError('E_CANCELLED', 'the consumer stopped reading the playlist');
    if (chunk.length === 0) return;
    const bytes = knownBytes ?? Buffer.byteLength(chunk, 'utf8');
    this.bytesWritten += bytes;
    this.#queuedBytes += bytes;
    this.#queue.push(chunk);
    this.#queueBytes.push(bytes);
    this.#wake();
    if (this.#queuedBytes <= this.#limit) return;
    return new Promise<void>((resolve) => {
      this.#wakeProducer = resolve;
    });
  }

  writeBytes(bytes: Uint8Array): void | Promise<void> {
    return this.write(utf8Text(bytes), bytes.byteLength);
  }

  close(): Promise<void> {
    this.#closed = true;
    this.#wake();
    return Promise.resolve();
  }

  abort(error: Error): void {
    this.#error = error;
    this.#closed = true;
    this.#wake();
  }

  #wake(): void {
    const wake = this.#wakeConsumer;
    this.#wakeConsumer = undefined;
    wake?.();
  }

  /** Consumes the queue; ends when the run closes it, throws if the run failed. */
  async *chunks(): AsyncGenerator<string, void, undefined> {
    try {
      yield* this.#drainQueue();
    } finally {
      if (!this.#closed) {
        // The consumer broke out early: fail the run's next write instead of waiting forever.
        this.#cancelled = true;
        const wake = this.#wakeProducer;
        this.#wakeProducer = undefined;
        wake?.();
      }
    }
  }

  async *#drainQueue(): AsyncGenerator<string, void, undefined> {
    for (;;) {
      const chunk = this.#queue.shift();
      if (chunk !== undefined) {
        this.#queuedBytes -= this.#queueBytes.shift()!;
        if (this.#queuedBytes <= this.#limit) {
          const wake = this.#wakeProducer;
          this.#wakeProducer = undefined;
          wake?.();
        }
        yield chunk;
        continue;
      }
      if (this.#error !== undefined) throw this.#error;
      if (this.#closed) return;
      await new Promise<void>((resolve) => {
        this.#wakeConsumer = resolve;
      });
    }
  }
}

/**
 * Writes chunks in order, waiting only when the sink asks for it.
 *
 * @example
 * ```ts
 * await writeChunks(run.output, run.handover?.chunks ?? []);
 * ```
 *
 * `bytes`, when given, holds each chunk's UTF-8 length (`undefined` where unknown).
 */
export async function writeChunks(sink: PlaylistSink, chunks: readonly string[], bytes?: readonly (number | undefined)[]): Promise<void> {
  for (let i = 0; i < chunks.length; i++) {
    const pending = sink.write(chunks[i]!, bytes?.[i]);
    if (pending !== undefined) await pending;
  }
}
