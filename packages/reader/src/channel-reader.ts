import { readSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import type { Readable } from 'node:stream';
import { constants } from 'node:buffer';
import { StringDecoder } from 'node:string_decoder';
import {
  checkOptionNames,
  closestName,
  describeValue,
  didYouMean,
  InputError,
  OptionError,
  parseNumberedChannelOrError,
  RECORD_INDEX,
  RECORD_LINE,
  systemErrorReason,
  withoutStackTrace,
  type ChannelBatch,
  type ChannelSource,
  type NumberedChannel,
  type RecordLocation,
} from '@m3ugen/core';
import { decompressed, type Compression } from './compressed.js';
import { estimateGzipContent, estimateRecords } from './estimate.js';
import { locateJsonError } from './json-error.js';
import { missingFileHint } from './missing-file.js';
import { ArraySyntaxError, ElementTooLongError, JsonArraySplitter, type ArraySyntaxProblem } from './json-array-splitter.js';
import { describeUtf8Fault, incompleteTail, replacedField, utf8Faults, type Utf8Fault } from './utf8.js';

/** `json`: one array; `ndjson`: one record per line; `auto`: by extension, else by the first character. */
export type InputFormat = 'json' | 'ndjson' | 'auto';

/** Options of {@link openChannelReader}. */
export interface ReadChannelsOptions {
  readonly format?: InputFormat | undefined;
  /** Skip invalid records (each reported to `onSkip`) instead of failing. */
  readonly skipInvalid?: boolean | undefined;
  /** Told each skipped record's error, which carries no stack trace (it names a record, not a place in code). */
  readonly onSkip?: ((error: InputError) => void) | undefined;
  /** The name used in messages; default the path (`-` for stdin). */
  readonly displayName?: string | undefined;
  /** Read from this stream instead of the path (stdin): a Node `Readable`, or any async iterable of bytes or text. */
  readonly stream?: Readable | AsyncIterable<Buffer | string> | undefined;
  /** Records per batch: default {@link NDJSON_BATCH_SIZE}. */
  readonly batchSize?: number | undefined;
  /**
   * NDJSON only: the text is a part of a larger file whose first line here
   * is line `line` (one-based) and first record is record `index`
   * (zero-based). Line numbers, record indexes and batch positions count
   * from there, and a byte-order mark is skipped only at line 1. `channel`
   * is the index of the first channel handed over (its batch position),
   * when records skipped before the part make it smaller than `index`.
   */
  readonly startsAt?: { readonly line: number; readonly index: number; readonly channel?: number | undefined } | undefined;
}

/** Counts of what a reader has read so far. */
export interface ReaderStats {
  /** Records handed to the run. */
  records: number;
  /** Invalid records skipped (`skipInvalid`). */
  skipped: number;
  /** Lines read (NDJSON). */
  lines: number;
  /**
   * Bytes of input read so far, as stored (compressed, for gzip input).
   * Against the file's size, how far through it a run is: the command's
   * progress bar. Reading runs ahead of the records handed over by at most
   * one read (64 KiB).
   */
  bytesRead: number;
}

function noneRead(): ReaderStats {
  return { records: 0, skipped: 0, lines: 0, bytesRead: 0 };
}

/** A channel source over a file or stream, with its counts. */
export interface ChannelReader extends ChannelSource {
  readonly format: 'json' | 'ndjson';
  /** `gzip` when the input was gzip-compressed (and is gunzipped as it is read). */
  readonly compression: Compression | undefined;
  readonly stats: ReaderStats;
  /**
   * About how many channel records a regular file holds, before it is read:
   * its first MiB's records (NDJSON lines, a JSON array's `assigned_number`
   * keys) scaled to its size; for gzip, its first 64 KiB inflated, scaled to
   * the size its trailer keeps. Automatic strategy selection sizes the run
   * by it (core's `ChannelSource.estimatedCount`), so a large file streams
   * from its first channel. `undefined` for stdin, a pipe or a stream, and
   * for a file that can no longer be read (removed since it was opened).
   * Read from the file on first use, synchronously, then kept.
   *
   * @example
   * ```ts
   * const reader = await openChannelReader('channels.ndjson');
   * reader.estimatedCount; // 1_000_000 for 337 MB of 337-byte records
   * ```
   */
  readonly estimatedCount: number | undefined;
  /**
   * {@link estimatedCount} with the bytes of text the file holds (its size,
   * or for gzip what it inflates to), for sizing work by the text: the
   * command weighs its worker threads' memory by it. `undefined` where
   * {@link estimatedCount} is.
   */
  estimateContent(): { readonly bytes: number; readonly records: number } | undefined;
  /**
   * Closes the file (or ends the stream) before its end; a run that fails
   * calls it. Reading to the end closes the file without it, and so does a
   * bad record that ends the reading (`nextBatch()` rejecting).
   */
  close(): Promise<void>;
}

function formatOf(path: string): InputFormat {
  // `channels.ndjson.gz` is NDJSON, gzip-compressed.
  const ext = extname(path.replace(/\.gz$/i, '')).toLowerCase();
  if (ext === '.json') return 'json';
  if (ext === '.ndjson' || ext === '.jsonl') return 'ndjson';
  return 'auto';
}

/**
 * Why a file could not be read, in words rather than the system call's
 * (`EISDIR: illegal operation on a directory, read`): for the input, and for
 * the config file (`@m3ugen/config`).
 *
 * @example
 * ```ts
 * readFailureReason(Object.assign(new Error('EISDIR: …'), { code: 'EISDIR' })); // 'is a directory'
 * ```
 */
export function readFailureReason(error: unknown): string {
  return systemErrorReason(error, 'no such file');
}

function ioError(file: string, error: unknown): InputError {
  return new InputError(`cannot read the input: ${readFailureReason(error)}`, { file }, { cause: error });
}

/**
 * Whether an input path is a URL (`scheme://…`), which the reader refuses as
 * one, with how to read it, rather than as a missing file. A config's input
 * so written is kept as it is, not resolved against the config's folder.
 *
 * @example
 * ```ts
 * isUrl('https://export.example/channels.ndjson'); // true
 * isUrl('channels.ndjson');                        // false
 * ```
 */
export function isUrl(path: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(path);
}

/** Why a path could not be opened; a URL, which is no file, is said as one, with how to read it instead. */
function openError(file: string, path: string, error: unknown): InputError {
  const missing = (error as { code?: unknown } | null)?.code === 'ENOENT';
  if (missing && !isUrl(path)) return new InputError(`cannot read the input: no such file${missingFileHint(path, file)}`, { file }, { cause: error });
  if (!missing) return ioError(file, error);
  const shellUrl = `'${path.replaceAll("'", `'\\''`)}'`;
  return new InputError(
    `cannot read the input: it is a URL, and the input is read from a file or a stream: download it (curl -fsS ${shellUrl} | m3ugen generate --input -), or from code pass a fetch() response's body as the stream option`,
    { file },
    { cause: error },
  );
}

