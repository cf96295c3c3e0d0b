/** The most a {@link ReplayableInput} keeps: far more than a reader takes to tell the input's format. */
const MAX_KEPT_BYTES = 16 * 1024 * 1024;

/**
 * A stream (stdin) read by the command's reader, whose first chunks are
 * kept until the command knows whether the run renders in worker threads:
 * then {@link rest} gives them again, followed by the chunks not read yet,
 * for the parallel run to cut into parts; otherwise {@link forget} drops
 * them and the reader reads on alone. Once `rest` was called, the reader
 * ending its reading no longer ends the stream underneath, which `rest`
 * goes on from; before, it does (a run that fails early lets the process
 * end rather than wait for stdin).
 *
 * @example
 * ```ts
 * const input = new ReplayableInput(process.stdin);
 * const reader = await openChannelReader('-', { stream: input.forReader });
 * if (parallel) {
 *   const whole = input.rest();
 *   await reader.close();
 *   cutIntoParts(whole);
 * } else input.forget();
 * ```
 */
export class ReplayableInput {
  readonly #iterator: AsyncIterator<Buffer | string>;
  /** The chunks read so far; `undefined` once forgotten, given back, or past {@link MAX_KEPT_BYTES}. */
  #kept: (Buffer | string)[] | undefined = [];
  #keptBytes = 0;
  /** Set by {@link rest}: the stream is no longer the reader's to end. */
  #handedOver = false;

  constructor(stream: AsyncIterable<Buffer | string>) {
    this.#iterator = stream[Symbol.asyncIterator]();
  }

  /** The stream as the reader reads it: its chunks, kept as they pass. */
  get forReader(): AsyncIterable<Buffer | string> {
    return {
      [Symbol.asyncIterator]: () => ({
        next: async () => {
          const step = await this.#iterator.next();
          if (step.done !== true && this.#kept !== undefined) this.#keep(step.value);
          return step;
        },
        return: async (): Promise<IteratorResult<Buffer | string>> => {
          // Handed over, the stream goes on for rest().
          if (this.#handedOver) return { done: true, value: undefined };
          return (await this.#iterator.return?.()) ?? { done: true, value: undefined };
        },
      }),
    };
  }

  /** Whether {@link rest} can still give the whole stream. */
  get replayable(): boolean {
    return this.#kept !== undefined;
  }

  /** Drops the chunks kept, and keeps no more. */
  forget(): void {
    this.#kept = undefined;
  }

  /** The whole stream: the chunks the reader read, then the rest. The reader must not read on. */
  rest(): AsyncIterable<Buffer | string> {
    const kept = this.#kept;
    if (kept === undefined) throw new Error('the input was not kept: it cannot be read again from its start');
    this.#kept = undefined;
    this.#handedOver = true;
    const iterator = this.#iterator;
    return (async function* whole(): AsyncGenerator<Buffer | string, void, undefined> {
      try {
        yield* kept;
        for (let step = await iterator.next(); step.done !== true; step = await iterator.next()) yield step.value;
      } finally {
        // Ended before the stream's end (the run failed): let the stream go, as the reader would have.
        await iterator.return?.();
      }
    })();
  }

  #keep(chunk: Buffer | string): void {
    this.#keptBytes += chunk.length;
    if (this.#keptBytes > MAX_KEPT_BYTES) this.#kept = undefined;
    else this.#kept!.push(chunk);
  }
}
