/*
 * Keeps V8's young generation small during a run in this thread, without a
 * command-line flag. `--max-semi-space-size=4` did this before, from the bin's
 * shebang, but any V8 flag set at start-up makes Node 20 compile its own
 * modules from source instead of from their code cache: ~40 ms of every
 * command's start-up (docs/performance.md). The young generation starts at
 * 1 MB and doubles when many objects survive a scavenge; V8 reads the growth
 * factor each time it grows, so setting it to 1 once the space has reached the
 * cap stops it there. Node reports a scavenge a turn or two of the event loop
 * after it, so the space stops at the cap only while each turn allocates less
 * than the space holds, as a run does (a batch of records at a time); a long
 * synchronous stretch could let it double once more.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

/** The new space's size (both semi-spaces) that `--max-semi-space-size=4` allowed. */
export const YOUNG_GENERATION_CAP_BYTES = 8 << 20;

/** V8's own growth factor (Node 20's V8 11.3), restored when the run ends. */
const DEFAULT_GROWTH_FACTOR = 2;

/** Runs holding the young generation now; the growth factor is restored when the last lets go. */
let holders = 0;

/** Flags with which whoever started Node chose the young generation's size themselves. */
const SIZED_BY_USER = /--(?:max|min)[-_]semi[-_]space[-_]size|--semi[-_]space[-_]growth[-_]factor/;

function newSpaceBytes(): number {
  return getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0;
}

/**
 * Stops V8's young generation from growing past `capBytes` while a run lasts;
 * call the returned function when it ends, which lets it grow again once no
 * other run of this process holds it. Does nothing when Node was started
 * with a flag that sizes the young generation.
 *
 * V8 flags are per process: while the young generation is held, worker threads
 * cannot grow theirs either, so a run that renders in worker threads does not
 * call this.
 *
 * @example
 * ```ts
 * const release = holdYoungGeneration();
 * try {
 *   await generator.generate(reader, { strategy: 'streaming', output });
 * } finally {
 *   release();
 * }
 * ```
 */
export function holdYoungGeneration(capBytes: number = YOUNG_GENERATION_CAP_BYTES, startFlags: string = `${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`): () => void {
  if (SIZED_BY_USER.test(startFlags)) return () => {};
  let held = false;
  let released = false;
  let observer: PerformanceObserver | undefined;
  const hold = (): void => {
    if (held || released || newSpaceBytes() < capBytes) return;
    if (holders++ === 0) setFlagsFromString('--semi-space-growth-factor=1');
    held = true;
    observer?.disconnect();
  };
  hold();
  if (!held) {
    // A scavenge is where the space grows: look after each one (entries arrive
    // soon after, between the run's own callbacks) until it is held.
    observer = new PerformanceObserver(hold);
    observer.observe({ entryTypes: ['gc'] });
  }
  return () => {
    if (released) return;
    released = true;
    observer?.disconnect();
    if (held && --holders === 0) setFlagsFromString(`--semi-space-growth-factor=${DEFAULT_GROWTH_FACTOR}`);
  };
}