/** An InputError for a line whose bytes were not all UTF-8, naming the field when the line parses. */
function utf8Error(record: string, fault: Utf8Fault, location: RecordLocation): InputError {
  let field: string | undefined;
  try {
    field = replacedField(JSON.parse(record));
  } catch {
    // Not JSON either: the line is named without a field.
  }
  return new InputError(describeUtf8Fault(fault), { ...location, field });
}

/**
 * For an NDJSON line that starts what is not NDJSON: a JSON array at line 1
 * (a `.json` file under an NDJSON name, or a pretty-printed one), or a
 * record written over several lines. JSON.parse would only say "unexpected end of input" at
 * line 1, or "got an array".
 */
function notNdjson(record: string, location: RecordLocation): InputError | undefined {
  const start = record.trimStart();
  // At the file's first line: an array later on is one bad line among records, said as such.
  if (start.startsWith('[') && location.line === 1) {
    return new InputError('this is a JSON array, not NDJSON (one record per line): name the file .json, or write one record per line', location);
  }
  // A lone "{": how a pretty-printed record starts. (A line cut short is a syntax error, said as such.)
  if (start.trimEnd() === '{') {
    return new InputError('a record that goes on past its line (pretty-printed?): NDJSON holds one whole record per line', location);
  }
  // JSON has no comments; an editor or a script may still have added one.
  if (start.startsWith('//') || start.startsWith('#')) return new InputError('a comment line: NDJSON has no comments (remove the line)', location);
  // A JSON array's body, one record per line with its commas, saved as NDJSON.
  const end = record.trimEnd();
  if (end.endsWith(',') && parsesAsJson(end.slice(0, -1))) {
    return new InputError(`invalid JSON at column ${end.length}: a comma after the record: NDJSON records stand one per line, with nothing after them`, location);
  }
  return undefined;
}

function parsesAsJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** An InputError for text JSON.parse rejected, naming the line (of a file) or the column (of an NDJSON line). */
function jsonSyntaxError(text: string, error: unknown, location: RecordLocation): InputError {
  const problem = locateJsonError(text);
  if (problem === undefined) return new InputError(`invalid JSON: ${error instanceof Error ? error.message : String(error)}`, location, { cause: error });
  if (location.line !== undefined) {
    return new InputError(`invalid JSON at column ${problem.column}: ${problem.reason}`, location, { cause: error });
  }
  return new InputError(`invalid JSON at column ${problem.column}: ${problem.reason}`, { ...location, line: problem.line }, { cause: error });
}

abstract class ReaderBase {
  abstract readonly format: 'json' | 'ndjson';
  /** Set by {@link openChannelReader} once the first bytes told. */
  compression: Compression | undefined;
  /** Set by {@link openChannelReader} for a regular file: its path and size, which {@link estimateContent} reads. */
  sized: { readonly path: string; readonly bytes: number } | undefined;
  /** What {@link estimateContent} found, `null` for nothing, once asked. */
  #estimate: { readonly bytes: number; readonly records: number } | null | undefined;
  /** @param stats shared with whatever reads the bytes, which counts them before this reader exists. */
  constructor(
    protected readonly file: string,
    protected readonly options: ReadChannelsOptions,
    readonly stats: ReaderStats,
  ) {}

