import { Worker, type WorkerOptions } from 'node:worker_threads';
import { M3ugenError } from '@m3ugen/core';
import { YOUNG_GENERATION_CAP_BYTES } from '../young-generation.js';
import type { InputPart } from './input-parts.js';
import type { FromWorker, PartResult, ToWorker, WorkerSetup } from './messages.js';

interface Pending {
  readonly resolve: (result: PartResult) => void;
  readonly reject: (error: Error) => void;
}

interface PoolWorker {
  readonly worker: Worker;
  readonly pending: Map<number, Pending>;
  /** Why the thread stopped, once it has: parts sent to it after that fail with it. */
  stopped: Error | undefined;
}

/**
 * A worker thread running the module at `script`. It is started from a line
 * of code that imports the module, not from the module's file: a worker
 * started from a file refuses to load it when the process was started with
 * `--input-type` (`main()` called from `node --input-type=module -e …`, or
 * a script piped to node), and the workers keep the parent's Node options as
 * Node passes them (loaders, V8 flags), which a list of our own could not:
 * given explicitly, a V8 flag such as `--max-semi-space-size` is refused.
 */
function startWorker(script: URL, options: WorkerOptions): Worker {
  return new Worker(`import(${JSON.stringify(script.href)});`, { ...options, eval: true });
}

/**
 * Worker threads that render parts of the input. Each worker renders the
 * parts it is given one after another; a new part goes to the worker with
 * the fewest parts waiting, so a slow thread (on a busy machine) gets fewer.
 */
export class WorkerPool {
  readonly #workers: PoolWorker[] = [];
  #closed = false;

  /**
   * @param onRead told, for each part sent with `shiftToCome`, how many of its records were skipped, once its worker has read it.
   * @param script the workers' entry (tests give their own).
   */
  constructor(count: number, setup: WorkerSetup, onRead?: (seq: number, skippedInPart: number) => void, script: URL = new URL('./part-worker.js', import.meta.url)) {
    for (let i = 0; i < count; i++) {
      // The same young generation as a run in the main thread (young-generation.ts), set per isolate here.
      const worker = startWorker(script, { workerData: setup, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_CAP_BYTES / 2 ** 20 } });
      const entry: PoolWorker = { worker, pending: new Map(), stopped: undefined };
      const { pending } = entry;
      worker.on('message', (result: FromWorker) => {
        if ('skippedInPart' in result) return onRead?.(result.seq, result.skippedInPart);
        const waiting = pending.get(result.seq);
        pending.delete(result.seq);
        waiting?.resolve(result);
      });
      const fail = (error: Error): void => {
        entry.stopped ??= error;
        for (const waiting of pending.values()) waiting.reject(error);
        pending.clear();
      };
      // What killed a worker (a plugin's uncaught error, the thread's exit) is said as it is, with a code of its own.
      worker.on('error', (error) => fail(new M3ugenError('E_WORKER', error.message, { cause: error })));
      worker.on('exit', (code) => {
        if (!this.#closed) fail(new M3ugenError('E_WORKER', `a worker thread stopped (exit code ${code})`));
      });
      this.#workers.push(entry);
    }
  }

  /**
   * Sends `part` to the least busy worker; resolves with its result. A text
   * the part carries is moved to the worker, not copied (the part's `text`
   * is then empty here), and comes back with the result.
   */
  render(part: InputPart): Promise<PartResult> {
    const target = this.#workers.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
    const result = new Promise<PartResult>((resolve, reject) => {
      if (target.stopped !== undefined) return reject(target.stopped);
      target.pending.set(part.seq, { resolve, reject });
      target.worker.postMessage(part satisfies ToWorker, part.text === undefined ? [] : [part.text.buffer as ArrayBuffer]);
    });
    // Results are awaited in order; one left behind when the run stops early must not count as unhandled.
    result.catch(() => undefined);
    return result;
  }

  /** Sends a part sent with `shiftToCome`, once read, the count of the records skipped before it, which it waits for to render. */
  release(seq: number, channelShift: number): void {
    const holder = this.#workers.find(({ pending }) => pending.has(seq));
    holder?.worker.postMessage({ shiftOf: seq, channelShift } satisfies ToWorker);
  }

  /** Stops every worker. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.#workers.map(({ worker }) => worker.terminate()));
  }
}
