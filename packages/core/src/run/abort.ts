import type { PlaylistSink } from '../output/sink.js';
import { markForeign } from './foreign-errors.js';

/**
 * A run's `signal`, where the run looks at it: before each batch, and
 * while it waits for its input or for its output to drain, so a stalled
 * consumer cannot hold an aborted run. The run then fails with the
 * signal's reason, marked as the caller's own (a strategy passes it on
 * unchanged, not as its failure).
 */
export class RunAbort {
  readonly #signal: AbortSignal;
  readonly #aborted: Promise<never>;
  readonly #onAbort: () => void;

  constructor(signal: AbortSignal) {
    this.#signal = signal;
    let reject: (reason: unknown) => void = () => undefined;
    this.#aborted = new Promise<never>((_resolve, fail) => {
      reject = fail;
    });
    // Only ever raced against something the run awaits; unheard otherwise.
    this.#aborted.catch(() => undefined);
    this.#onAbort = () => reject(markForeign(signal.reason));
    signal.addEventListener('abort', this.#onAbort, { once: true });
  }

  /** Whether the signal has aborted. */
  get aborted(): boolean {
    return this.#signal.aborted;
  }

  /** Throws the signal's reason if it was aborted. */
  check(): void {
    if (this.#signal.aborted) throw markForeign(this.#signal.reason);
  }

  /** `pending`, unless the signal aborts first. */
  race<T>(pending: Promise<T>): Promise<T> {
    return Promise.race([pending, this.#aborted]);
  }

  /** Stops listening: the run has ended. */
  dispose(): void {
    this.#signal.removeEventListener('abort', this.#onAbort);
  }
}

/** `sink` as a strategy of a run with a signal writes to it: refused once aborted, and a wait for drain ends on abort. */
export function abortableSink(sink: PlaylistSink, abort: RunAbort): PlaylistSink {
  return {
    write(chunk, bytes) {
      abort.check();
      const pending = sink.write(chunk, bytes);
      return pending === undefined ? undefined : abort.race(pending);
    },
    writeBytes(bytes) {
      abort.check();
      const pending = sink.writeBytes(bytes);
      return pending === undefined ? undefined : abort.race(pending);
    },
    get bytesWritten() {
      return sink.bytesWritten;
    },
    get bufferedBytes() {
      return sink.bufferedBytes;
    },
  };
}
