/*
 * A strategy's run fails with whatever its code throws. Errors of the input
 * the caller gave (an iterable whose database went away) and of the output
 * (a full disk behind a Writable) pass through it too, and are the caller's
 * own: they are marked here as they leave the source or the sink, so that
 * the generator names the strategy only for what the strategy threw.
 */
const foreign = new WeakSet<object>();

/** Marks `error` as the input's or the output's; returns it. */
export function markForeign<T>(error: T): T {
  if (typeof error === 'object' && error !== null) foreign.add(error);
  return error;
}

/** Whether `error` came from the input or the output rather than from a strategy. */
export function isForeign(error: unknown): boolean {
  return typeof error === 'object' && error !== null && foreign.has(error);
}
