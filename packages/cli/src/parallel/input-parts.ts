import { isAscii } from 'node:buffer';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { Readable } from 'node:stream';
import type { InputError } from '@m3ugen/core';
import { MAX_LINE_BYTES, openChannelReader, readFileAt, type ChannelReader } from '@m3ugen/reader';

/** One part of an NDJSON file for a worker: whole lines, and whole batches of records. */
export interface InputPart {
  /** Position among the parts, from 0: the order their text is written in. */
  readonly seq: number;
  /** Byte offset of its first line (for a part that carries its {@link text}, how far the file had been read when the part before it was cut). */
  readonly start: number;
  /** Byte offset just past its last line's newline, or the end of the file (for a part that carries its {@link text}: how far the file had been read when it was cut, as stored). */
  readonly end: number;
  /**
   * The part's text, for an input whose bytes are not where its lines are
   * (gzip): the main thread read it, and the worker renders it. Without
   * it, the worker reads `start` to `end` of the file.
   */
  readonly text?: Uint8Array | undefined;
  /** One-based line number of its first line. */
  readonly firstLine: number;
  /** Zero-based index of its first record. */
  readonly firstIndex: number;
  /** Records in it (lines that are not blank). */
  readonly records: number;
  /**
   * Set on a part that stands for a line longer than the reader reads
   * (`MAX_LINE_BYTES`), the one at `firstLine` and `firstIndex`: it has no
   * records and is not sent to a worker; reaching it in order fails the run
   * as a run without workers fails there.
   */
  readonly tooLong?: true;
  /**
   * Set on a part that stands for the input failing to be read on at
   * `firstLine` (a cut gzip file): the reader's error. Like `tooLong`, it
   * has no records, is not sent, and fails the run when reached in order.
   */
  readonly failed?: unknown;
  /**
   * How many records before the part were skipped as invalid: its
   * channels' indexes are that many less than its records'.
   */
  readonly channelShift?: number | undefined;
  /**
   * Set when that count is not known yet and a channel's index may change
   * its entry: the worker reads the part, says how many of its records it
   * skipped (`PartRead`), and renders it once the main thread sends the
   * count of those before it (`PartShift`).
   */
  readonly shiftToCome?: true | undefined;
}

/** Where a parallel run's parts come from: {@link InputParts} for an NDJSON file, `StreamedParts` for a gzip-compressed one. */
export interface PartSource {
  /** The next part, or `undefined` once the input is used up. */
  next(): InputPart | undefined | Promise<InputPart | undefined>;
  /** Stops reading the input (it may not be used up). */
  close(): void | Promise<void>;
}

export const NEWLINE = 0x0a;
/** What nearly every line starts with: a record's opening brace. */
const OPEN_BRACE = 0x7b;

/**
 * Whether a line's bytes (`bytes` from `start` to `end`) make no record, by
 * the reader's rule: a line is blank when it trims to nothing (a trailing
 * CR, spaces, a byte-order mark). A line starting with a brace is told
 * without decoding it.
 */
export function isBlankLine(bytes: Uint8Array, start = 0, end = bytes.length): boolean {
  if (end > start && bytes[start] === OPEN_BRACE) return false;
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('utf8').trim() === '';
}
const READ_BYTES = 1 << 20;

/**
 * Cuts an NDJSON file into parts of `recordsPerPart` records, counting lines
 * and records the way the reader does (a line is blank when it trims to
 * nothing), so each part knows the line and record it starts at. Reads the
 * file once, synchronously, 1 MiB at a time; a line that does not start
 * with `{` is decoded to tell whether it is blank (rare: a byte-order mark,
 * blank lines, invalid records).
 *
 * @example
 * ```ts
 * const parts = new InputParts('channels.ndjson', 12_288);
 * for (let part = parts.next(); part !== undefined; part = parts.next()) send(part);
 * parts.close();
 * ```
 */
export class InputParts implements PartSource {
  readonly #fd: number;
  readonly #size: number;
  readonly #recordsPerPart: number;
  readonly #buffer = Buffer.allocUnsafe(READ_BYTES);
  /** File offset of `#buffer[0]`, and how many bytes of it are valid. */
  #bufferAt = 0;
  #bufferLength = 0;
  /** Where the next line starts, and how many lines and records came before it. */
  #lineStart = 0;
  #lines = 0;
  #records = 0;
  #seq = 0;
  /** Set once a line too long to read was found: the next part stands for it, and none follow. */
  #tooLongAt: { line: number; index: number } | undefined;
  #done = false;

  constructor(path: string, recordsPerPart: number) {
    this.#fd = openSync(path, 'r');
    this.#size = fstatSync(this.#fd).size;
    this.#recordsPerPart = recordsPerPart;
  }

  /** The input's size in bytes. */
  get size(): number {
    return this.#size;
  }

