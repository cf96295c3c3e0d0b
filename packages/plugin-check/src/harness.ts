import { Writable } from 'node:stream';
import { toChannelSource, type ChannelBatch, type ChannelSource, type GeneratorConfig, type M3uGenerator, type NumberedChannel, type StrategyContract } from '@m3ugen/core';
import { createGenerator } from '@m3ugen/preset-default';

/** The contract of the checks' own strategies: chosen only by name, at any pressure, taking over no run. */
export const CHECK_CONTRACT: StrategyContract = Object.freeze({
  estimateMemoryBytes: () => 0,
  supportedPressure: Object.freeze(['optimal', 'moderate', 'high', 'critical'] as const),
  canTakeOverMidStage: false,
  boundedMemory: false,
  preference: -1,
  automatic: false,
});

/**
 * A generator of the default preset and `config` (a proxy id unless it
 * gives one), whose memory is sampled at every checkpoint and reads as
 * critical while `critical()` says so, else as empty.
 */
export function checkGenerator(config: GeneratorConfig, critical: () => boolean): M3uGenerator {
  const maxMemoryMb = 512;
  return createGenerator({
    proxyId: '01ARZ3NDEKTSV4RRFFQ69G5FAV',
    ...config,
    memory: {
      ...config.memory,
      maxMemoryMb,
      sampleIntervalMs: 0,
      probe: () => ({ rssBytes: critical() ? maxMemoryMb * 1024 * 1024 * 0.99 : 0, heapUsedBytes: 0, heapLimitBytes: 4 * maxMemoryMb * 1024 * 1024 }),
    },
  });
}

/** Where a run's chunks went, and what the stream saw. */
export interface Collected {
  readonly text: () => string;
  readonly writable: Writable;
  /** Writes made while the stream had asked to drain. */
  readonly writesWhileFull: () => number;
  readonly bytes: () => number;
  readonly writes: () => number;
}

/**
 * A stream that keeps what it is given. `slow`: it takes each chunk on a
 * later turn of the event loop and asks to drain past 256 bytes, so a
 * strategy that does not await a full output writes into it anyway.
 * `failWith`: every write fails with it.
 */
export function collector(options: { slow?: boolean; failWith?: Error } = {}): Collected {
  const chunks: Buffer[] = [];
  let bytes = 0;
  let writes = 0;
  let whileFull = 0;
  const writable = new Writable({
    highWaterMark: options.slow === true ? 256 : 16 * 1024,
    write(chunk: Buffer, _encoding, callback) {
      if (options.failWith !== undefined) {
        callback(options.failWith);
        return;
      }
      chunks.push(chunk);
      bytes += chunk.length;
      if (options.slow === true) setImmediate(callback);
      else callback();
    },
  });
  // A strategy that does not await full writes leaves a listener per write: the backpressure check says so, not a warning.
  writable.setMaxListeners(0);
  const write = writable.write.bind(writable) as (...args: unknown[]) => boolean;
  writable.write = ((...args: unknown[]) => {
    writes++;
    if (writable.writableNeedDrain) whileFull++;
    return write(...args);
  }) as Writable['write'];
  return {
    text: () => Buffer.concat(chunks).toString('utf8'),
    writable,
    writesWhileFull: () => whileFull,
    bytes: () => bytes,
    writes: () => writes,
  };
}

/** A source over `channels` in batches of `size` that calls `onBatch(n)` before handing out its n-th batch (0-based; `undefined` at the end counts too). */
export function watchedSource(channels: readonly NumberedChannel[], size: number, onBatch: (n: number, last: boolean) => void): ChannelSource {
  const inner = toChannelSource(channels, size);
  let n = 0;
  let handedOut = 0;
  return {
    knownCount: channels.length,
    name: 'the check input',
    async nextBatch(): Promise<ChannelBatch | undefined> {
      const batch = await inner.nextBatch();
      if (batch !== undefined) handedOut += batch.end - batch.start;
      onBatch(n++, batch !== undefined && handedOut === channels.length);
      return batch;
    },
  };
}

/** The first line where `actual` differs from `expected`, said briefly. */
export function firstDifference(expected: string, actual: string): string {
  const want = expected.split('\n');
  const got = actual.split('\n');
  for (let i = 0; i < Math.max(want.length, got.length); i++) {
    const a = want[i];
    const b = got[i];
    if (a === b) continue;
    // Long lines are shown from a little before the first character that differs.
    let at = 0;
    while (a !== undefined && b !== undefined && at < a.length && a[at] === b[at]) at++;
    const from = at > 60 ? at - 40 : 0;
    const clip = (line: string | undefined): string => {
      if (line === undefined) return '(none)';
      const part = line.slice(from, from + 120);
      return `${from > 0 ? '...' : ''}${quoted(part)}${from + 120 < line.length ? '...' : ''}`;
    };
    return `line ${i + 1}${from > 0 ? `, from column ${from + 1}` : ''}: expected ${clip(a)}, got ${clip(b)}`;
  }
  return 'same lines';
}

/** `text` as a JSON string, with what JSON leaves raw but a terminal breaks lines at (NEL, U+2028, U+2029) escaped too. */
export function quoted(text: string): string {
  return JSON.stringify(text).replace(/[\u0085\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** `text` as it reads back from its UTF-8 bytes: what a stream output holds (a lone surrogate becomes U+FFFD). */
export function throughUtf8(text: string): string {
  return text.isWellFormed() ? text : Buffer.from(text, 'utf8').toString('utf8');
}

/** A run that did not settle in time. */
export class HungRun extends Error {}

/** Thrown out of a check's body after a hung run, which it reported: its later runs would hang as well. */
export const STOP_CHECK = Symbol('stop check');

/** Rejects with a {@link HungRun} if `promise` does not settle within `ms`. */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new HungRun(`the run did not settle within ${ms} ms (does the strategy await something that never happens?)`)), ms);
    timer.unref();
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** An error as one line: its code, if any, and message. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return `${typeof code === 'string' ? `${code}: ` : ''}${error.message}`;
}