  /** The input's name in messages. */
  get name(): string {
    return this.file;
  }

  get estimatedCount(): number | undefined {
    return this.estimateContent()?.records;
  }

  estimateContent(): { readonly bytes: number; readonly records: number } | undefined {
    if (this.#estimate === undefined) this.#estimate = this.#estimateOnce() ?? null;
    return this.#estimate ?? undefined;
  }

  #estimateOnce(): { readonly bytes: number; readonly records: number } | undefined {
    if (this.sized === undefined) return undefined;
    const { path, bytes } = this.sized;
    try {
      return this.compression === 'gzip' ? estimateGzipContent(path, bytes, this.format) : { bytes, records: estimateRecords(path, bytes, this.format) };
    } catch {
      return undefined; // removed since it was opened (a watched input): the run reads what it opened, unsized
    }
  }

  /** Validates one record (`parse` returns its error, not throws it: a file of bad records would pay a throw each); returns `undefined` if it was skipped. */
  protected accept(parse: () => NumberedChannel | InputError): NumberedChannel | undefined {
    const skipping = this.options.skipInvalid === true;
    // A skipped record's error is told, not thrown: a file of a million bad records builds a million of them.
    const parsed = skipping ? withoutStackTrace(parse) : parse();
    if (!(parsed instanceof InputError)) {
      this.stats.records++;
      return parsed;
    }
    if (!skipping) throw parsed;
    this.stats.skipped++;
    this.options.onSkip?.(parsed);
    return undefined;
  }
}

/**
 * A reader whose `read` turns the input's decoded chunks into batches as
 * they come: NDJSON and JSON arrays, neither of whose length is known
 * before its end.
 */
abstract class StreamedReader extends ReaderBase implements ChannelReader {
  readonly knownCount = undefined;
  readonly #batches: AsyncGenerator<NumberedChannel[], void, undefined>;
  /** Ends the chunks under `#batches` (closing the file), wherever reading stands. */
  readonly #release: () => Promise<void>;
  /** Hand over what a chunk completed at its end, rather than wait for a full batch (see {@link openChannelReader}). */
  protected readonly live: boolean;
  #emitted: number;

  /** @param firstIndex the index of the first record handed over (a part of a larger file starts later). */
  constructor(file: string, chunks: AsyncIterable<Decoded>, options: ReadChannelsOptions, release: () => Promise<void>, live: boolean, stats: ReaderStats, firstIndex = 0) {
    super(file, options, stats);
    this.#release = release;
    this.live = live;
    this.#emitted = firstIndex;
    // A generator's body runs at the first nextBatch(), after the subclass's own fields are set.
    this.#batches = this.read(chunks);
  }

  /** The input's records, in batches. */
  protected abstract read(chunks: AsyncIterable<Decoded>): AsyncGenerator<NumberedChannel[], void, undefined>;

  async close(): Promise<void> {
    await this.#batches.return(undefined);
    await this.#release();
  }

  async nextBatch(): Promise<ChannelBatch | undefined> {
    // A bad record that ends the reading throws out of read(), whose loop then ends the chunks under it, closing the file (see peek).
    const step = await this.#batches.next();
    if (step.done === true) return undefined;
    const channels = step.value;
    const firstIndex = this.#emitted;
    this.#emitted += channels.length;
    return { channels, start: 0, end: channels.length, firstIndex };
  }
}

/**
 * A JSON array read as a stream: {@link JsonArraySplitter} hands out the
 * elements each chunk completes, so memory holds a chunk and a batch,
 * however long the array. Records are named by their index in the array, as
 * a JSON file's errors name them.
 */
class JsonArrayReader extends StreamedReader {
  readonly format = 'json' as const;
  /** Records parsed and not yet handed over. */
  #batch: NumberedChannel[] = [];

