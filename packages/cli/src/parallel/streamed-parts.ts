import { MAX_LINE_BYTES } from '@m3ugen/reader';
import { isBlankLine, NEWLINE, type InputPart, type PartSource } from './input-parts.js';

/** The bytes of an input as they are read, and how far through its file the reading is (`readInputBytes` of `@m3ugen/reader`). */
export interface InputBytes {
  readonly chunks: AsyncGenerator<Buffer, void, undefined>;
  readonly stats: { readonly bytesRead: number };
}

/**
 * Cuts an input whose lines cannot be found in its file (a gzip-compressed
 * one) into parts of `recordsPerPart` records as it is read, counting lines
 * and records as {@link InputParts} does; each part carries its text. A
 * line too long to read ends the parts with one that stands for it, as in
 * `InputParts`. The input failing to be read on (a cut gzip file) ends them
 * with one whose `failed` is the reader's error, after a part of the whole
 * lines before it, which a run without workers reads before it fails.
 *
 * @example
 * ```ts
 * const parts = new StreamedParts(readInputBytes('channels.ndjson.gz'), 12_288);
 * for (let part = await parts.next(); part !== undefined; part = await parts.next()) send(part);
 * await parts.close();
 * ```
 */
export class StreamedParts implements PartSource {
  readonly #input: InputBytes;
  readonly #recordsPerPart: number;
  /** The bytes read and not yet in a part: whole lines from the last cut on, then the start of a line. */
  #pending = Buffer.allocUnsafe(1 << 22);
  #used = 0;
  /** How far `#pending` was looked through for newlines, and where its line being read starts. */
  #scanned = 0;
  #lineStart = 0;
  /** Lines and records before `#lineStart`, and how far the file had been read at the last cut. */
  #lines = 0;
  #records = 0;
  #readTo = 0;
  #seq = 0;
  /** Set once the input ended, with why if it could not be read on. */
  #ended: { failed?: unknown } | undefined;
  #tooLongAt: { line: number; index: number } | undefined;
  #done = false;

  constructor(input: InputBytes, recordsPerPart: number) {
    this.#input = input;
    this.#recordsPerPart = recordsPerPart;
  }

  async next(): Promise<InputPart | undefined> {
    if (this.#done) return undefined;
    const firstLine = this.#lines + 1;
    const firstIndex = this.#records;
    while (this.#tooLongAt === undefined && this.#records - firstIndex < this.#recordsPerPart) {
      if (this.#scanLines(firstIndex)) continue;
      if (this.#ended !== undefined) break;
      await this.#read();
    }
    // The end: a last line without a newline is a line, as the reader reads it; a cut file's is not whole.
    if (this.#ended !== undefined && !('failed' in this.#ended) && this.#tooLongAt === undefined && this.#records - firstIndex < this.#recordsPerPart && this.#lineStart < this.#used) {
      this.#endLine(this.#used);
    }
    const records = this.#records - firstIndex;
    if (records > 0) return this.#cut({ firstLine, firstIndex, records });
    this.#done = true;
    const at = { seq: this.#seq++, start: this.#readTo, end: this.#readTo, records: 0 };
    if (this.#tooLongAt !== undefined) return { ...at, firstLine: this.#tooLongAt.line, firstIndex: this.#tooLongAt.index, tooLong: true };
    if (this.#ended !== undefined && 'failed' in this.#ended) return { ...at, firstLine, firstIndex, failed: this.#ended.failed };
    return undefined;
  }

  async close(): Promise<void> {
    this.#done = true;
    await this.#input.chunks.return(undefined);
  }

  /** Counts the whole lines read and not yet counted, up to a part's worth of records; whether it got that far. */
  #scanLines(firstIndex: number): boolean {
    const pending = this.#pending;
    for (let newline = pending.indexOf(NEWLINE, this.#scanned); newline !== -1 && newline < this.#used; newline = pending.indexOf(NEWLINE, this.#scanned)) {
      this.#scanned = newline + 1;
      if (!this.#endLine(newline)) return false;
      if (this.#records - firstIndex === this.#recordsPerPart) return true;
    }
    this.#scanned = this.#used;
    // Longer than the reader reads before its newline comes: it will be too long whatever follows.
    if (this.#used - this.#lineStart > MAX_LINE_BYTES) this.#tooLongAt = { line: this.#lines + 1, index: this.#records };
    return false;
  }

  /** Counts the line from `#lineStart` to `end` (its newline, or the input's end); false, and nothing counted, if it is too long. */
  #endLine(end: number): boolean {
    const start = this.#lineStart;
    if (end - start > MAX_LINE_BYTES) {
      this.#tooLongAt = { line: this.#lines + 1, index: this.#records };
      return false;
    }
    this.#lines++;
    if (end > start && !isBlankLine(this.#pending, start, end)) this.#records++;
    this.#lineStart = Math.min(end + 1, this.#used);
    return true;
  }

  /** Reads the next chunk into `#pending`, or marks the end. */
  async #read(): Promise<void> {
    let step: IteratorResult<Buffer, void>;
    try {
      step = await this.#input.chunks.next();
    } catch (failed) {
      this.#ended = { failed };
      return;
    }
    if (step.done === true) {
      this.#ended = {};
      return;
    }
    const chunk = step.value;
    if (this.#used + chunk.length > this.#pending.length) {
      const grown = Buffer.allocUnsafe(Math.max(2 * this.#pending.length, this.#used + chunk.length));
      this.#pending.copy(grown, 0, 0, this.#used);
      this.#pending = grown;
    }
    this.#used += chunk.copy(this.#pending, this.#used);
  }

  /** The part of the whole lines before `#lineStart`, its text copied out, the rest moved to the front. */
  #cut(counts: Pick<InputPart, 'firstLine' | 'firstIndex' | 'records'>): InputPart {
    const length = this.#lineStart;
    // A copy of its own: a view would send the whole buffer to the worker.
    const text = new Uint8Array(this.#pending.subarray(0, length));
    this.#pending.copy(this.#pending, 0, length, this.#used);
    this.#used -= length;
    this.#scanned -= length;
    this.#lineStart = 0;
    const start = this.#readTo;
    this.#readTo = this.#input.stats.bytesRead;
    return { seq: this.#seq++, start, end: this.#readTo, ...counts, text };
  }
}
