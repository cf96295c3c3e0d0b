import { readSync } from 'node:fs';

/**
 * Fills `buffer` from `position` of the open file `fd`, as far as the file
 * goes (`readSync` may read less than asked); returns how many bytes it read.
 *
 * @example
 * ```ts
 * const head = Buffer.allocUnsafe(4096);
 * const read = readFileAt(fd, head, 0); // < 4096 only for a shorter file
 * ```
 */
export function readFileAt(fd: number, buffer: Buffer, position: number): number {
  let done = 0;
  while (done < buffer.length) {
    const read = readSync(fd, buffer, done, buffer.length - done, position + done);
    if (read === 0) break;
    done += read;
  }
  return done;
}
