import { writeSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { Writable } from 'node:stream';

/** Bytes gathered before a write: one buffer, reused for every chunk. */
const BUFFER_BYTES = 512 * 1024;

/**
 * A file stream that takes text, encodes it into one reused buffer and
 * writes the buffer whenever the next chunk might not fit, with a plain
 * synchronous write. `fs.createWriteStream` allocates a buffer per chunk (at
 * a million channels those short-lived buffers held about 20 MB of peak
 * memory) and writes through the thread pool: the run then waits on every
 * `drain`, which left the process idle for about a third of a 1M-channel run.
 * A write to the page cache takes microseconds, so blocking for it is
 * cheaper than waiting for a thread-pool round trip; the command has nothing
 * else to do meanwhile. `_final` writes the rest and, with `syncOnEnd` (the
 * default), flushes the file to disk (fsync), so a rename never publishes a
 * hole; a device or pipe, which cannot be flushed, is written without it.
 */
export class FileWriter extends Writable {
  readonly #handle: FileHandle;
  readonly #buffer = Buffer.allocUnsafe(BUFFER_BYTES);
  readonly #syncOnEnd: boolean;
  #used = 0;

  constructor(handle: FileHandle, options: { readonly syncOnEnd?: boolean } = {}) {
    super({ decodeStrings: false, highWaterMark: BUFFER_BYTES });
    this.#handle = handle;
    this.#syncOnEnd = options.syncOnEnd ?? true;
  }

  override _write(chunk: string | Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    try {
      if (typeof chunk !== 'string') {
        this.#flush();
        this.#writeAll(chunk);
      } else if (chunk.length * 3 <= BUFFER_BYTES - this.#used) {
        // At most three bytes per UTF-16 code unit: it fits.
        this.#used += this.#buffer.write(chunk, this.#used, 'utf8');
      } else {
        this.#flush();
        if (chunk.length * 3 <= BUFFER_BYTES) this.#used = this.#buffer.write(chunk, 0, 'utf8');
        else this.#writeAll(Buffer.from(chunk, 'utf8'));
      }
    } catch (error) {
      callback(error as Error);
      return;
    }
    callback();
  }

  #flush(): void {
    if (this.#used === 0) return;
    const used = this.#used;
    this.#used = 0;
    this.#writeAll(this.#buffer.subarray(0, used));
  }

  #writeAll(bytes: Buffer): void {
    for (let offset = 0; offset < bytes.length; ) offset += writeSync(this.#handle.fd, bytes, offset, bytes.length - offset);
  }

  override _final(callback: (error?: Error | null) => void): void {
    try {
      this.#flush();
    } catch (error) {
      callback(error as Error);
      return;
    }
    if (this.#syncOnEnd) this.#handle.sync().then(() => callback(), callback);
    else callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#handle.close().then(
      () => callback(error),
      () => callback(error),
    );
  }
}
