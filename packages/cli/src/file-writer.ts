import type { FileHandle } from 'node:fs/promises';
import { Writable } from 'node:stream';

/** Bytes encoded per write: one buffer, reused for every chunk. */
const BUFFER_BYTES = 256 * 1024;

/**
 * A file stream that takes text and encodes each chunk into one reused
 * buffer before writing it, where `fs.createWriteStream` allocates a new
 * buffer per chunk: at a million channels those short-lived buffers held
 * about 20 MB of the process's peak memory before a GC freed them. Writable
 * calls `_write` one chunk at a time, so a single buffer is enough. `_final`
 * flushes the data to disk (fsync) so a rename never publishes a hole.
 */
export class FileWriter extends Writable {
  readonly #handle: FileHandle;
  readonly #buffer = Buffer.allocUnsafe(BUFFER_BYTES);

  constructor(handle: FileHandle) {
    super({ decodeStrings: false, highWaterMark: BUFFER_BYTES });
    this.#handle = handle;
  }

  override _write(chunk: string | Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    let bytes: Buffer;
    if (typeof chunk !== 'string') bytes = chunk;
    else if (chunk.length * 3 <= BUFFER_BYTES) bytes = this.#buffer.subarray(0, this.#buffer.write(chunk, 0, 'utf8'));
    else bytes = Buffer.from(chunk, 'utf8');
    this.#writeAll(bytes).then(() => callback(), callback);
  }

  async #writeAll(bytes: Buffer): Promise<void> {
    for (let offset = 0; offset < bytes.length; ) {
      const { bytesWritten } = await this.#handle.write(bytes, offset, bytes.length - offset);
      offset += bytesWritten;
    }
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.#handle.sync().then(() => callback(), callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#handle.close().then(
      () => callback(error),
      () => callback(error),
    );
  }
}
