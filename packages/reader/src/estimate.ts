// How much a channel file holds, told from its start: what automatic
// strategy selection and the command's worker plan size a run by before it
// is read.
import { closeSync, openSync } from 'node:fs';
import type { ChannelReader } from './channel-reader.js';
import { readFileAt } from './read-file-at.js';

const NEWLINE = 0x0a;
/** How much of a plain file's start is counted: 1 MiB. */
const READ_BYTES = 1 << 20;

/** The text formats whose records {@link estimateRecords} counts: NDJSON, or a JSON array. */
export type EstimatedFormat = 'ndjson' | 'json';

/**
 * About how many records a file of `bytes` bytes holds, from its first MiB:
 * NDJSON by its lines (blank lines counted as records, so rather more than
 * fewer), a JSON array by the `assigned_number` (or `assignedNumber`) keys,
 * which every record has once, however the array is laid out. What a
 * reader's {@link ChannelReader.estimatedCount} gives for a plain file.
 *
 * @example
 * ```ts
 * estimateRecords('channels.ndjson', statSync('channels.ndjson').size); // 1_000_000 for 337 MB of 337-byte records
 * ```
 */
export function estimateRecords(path: string, bytes: number, format: EstimatedFormat = 'ndjson'): number {
  const sample = Buffer.allocUnsafe(Math.min(READ_BYTES, bytes));
  const fd = openSync(path, 'r');
  let read: number;
  try {
    read = readFileAt(fd, sample, 0);
  } finally {
    closeSync(fd);
  }
  return scaledCount(sample.subarray(0, read), bytes, format);
}

function scaledCount(sample: Uint8Array, bytes: number, format: EstimatedFormat): number {
  return format === 'json' ? elementsScaled(sample, bytes) : recordsScaled(sample, bytes);
}

/** The key every record has once: a JSON array's elements are counted by it. */
const NUMBER_KEYS = [Buffer.from('"assigned_number"'), Buffer.from('"assignedNumber"')];

/** The records of a JSON array's `sample`, its first bytes of `bytes`, by their number keys, scaled to the whole text. */
function elementsScaled(sample: Uint8Array, bytes: number): number {
  const text = Buffer.from(sample.buffer, sample.byteOffset, sample.byteLength);
  let keys = 0;
  for (const key of NUMBER_KEYS) {
    for (let at = text.indexOf(key); at !== -1; at = text.indexOf(key, at + key.length)) keys++;
  }
  return text.length >= bytes || text.length === 0 ? keys : Math.ceil((bytes * keys) / text.length);
}

/** The lines of `sample`, the first bytes of a text of `bytes` bytes, scaled to the whole text. */
function recordsScaled(sample: Uint8Array, bytes: number): number {
  const read = sample.length;
  if (read === 0) return 0;
  let lines = 0;
  let lastNewline = -1;
  for (let at = sample.indexOf(NEWLINE); at !== -1; at = sample.indexOf(NEWLINE, at + 1)) {
    lines++;
    lastNewline = at;
  }
  // The whole text: its lines, and a last one without a newline.
  if (read >= bytes) return lines + (sample[read - 1] === NEWLINE ? 0 : 1);
  // Otherwise the whole lines' bytes per line, scaled to the text (a line longer than the sample counts as one).
  return lines === 0 ? Math.ceil(bytes / read) : Math.ceil((bytes * lines) / (lastNewline + 1));
}

/**
 * About how many bytes of text and how many records a gzip-compressed
 * NDJSON file (or, `format` `json`, JSON array) of `fileBytes` bytes holds:
 * the text's size from the gzip trailer (which keeps it modulo 4 GiB: the
 * multiple of 4 GiB is the one nearest to what the compression ratio of its
 * start gives), its records counted as {@link estimateRecords} counts them,
 * in its first 64 KiB inflated. A file of several gzip members
 * (`cat a.gz b.gz`, bgzip) has only its last member's size in the trailer:
 * where that is under a quarter of what the start's ratio gives, the ratio's
 * figure is taken instead.
 *
 * @example
 * ```ts
 * estimateGzipContent('channels.ndjson.gz', statSync('channels.ndjson.gz').size); // { bytes: 337_083_376, records: 1_000_000 }
 * ```
 */
export function estimateGzipContent(path: string, fileBytes: number, format: EstimatedFormat = 'ndjson'): { bytes: number; records: number } {
  // 64 KiB: at most 64 MiB inflated, gzip's ratio being at most about 1,000.
  const head = Buffer.allocUnsafe(Math.min(64 * 1024, fileBytes));
  const trailer = Buffer.alloc(4);
  const fd = openSync(path, 'r');
  try {
    readFileAt(fd, head, 0);
    if (fileBytes >= 4) readFileAt(fd, trailer, fileBytes - 4);
  } finally {
    closeSync(fd);
  }
  const { gunzipSync, constants } = process.getBuiltinModule('node:zlib') as typeof import('node:zlib');
  let sample: Buffer;
  try {
    // What the start inflates to, without the rest of the stream.
    sample = gunzipSync(head, { finishFlush: constants.Z_SYNC_FLUSH });
  } catch {
    return { bytes: fileBytes, records: 0 };
  }
  const trailerBytes = trailer.readUInt32LE(0);
  const byRatio = (fileBytes * sample.length) / Math.max(1, head.length);
  const wraps = Math.max(0, Math.round((byRatio - trailerBytes) / 2 ** 32));
  const byTrailer = trailerBytes + wraps * 2 ** 32;
  // Far less than the ratio gives: the last of several members (NDJSON compresses alike throughout, within 2× or so).
  const bytes = head.length >= fileBytes ? sample.length : byTrailer < byRatio / 4 ? Math.round(byRatio) : byTrailer;
  return { bytes, records: scaledCount(sample.subarray(0, Math.min(sample.length, READ_BYTES)), bytes, format) };
}