  /** The next part, or `undefined` once the file is used up. */
  next(): InputPart | undefined {
    if (this.#done) return undefined;
    const start = this.#lineStart;
    const firstLine = this.#lines + 1;
    const firstIndex = this.#records;
    while (this.#tooLongAt === undefined && this.#lineStart < this.#size && this.#records - firstIndex < this.#recordsPerPart) this.#readLine();
    const records = this.#records - firstIndex;
    if (records === 0 && this.#tooLongAt !== undefined) {
      this.#done = true;
      return { seq: this.#seq++, start, end: start, firstLine: this.#tooLongAt.line, firstIndex: this.#tooLongAt.index, records: 0, tooLong: true };
    }
    if (records === 0) return undefined;
    return { seq: this.#seq++, start, end: this.#lineStart, firstLine, firstIndex, records };
  }

  close(): void {
    closeSync(this.#fd);
  }

  /** Advances past one line, counting it (and it as a record unless blank). */
  #readLine(): void {
    const start = this.#lineStart;
    let newline = -1;
    for (let from = start; newline === -1 && from < this.#size && from - start <= MAX_LINE_BYTES; ) {
      if (from >= this.#bufferAt + this.#bufferLength) this.#fill(from);
      const found = this.#buffer.indexOf(NEWLINE, from - this.#bufferAt);
      if (found !== -1 && found < this.#bufferLength) newline = this.#bufferAt + found;
      else from = this.#bufferAt + this.#bufferLength;
    }
    const end = newline === -1 ? this.#size : newline;
    // Left out of the part, which ends before it: the reader would refuse it, and its text may be more than a string holds.
    if (end - start > MAX_LINE_BYTES) {
      this.#tooLongAt = { line: this.#lines + 1, index: this.#records };
      return;
    }
    this.#lineStart = newline === -1 ? this.#size : newline + 1;
    this.#lines++;
    if (!this.#isBlank(start, end)) this.#records++;
  }

  #isBlank(start: number, end: number): boolean {
    if (start === end) return true;
    if (start >= this.#bufferAt && start < this.#bufferAt + this.#bufferLength && this.#buffer[start - this.#bufferAt] === OPEN_BRACE) return false;
    return isBlankLine(readExactly(this.#fd, Buffer.allocUnsafe(end - start), start));
  }

  #fill(at: number): void {
    this.#bufferAt = at;
    this.#bufferLength = readSync(this.#fd, this.#buffer, 0, Math.min(READ_BYTES, this.#size - at), at);
    if (this.#bufferLength === 0) throw new Error(`the input became shorter while it was read (${this.#size} bytes expected)`);
  }
}

/**
 * The text of `part`, read from the open file `fd` unless the part carries
 * it (`fd` is then not used, and may be `undefined`): a string when it is all
 * ASCII (the usual case; decoded as Latin-1, which gives the same string
 * faster), else its bytes, which the reader decodes and checks are UTF-8,
 * naming the line of any that are not. A part ends at a newline, so it never
 * splits a character.
 */
export function readPartText(fd: number | undefined, part: InputPart): string | Buffer {
  const bytes = part.text === undefined ? readExactly(fd!, Buffer.allocUnsafe(part.end - part.start), part.start) : Buffer.from(part.text.buffer, part.text.byteOffset, part.text.byteLength);
  return isAscii(bytes) ? bytes.toString('latin1') : bytes;
}

/** How {@link openPartReader} reads: the file, its name in messages, and whether invalid records are skipped (each given to `onSkip`). */
export interface PartInput {
  readonly path: string;
  readonly file: string;
  readonly skipInvalid?: boolean | undefined;
  readonly onSkip?: ((error: InputError) => void) | undefined;
}

/**
 * A reader over `text`, the text of `part` of the NDJSON file `path`, that
 * counts lines and records from where the part starts (its channels from
 * `part.channelShift` fewer) and names the file `file` in its errors, as a
 * reader over the whole file would.
 *
 * @example
 * ```ts
 * const reader = await openPartReader(readPartText(fd, part), part, { path: 'channels.ndjson', file: 'channels.ndjson' });
 * ```
 */
export function openPartReader(text: string | Buffer, part: InputPart, input: PartInput): Promise<ChannelReader> {
  return openChannelReader(input.path, {
    stream: Readable.from([text]),
    format: 'ndjson',
    displayName: input.file,
    skipInvalid: input.skipInvalid === true,
    onSkip: input.onSkip,
    startsAt: { line: part.firstLine, index: part.firstIndex, channel: part.firstIndex - (part.channelShift ?? 0) },
  });
}

/** `buffer`, filled from `position` of the open file `fd`; the file must still hold those bytes. */
function readExactly(fd: number, buffer: Buffer, position: number): Buffer {
  if (readFileAt(fd, buffer, position) < buffer.length) throw new Error('the input became shorter while it was read');
  return buffer;
}
