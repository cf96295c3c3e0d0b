// What the bench scripts share to time things: the median, and the command's time to first byte.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { PROXY_ID } from './channels.mjs';

/** After a forced GC, V8 sweeps concurrently for a while: this long, so it is not billed to what is timed next. */
const SETTLE_MS = 500;

/** Forces a full GC (with --expose-gc) and waits for V8's concurrent sweeping to finish. */
export async function collectAndSettle() {
  globalThis.gc?.();
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
}

/** The middle value (the upper one of an even count). */
export const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];

/**
 * Milliseconds from spawning `bin` (`m3ugen generate` on the NDJSON file `input`,
 * with `extra` arguments)
 * to its first byte on stdout. The bin file itself is run, as users run it.
 */
export function firstByteMs(bin, input, extra = []) {
  return timeRun(bin, input, extra, 'first byte');
}

/** Milliseconds from spawning `bin` as {@link firstByteMs} does until it exited. */
export function wholeRunMs(bin, input, extra = []) {
  return timeRun(bin, input, extra, 'exit');
}

function timeRun(bin, input, extra, until) {
  return new Promise((done, fail) => {
    const started = performance.now();
    const child = spawn(resolve(bin), ['generate', '--input', input, '--proxy-id', PROXY_ID, '--quiet', ...extra], { stdio: ['ignore', 'pipe', 'inherit'] });
    let first;
    child.stdout.once('data', () => (first = performance.now() - started));
    child.stdout.resume();
    child.on('error', fail);
    child.on('exit', (code) => {
      if (code !== 0) fail(new Error(`${bin} exited with ${code}`));
      else if (until === 'exit') done(performance.now() - started);
    });
    child.on('close', () => until === 'first byte' && done(first));
  });
}
