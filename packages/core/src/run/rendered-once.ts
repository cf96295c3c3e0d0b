import { M3ugenError } from '../errors.js';

/**
 * Which input indexes a run's strategies have rendered, one bit each (125 KB
 * per million channels), so a strategy that renders a channel a second time
 * is told so before the second rendering: otherwise the duplicate-id check
 * blamed the input ("an earlier record has the same id"), or, with the check
 * off, the playlist held the entry twice.
 */
export class RenderedOnce {
  #bits: Uint32Array;
  readonly #strategy: () => string;
  readonly #handedOut: HandedOut;

  /**
   * `strategy` names the strategy rendering now, for the error; `handedOut` is
   * what the source has given so far; `expectedCount`, the channels expected,
   * if known: the bits start at that size, as each growth on the way also
   * made V8 throw away the optimized code of the strategy's loop.
   */
  constructor(strategy: () => string, handedOut: HandedOut, expectedCount = 0) {
    this.#strategy = strategy;
    this.#handedOut = handedOut;
    this.#bits = new Uint32Array(Number.isFinite(expectedCount) && expectedCount > 65_536 ? Math.ceil(expectedCount / 32) : 2048);
  }

  /** Notes indexes `from` to `to` (exclusive) as rendered; throws `E_STRATEGY` if one already was, or was never handed out. */
  mark(from: number, to: number): void {
    const { firstIndex, endIndex } = this.#handedOut;
    if (!(Number.isSafeInteger(from) && from >= firstIndex && to <= endIndex)) {
      throw new M3ugenError(
        'E_STRATEGY',
        `strategy "${this.#strategy()}" rendered channel index ${String(from)}, which run.source has not handed out: pass renderEntry the channel's input index (batch.firstIndex + i - batch.start)`,
      );
    }
    // Bits count from the first index handed out: a worker thread's part starts far past 0.
    const start = from - firstIndex;
    const end = to - firstIndex;
    if (end > this.#bits.length * 32) {
      const grown = new Uint32Array(Math.max(this.#bits.length * 2, Math.ceil(end / 32)));
      grown.set(this.#bits);
      this.#bits = grown;
    }
    const bits = this.#bits;
    for (let i = start; i < end; i++) {
      const word = i >>> 5;
      const bit = 1 << (i & 31);
      if ((bits[word]! & bit) !== 0) {
        throw new M3ugenError(
          'E_STRATEGY',
          `strategy "${this.#strategy()}" rendered channel index ${i + firstIndex} a second time: each channel goes through renderBatch or renderEntry once, and its text is written once`,
        );
      }
      bits[word] = bits[word]! | bit;
    }
  }
}

/** The input indexes a run's source has handed out, from `firstIndex` to `endIndex` (exclusive). */
export interface HandedOut {
  readonly firstIndex: number;
  readonly endIndex: number;
}