  /** Element `index`'s record, validated. */
  #record(value: unknown, index: number): NumberedChannel | undefined {
    const nc = this.accept(() => parseNumberedChannelOrError(value, { file: this.file, index }));
    // Its place in the array, which a channel's index is not once records before it were skipped.
    if (nc !== undefined) (nc as NumberedChannel & { [RECORD_INDEX]?: number })[RECORD_INDEX] = index;
    return nc;
  }

  /** Parses the elements the text so far completes, handing over each full batch. */
  *#take(splitter: JsonArraySplitter, size: number): Generator<NumberedChannel[], void, undefined> {
    // Syntax errors are not skipped with `skipInvalid`: what follows one cannot be trusted to be records either.
    for (let values = next(splitter, this.file); values !== undefined; values = next(splitter, this.file)) {
      const first = splitter.elements - values.length;
      for (let i = 0; i < values.length; i++) {
        const nc = this.#record(values[i], first + i);
        if (nc !== undefined) this.#batch.push(nc);
        if (this.#batch.length >= size) yield this.#handOver();
      }
    }
  }

  #handOver(): NumberedChannel[] {
    const batch = this.#batch;
    this.#batch = [];
    return batch;
  }

  protected async *read(chunks: AsyncIterable<Decoded>): AsyncGenerator<NumberedChannel[], void, undefined> {
    const size = this.options.batchSize ?? NDJSON_BATCH_SIZE;
    const splitter = new JsonArraySplitter(MAX_LINE_BYTES);
    try {
      for await (const chunk of withoutByteOrderMark(chunks)) {
        if (typeof chunk !== 'string') throw new InputError(describeUtf8Fault(chunk), { file: this.file, line: splitter.line + chunk.newlinesBefore });
        splitter.push(chunk);
        yield* this.#take(splitter, size);
        // From a pipe a chunk is what the writer had written: its records go on now.
        if (this.live && this.#batch.length > 0) yield this.#handOver();
      }
      splitter.end();
      yield* this.#take(splitter, size);
    } catch (error) {
      // The records before it go first: see NdjsonReader.
      if (this.#batch.length > 0) yield this.#handOver();
      throw error;
    }
    if (this.#batch.length > 0) yield this.#handOver();
  }
}

/** The splitter's next elements, its syntax errors said as the input's. */
function next(splitter: JsonArraySplitter, file: string): unknown[] | undefined {
  try {
    return splitter.next();
  } catch (error) {
    // At the element it is in (or the next one's place): a check that stops there counts it as read.
    if (error instanceof ArraySyntaxError) throw syntaxError(error.problem, file, splitter.elements, error);
    if (error instanceof ElementTooLongError) throw recordTooLong({ file, line: error.line, index: error.index });
    throw error;
  }
}

function syntaxError(problem: ArraySyntaxProblem, file: string, index: number, cause: unknown): InputError {
  return new InputError(`invalid JSON at column ${problem.column}: ${problem.reason}`, { file, line: problem.line, index }, { cause });
}

/**
 * The error for a JSON array element longer than {@link MAX_LINE_BYTES}, as
 * NDJSON's lines are limited: an array whose element never ends (a string or
 * bracket left open) would otherwise be held whole.
 */
function recordTooLong(location: RecordLocation): InputError {
  return new InputError(
    `the record is longer than ${MAX_LINE_BYTES / 1024 / 1024} MiB, where a channel's record takes a few hundred bytes: is a string or bracket left open?`,
    location,
  );
}

class NdjsonReader extends StreamedReader {
  readonly format = 'ndjson' as const;
  readonly #lineOffset: number;
  readonly #indexOffset: number;
  /** Whether the first channel's index is not the first record's (records skipped before a part). */
  readonly #channelsBehind: boolean;

  constructor(file: string, chunks: AsyncIterable<Decoded>, options: ReadChannelsOptions, release: () => Promise<void>, live: boolean, stats: ReaderStats) {
    super(file, chunks, options, release, live, stats, options.startsAt?.channel ?? options.startsAt?.index ?? 0);
    this.#lineOffset = (options.startsAt?.line ?? 1) - 1;
    this.#indexOffset = options.startsAt?.index ?? 0;
    this.#channelsBehind = options.startsAt?.channel !== undefined && options.startsAt.channel !== this.#indexOffset;
  }

  /**
   * The next line's error for being too long: not skipped with `skipInvalid`,
   * since what follows it cannot be read as records either, and a parallel
   * run stops there too.
   */
  #lineTooLong(): InputError {
    return lineTooLong({ file: this.file, line: this.stats.lines + this.#lineOffset + 1, index: this.#indexOffset + this.stats.records + this.stats.skipped });
  }

  /** One line's record; `fault` when some of the line's bytes were not UTF-8. */
  #parseLine(text: string, fault: Utf8Fault | undefined): NumberedChannel | undefined {
    const line = ++this.stats.lines + this.#lineOffset;
    const record = text.endsWith('\r') ? text.slice(0, -1) : text;
    if (record.trim() === '' && fault === undefined) return undefined;
    const index = this.#indexOffset + this.stats.records + this.stats.skipped;
    const location = { file: this.file, line, index };
    const nc = this.accept(() => {
      if (fault !== undefined) return utf8Error(record, fault, location);
      let value: unknown;
      try {
        value = JSON.parse(record);
      } catch (error) {
        return notNdjson(record, location) ?? jsonSyntaxError(record, error, location);
      }
      if (Array.isArray(value) && location.line === 1) return notNdjson(record, location)!;
      const parsed = parseNumberedChannelOrError(value, location);
      if (!(parsed instanceof InputError)) (parsed as NumberedChannel & { [RECORD_LINE]?: number })[RECORD_LINE] = line;
      return parsed;
    });
    // Its place among the file's records, which its channel's index is not once records before it were skipped (else the two are the same, and it is not stored).
    if (nc !== undefined && (this.stats.skipped > 0 || this.#channelsBehind)) (nc as NumberedChannel & { [RECORD_INDEX]?: number })[RECORD_INDEX] = index;
    return nc;
  }

  protected async *read(chunks: AsyncIterable<Decoded>): AsyncGenerator<NumberedChannel[], void, undefined> {
    const size = this.options.batchSize ?? NDJSON_BATCH_SIZE;
    let pending = '';
    /** UTF-8 bytes of `pending`, counted as it grows: a line over MAX_LINE_BYTES is refused before it is held whole. */
    let pendingBytes = 0;
    let batch: NumberedChannel[] = [];
    /** Bytes that were not UTF-8 in the next chunk (or in the line it ends), by lines into it. */
    let faults: Utf8Fault[] = [];
    // A byte-order mark is skipped only at line 1: a worker's part that starts further on has none to skip.
    for await (const chunk of endingInNewline(this.#lineOffset === 0 ? withoutByteOrderMark(chunks) : chunks)) {
      if (typeof chunk !== 'string') {
        faults.push(chunk);
        continue;
      }
      let from = 0;
      let newlines = 0;
      for (let newline = chunk.indexOf('\n'); newline !== -1; newline = chunk.indexOf('\n', from)) {
        const text = pending === '' ? chunk.slice(from, newline) : pending + chunk.slice(from, newline);
        pending = '';
        pendingBytes = 0;
        from = newline + 1;
        let fault: Utf8Fault | undefined;
        // A line may have two: one carried over from the chunk before, one of its own.
        while (faults.length > 0 && faults[0]!.newlinesBefore === newlines) {
          const next = faults.shift();
          fault ??= next;
        }
        newlines++;
        let nc: NumberedChannel | undefined;
        try {
          if (tooLong(text)) throw this.#lineTooLong();
          nc = this.#parseLine(text, fault);
        } catch (error) {
          // The records before it go first: rendering them may find an error earlier in the input
          // (a duplicate id), which is then the one reported, as in input order.
          if (batch.length > 0) yield batch;
          throw error;
        }
        if (nc !== undefined) batch.push(nc);
        if (batch.length >= size) {
          yield batch;
          batch = [];
        }
      }
      const rest = chunk.slice(from);
      pending += rest;
      // Once per chunk, for the line it leaves unfinished: a few hundred bytes, or the whole chunk of a long line.
      pendingBytes += Buffer.byteLength(rest, 'utf8');
      if (pendingBytes > MAX_LINE_BYTES) {
        if (batch.length > 0) yield batch;
        throw this.#lineTooLong();
      }
      // A fault left is in the line the next chunk ends.
      faults = faults.map((fault) => ({ newlinesBefore: 0, byte: fault.byte }));
      // From a pipe a chunk is what the writer had written: its records go on now, not when 255 more arrive.
      if (this.live && batch.length > 0) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  }
}

/** The chunks of a stream, their bytes counted in `stats.bytesRead` as they are read (UTF-16 code units of a string chunk). */
async function* counted(chunks: AsyncIterable<Buffer | string>, stats: ReaderStats): AsyncGenerator<Buffer | string, void, undefined> {
  for await (const chunk of chunks) {
    stats.bytesRead += chunk.length;
    yield chunk;
  }
}

/**
 * `chunks` with the byte-order mark that may open their first text taken
 * off. The first text, not the first chunk: a stream's first read may end
 * inside the mark, which then decodes to nothing.
 */
async function* withoutByteOrderMark(chunks: AsyncIterable<Decoded>): AsyncGenerator<Decoded, void, undefined> {
  let first = true;
  for await (const chunk of chunks) {
    if (first && typeof chunk === 'string' && chunk !== '') {
      first = false;
      if (chunk.charCodeAt(0) === 0xfeff) {
        yield chunk.slice(1);
        continue;
      }
    }
    yield chunk;
  }
}

/** The chunks, then a newline if the last did not end with one, so the last line is split like the others. */
async function* endingInNewline(chunks: AsyncIterable<Decoded>): AsyncGenerator<Decoded, void, undefined> {
  let last = '\n';
  for await (const chunk of chunks) {
    if (typeof chunk === 'string' && chunk !== '') last = chunk;
    yield chunk;
  }
  if (!last.endsWith('\n')) yield '\n';
}

/**
 * Records per batch, of NDJSON and (since it is streamed too) of a JSON
 * array. Parsed records are young objects: with the
 * command's 4 MB semi-spaces, batches of 1,024 (~600 KB of objects) often
 * lived through two scavenges and were copied into the old generation,
 * which raised the peak RSS of a 1M-channel run from ~100 MB to 110-120 MB
 * in one run out of four; batches of 256 kept it at 98-100 MB, and ran faster.
 */
export const NDJSON_BATCH_SIZE = 256;

/**
 * The longest NDJSON line read, in UTF-8 bytes: 16 MiB, where a channel's
 * record takes a few hundred. A longer line is an error naming it: an input
 * that is not one record per line (a file without newlines) would otherwise
 * be held whole in memory, up to V8's 512 MiB string limit, which then fails
 * the run without naming the file or line.
 */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;

/**
 * The error for an NDJSON line longer than {@link MAX_LINE_BYTES} at `location`.
 *
 * @example
 * ```ts
 * lineTooLong({ file: 'channels.ndjson', line: 3, index: 2 }).message;
 * // 'channels.ndjson: line 3: the line is longer than 16 MiB, where a channel\'s record takes a few hundred bytes: is the file NDJSON, one record per line?'
 * ```
 */
export function lineTooLong(location: RecordLocation): InputError {
  return new InputError(`the line is longer than ${MAX_LINE_BYTES / 1024 / 1024} MiB, where a channel's record takes a few hundred bytes: is the file NDJSON, one record per line?`, location);
}

/** Whether a line's text is longer than {@link MAX_LINE_BYTES} in UTF-8 (measured only when it may be: at most 3 bytes per UTF-16 unit). */
function tooLong(text: string): boolean {
  return text.length * 3 > MAX_LINE_BYTES && (text.length > MAX_LINE_BYTES || Buffer.byteLength(text, 'utf8') > MAX_LINE_BYTES);
}

/** Bytes read at a time, into one reused buffer. */
const READ_BYTES = 64 * 1024;

/**
 * The file's bytes, read into one reused buffer: a read stream allocates a
 * buffer per chunk, and at a million channels those short-lived buffers held
 * tens of MB of the process's peak memory until a GC freed them. Each chunk
 * is decoded into a string before the next read, so reuse is safe. A
 * regular file is read synchronously: from the page cache that takes
 * microseconds, less than the thread-pool round trip of an asynchronous read,
 * which left the command idle between chunks. Anything else (a FIFO, a
 * device) is read asynchronously, so waiting for data never blocks signals.
 */
async function* readChunks(path: string, stats: ReaderStats): AsyncGenerator<Buffer, void, undefined> {
  const handle = await open(path, 'r');
  const buffer = Buffer.allocUnsafe(READ_BYTES);
  try {
    const regular = (await handle.stat()).isFile();
    for (;;) {
      const bytesRead = regular ? readSync(handle.fd, buffer, 0, READ_BYTES, null) : (await handle.read(buffer, 0, READ_BYTES, null)).bytesRead;
      if (bytesRead === 0) return;
      stats.bytesRead += bytesRead;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}

/**
 * The bytes of the input file at `path` (or of `options.stream`, as
 * {@link openChannelReader} takes it) as a reader reads them: gunzipped
 * when they are gzip-compressed, refused as a reader refuses them (another
 * compressed format, UTF-16), and failing as a reader fails (an
 * {@link InputError} naming the file: a cut gzip file, a failed read).
 * `stats.bytesRead` counts the bytes read so far, as stored. For code
 * that cuts an input into lines of its own (the command's worker threads cut
 * a gzip file or stdin into parts so); records are what {@link openChannelReader}
 * gives. A chunk may be overwritten once the next is asked for: copy what
 * you keep.
 *
 * @example
 * ```ts
 * const { chunks, stats } = readInputBytes('channels.ndjson.gz');
 * let newlines = 0;
 * for await (const chunk of chunks) for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) newlines++;
 * console.log(`${newlines} lines, ${stats.bytesRead} bytes read from the file`);
 * ```
 */
export function readInputBytes(
  path: string,
  options: Pick<ReadChannelsOptions, 'displayName' | 'stream'> = {},
): { readonly chunks: AsyncGenerator<Buffer, void, undefined>; readonly stats: Pick<ReaderStats, 'bytesRead'> } {
  const file = options.displayName ?? path;
  const stats = noneRead();
  async function* chunks(): AsyncGenerator<Buffer, void, undefined> {
    try {
      const source = options.stream === undefined ? readChunks(path, stats) : counted(options.stream, stats);
      // Text from a stream that gives text is encoded back: the caller cuts bytes.
      for await (const chunk of decompressed(source, file, () => undefined)) yield typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    } catch (error) {
      throw error instanceof InputError ? error : ioError(file, error);
    }
  }
  return { chunks: chunks(), stats };
}

/**
 * Decoded input: text, and before the text of a chunk whose bytes are not
 * all UTF-8, where the first bad ones are (see utf8.ts).
 */
type Decoded = string | Utf8Fault;

async function* decode(stream: AsyncIterable<Buffer | string>, file: string): AsyncGenerator<Decoded, void, undefined> {
  const decoder = new StringDecoder('utf8');
  /** The previous chunk's last bytes when they start a character this chunk ends. */
  let carry: Uint8Array = new Uint8Array(0);
  try {
    for await (const chunk of stream) {
      if (typeof chunk === 'string') {
        yield chunk;
        continue;
      }
      const text = decoder.write(chunk);
      if (text.includes('\ufffd')) for (const fault of utf8Faults(chunk, carry)) yield fault;
      // A chunk shorter than a character may continue one without ending it: look at it with the carry.
      // A longer one holds any character its end starts, so it is looked at alone (no 64 KiB copy).
      const joined = carry.length === 0 || chunk.length >= 4 ? chunk : Buffer.concat([carry, chunk]);
      const tail = incompleteTail(joined);
      // Copied: the reader reuses its buffer for the next chunk.
      carry = tail === 0 ? new Uint8Array(0) : Uint8Array.from(joined.subarray(joined.length - tail));
      yield text;
    }
  } catch (error) {
    throw error instanceof InputError ? error : ioError(file, error);
  }
  const rest = decoder.end();
  if (rest === '') return;
  // The input ended inside a character.
  for (const fault of utf8Faults(new Uint8Array(0), carry, true)) yield fault;
  yield rest;
}

/**
 * Returns the first non-empty chunk, an iterable that replays it before the
 * rest, and `close`, which ends the underlying chunks (closing the file)
 * wherever the iterable stands: ending the iterable alone would not reach
 * them while it is still replaying the head, or before it started.
 */
async function peek(chunks: AsyncGenerator<Decoded, void, undefined>): Promise<{ head: string; all: AsyncIterable<Decoded>; close: () => Promise<void> }> {
  let head = '';
  const peeked: Decoded[] = [];
  while (head.trim() === '') {
    const step = await chunks.next();
    if (step.done === true) break;
    peeked.push(step.value);
    if (typeof step.value === 'string') head += step.value;
  }
  async function* all(): AsyncGenerator<Decoded, void, undefined> {
    try {
      yield* peeked;
      yield* chunks;
    } finally {
      // Left while still in `peeked` (a bad first record), `chunks` was never resumed: end it, closing the file.
      await chunks.return(undefined);
    }
  }
  return { head, all: all(), close: async () => void (await chunks.return(undefined)) };
}

/** The names of {@link ReadChannelsOptions}: every one of them and nothing else (the compiler checks both), so an option added there is allowed here. */
const READER_OPTION_NAMES: readonly string[] = Object.keys({
  format: true,
  skipInvalid: true,
  onSkip: true,
  displayName: true,
  stream: true,
  batchSize: true,
  startsAt: true,
} satisfies { readonly [K in keyof Required<ReadChannelsOptions>]: true });

/**
 * Refuses options a JavaScript caller got wrong, naming the option: an
 * unknown or misspelt one (`skip_invalid`, the config's spelling, would
 * otherwise leave invalid records stopping the run), or one of the wrong
 * kind.
 */
function checkReaderOptions(options: unknown): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`openChannelReader: expected options ({ format, skipInvalid, stream, … }), got ${describeValue(options)}`);
  }
  checkOptionNames(options, READER_OPTION_NAMES);
  const { format, skipInvalid, onSkip, displayName, stream, batchSize } = options as Record<string, unknown>;
  if (format !== undefined && format !== 'json' && format !== 'ndjson' && format !== 'auto') throw new OptionError('format', `expected "json", "ndjson" or "auto", got ${describeValue(format)}${didYouMean(closestName(format, ['json', 'ndjson', 'auto']))}`);
  if (skipInvalid !== undefined && typeof skipInvalid !== 'boolean') throw new OptionError('skipInvalid', `expected true or false, got ${describeValue(skipInvalid)}`);
  if (onSkip !== undefined && typeof onSkip !== 'function') throw new OptionError('onSkip', `expected a function, got ${describeValue(onSkip)}`);
  if (displayName !== undefined && typeof displayName !== 'string') throw new OptionError('displayName', `expected a string, got ${describeValue(displayName)}`);
  if (batchSize !== undefined && !(Number.isSafeInteger(batchSize) && (batchSize as number) > 0)) throw new OptionError('batchSize', `expected a positive whole number, got ${describeValue(batchSize)}`);
  const readable = typeof stream === 'object' && stream !== null && (Symbol.asyncIterator in stream || Symbol.iterator in stream);
  if (stream !== undefined && !readable) {
    throw new OptionError('stream', `expected a readable stream of bytes or text (a Node Readable, a fetch() response's body), got ${describeValue(stream)}${typeof stream === 'string' ? ': to read text held in memory, pass Readable.from([text])' : ''}`);
  }
}

/**
 * Opens channel input: a JSON array (`.json`) or NDJSON (`.ndjson`,
 * `.jsonl`), both streamed in 64 KiB reads, so memory does not grow with the
 * file (a JSON array's length is known only at its end). Other names and
 * stdin (`-`) are told apart by their first character (`[` → JSON array).
 * Records may be snake_case or camelCase; each is validated, and an invalid
 * one stops the run with an {@link InputError} naming the file, the record
 * (JSON index or NDJSON line) and the field, unless `skipInvalid` is set.
 * Records from a file come in batches of {@link NDJSON_BATCH_SIZE}; from
 * stdin or a named pipe, each read's complete records are handed over at
 * once, so a slow writer's channels flow through a streaming run as they
 * arrive.
 * gzip-compressed input (told by its first bytes, whatever its name; a
 * `.gz` on the name is looked past for the format) is gunzipped as it is
 * read, with the same line numbers; other compressed formats are an
 * {@link InputError} that says which.
 *
 * @example
 * ```ts
 * const channels = await openChannelReader('channels.ndjson');
 * await generator.generate(channels, { output });
 * console.error(`${channels.stats.records} records read`);
 * ```
 */
export async function openChannelReader(path: string, options: ReadChannelsOptions = {}): Promise<ChannelReader> {
  // Called from JavaScript, the path may be anything: say what it should be, not `path.replace is not a function`.
  checkReaderOptions(options);
  const given: unknown = path;
  if (typeof given !== 'string' && !(given === undefined && options.stream !== undefined)) {
    const bytes = ArrayBuffer.isView(given) || given instanceof ArrayBuffer;
    const mend = bytes ? ': to read bytes held in memory, pass them as the stream option, under a name (openChannelReader("channels.ndjson", { stream: Readable.from([bytes]) }))' : '';
    throw new TypeError(`openChannelReader: path must be a file path (or "-" for stdin), got ${bytes ? 'bytes' : describeValue(given)}${mend}`);
  }
  const file = options.displayName ?? path;
  let format = options.format ?? 'auto';
  if (format === 'auto' && options.stream === undefined) format = formatOf(path);

  const stats = noneRead();
  let source: AsyncIterable<Buffer | string>;
  /** Records arrive as something else writes them (stdin, a named pipe), not as fast as a file is read. */
  let live = true;
  /** A regular file's path and size, which its reader estimates its records by. */
  let sized: ReaderBase['sized'];
  if (options.stream !== undefined) {
    source = counted(options.stream, stats);
  } else {
    try {
      const info = await stat(path);
      if (info.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
      live = !info.isFile();
      if (!live && options.startsAt === undefined) sized = { path, bytes: info.size };
    } catch (error) {
      throw openError(file, path, error);
    }
    source = readChunks(path, stats);
  }

  let compression: Compression | undefined;
  // A part of a larger file (a worker's) starts at a line, not at the file's first bytes: nothing to sniff.
  const bytes = options.startsAt === undefined ? decompressed(source, file, (found) => (compression = found)) : source;
  const { head, all, close } = await peek(decode(bytes, file));
  const array = head.trimStart().startsWith('[');
  if (array && (format === 'json' || format === 'auto')) return described(new JsonArrayReader(file, all, options, close, live, stats), compression, sized);
  if (format === 'json') {
    // Not an array: read whole (as far as a string holds), to say what it is instead.
    let text = '';
    for await (const chunk of all) {
      if (typeof chunk !== 'string') throw new InputError(describeUtf8Fault(chunk), { file, line: lineCount(text) + chunk.newlinesBefore });
      if (text.length + chunk.length > constants.MAX_STRING_LENGTH) {
        await close();
        throw new InputError('expected a JSON array of channel records, got text that does not start with "["', { file });
      }
      text += chunk;
    }
    throw notAJsonArray(file, text);
  }
  return described(new NdjsonReader(file, all, options, close, live, stats), compression, sized);
}

/** `reader`, told what the input's first bytes and its file said of it. */
function described<T extends ReaderBase>(reader: T, compression: Compression | undefined, sized: ReaderBase['sized']): T {
  reader.compression = compression;
  reader.sized = sized;
  return reader;
}

/** The line `text`'s end is on (one-based). */
function lineCount(text: string): number {
  let lines = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
  return lines;
}

/** Why `text`, which does not start with "[", is not a JSON array of records: empty, not JSON (NDJSON?), or another value. */
function notAJsonArray(file: string, text: string): InputError {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  // Said as what it is: JSON.parse would call it "unexpected end of input".
  if (body.trim() === '') return new InputError('the file is empty: expected a JSON array of channel records ("[]" for none)', { file });
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    const syntax = jsonSyntaxError(body, error, { file });
    return startsAsNdjson(body) ? new InputError(`${syntax.reason}: this is NDJSON (one record per line), not a JSON array: name the file .ndjson (or .jsonl), or put the records in an array`, syntax.location, { cause: error }) : syntax;
  }
  return new InputError(`expected a JSON array of channel records, ${notAnArray(value, file)}`, { file });
}

/** Whether `text`'s first two lines that are not blank each hold a JSON object: records one per line, as NDJSON writes them. */
function startsAsNdjson(text: string): boolean {
  const lines: string[] = [];
  for (let from = 0; lines.length < 2 && from < text.length; ) {
    const end = text.indexOf('\n', from);
    const line = text.slice(from, end === -1 ? text.length : end).trim();
    if (line !== '') lines.push(line);
    if (end === -1) break;
    from = end + 1;
  }
  return lines.length === 2 && lines.every((line) => line.startsWith('{') && parsesAsJson(line));
}

/**
 * What a JSON file holds instead of the array of records, with the likely
 * mend: the records under a key of an export's wrapper object (`{ "channels":
 * [...] }`), or one record on its own.
 */
function notAnArray(value: unknown, file: string): string {
  if (typeof value !== 'object' || value === null) {
    const json = JSON.stringify(value);
    return `got ${json.length > 40 ? `${json.slice(0, 40)}…` : json}`;
  }
  const lists = Object.entries(value).filter(([, v]) => Array.isArray(v));
  if (lists.length === 1) {
    const [key] = lists[0]!;
    return `got an object whose ${JSON.stringify(key)} holds an array: give that array itself as the input (jq ${shellQuoted(`.${/^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? key : `[${JSON.stringify(key)}]`}`)} ${shellWord(file)})`;
  }
  if ('assigned_number' in value || 'assignedNumber' in value || 'channel' in value) {
    return 'got one record (an object): put the records in an array, or write one per line in an .ndjson file';
  }
  return 'got an object (use .ndjson for one record per line)';
}

function shellWord(text: string): string {
  return /^[\w./-]+$/.test(text) ? text : shellQuoted(text);
}

function shellQuoted(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}
