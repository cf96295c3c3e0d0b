import { pipeline, Readable } from 'node:stream';
import { InputError } from '@m3ugen/core';
import { otherEncoding } from './utf8.js';

/** node:zlib, loaded only for gzip input: imported with the module, it cost every run of the command ~5 ms before its first byte (docs/performance.md). */
const zlib = (): typeof import('node:zlib') => process.getBuiltinModule('node:zlib');

/*
 * Compressed input. gzip, the format Node reads without a dependency, is
 * decompressed as it is read; the others are named for what they are, since
 * passed as they are they would be "invalid UTF-8" or "invalid JSON" at
 * line 1. Each signature starts with a byte no JSON text can start with, so a
 * match is never valid input. Text in UTF-16 or UTF-32 is told here too, by
 * the same first bytes (see otherEncoding in utf8.ts).
 */

/** How an input was compressed, when it was: gunzipped as it was read. */
export type Compression = 'gzip';

const GZIP = [0x1f, 0x8b];
const NULS = [0, 0, 0, 0];

/** Leading bytes of the compressed formats an operator is likely to hand over that are not read, and the tool that undoes each. */
const SIGNATURES: readonly { readonly bytes: readonly number[]; readonly what: string; readonly tool: string }[] = [
  { bytes: [0x28, 0xb5, 0x2f, 0xfd], what: 'zstd-compressed', tool: 'unzstd' },
  { bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], what: 'xz-compressed', tool: 'unxz' },
  { bytes: [0x42, 0x5a, 0x68], what: 'bzip2-compressed', tool: 'bunzip2' },
  { bytes: [0x50, 0x4b, 0x03, 0x04], what: 'a zip archive', tool: 'unzip' },
];

/** How many first bytes tell every signature apart: what a reader gathers before it looks. */
const SIGNATURE_BYTES = Math.max(GZIP.length, ...SIGNATURES.map(({ bytes }) => bytes.length));

const startsWith = (head: Uint8Array, bytes: readonly number[]): boolean => head.length >= bytes.length && bytes.every((byte, i) => head[i] === byte);

/** Every signature looked for, gzip's and the refused ones'. */
const ALL_SIGNATURES: readonly (readonly number[])[] = [GZIP, NULS, ...SIGNATURES.map(({ bytes }) => bytes)];

/**
 * Whether more bytes could still change what `head`, the input's first
 * bytes so far, is taken for: it may be the start of a signature, or of
 * UTF-16 or UTF-32 text (a NUL in its first two bytes, or a byte order
 * mark). NDJSON starts `{"`, a JSON array `[` and a newline or `[{`: told
 * from their first two bytes, without waiting for a writer that sent fewer
 * than {@link SIGNATURE_BYTES} first (a live feed's `[` and newline, then
 * its records as they come).
 */
function undecided(head: Uint8Array): boolean {
  if (head.length >= SIGNATURE_BYTES) return false;
  if (head.length < 2) return true;
  if (ALL_SIGNATURES.some((bytes) => head.length < bytes.length && bytes.every((byte, i) => i >= head.length || head[i] === byte))) return true;
  return head[0] === 0 || head[1] === 0 || (head[0] === 0xff && head[1] === 0xfe);
}

/** Whether `head` starts with gzip's signature. */
function isGzip(head: Uint8Array): boolean {
  return startsWith(head, GZIP);
}

/**
 * Throws an {@link InputError} for `file` when `head` is the signature of a
 * compressed format that is not read (`the input is zstd-compressed;
 * decompress it first (unzstd)`), or the start of UTF-16 or UTF-32 text:
 * both are told by their first bytes, before any record is.
 */
function rejectUnread(head: Uint8Array, file: string): void {
  const found = SIGNATURES.find(({ bytes }) => startsWith(head, bytes));
  if (found !== undefined) throw new InputError(`the input is ${found.what}; decompress it first (${found.tool})`, { file });
  // No text starts with four NULs, not even UTF-32's: space reserved and never written (a copy or a disk that failed midway), or no text at all.
  if (startsWith(head, NULS)) throw new InputError('the input starts with NUL bytes, which no text has: a file written only in part (its space reserved, never filled), or not a text file', { file });
  const encoding = otherEncoding(head);
  if (encoding !== undefined) throw new InputError(`the input is ${encoding} text, not UTF-8; convert it first (iconv -f ${encoding} -t UTF-8)`, { file });
}

/** zlib's errors (`Z_DATA_ERROR`, `Z_BUF_ERROR` for a cut file) said as what they mean for the input; anything else as it is. */
function gzipError(error: unknown, file: string): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('Z_')) return error;
  const why = code === 'Z_BUF_ERROR' ? 'it ends before its compressed data does (a cut file?)' : (error as Error).message;
  return new InputError(`the input is not valid gzip data: ${why}`, { file }, { cause: error });
}

/**
 * The input's bytes, gunzipped as they come when they start with gzip's
 * signature (`found` is told so once the first bytes are in); refused by
 * name when they start with another compressed format's. Otherwise the
 * chunks pass through as they are, uncopied.
 */
export async function* decompressed(chunks: AsyncIterable<Buffer | string>, file: string, found: (compression: Compression) => void): AsyncGenerator<Buffer | string, void, undefined> {
  const iterator = chunks[Symbol.asyncIterator]();
  const rest: AsyncIterable<Buffer | string> = { [Symbol.asyncIterator]: () => iterator };
  try {
    let head: Buffer = Buffer.alloc(0);
    while (undecided(head)) {
      const step = await iterator.next();
      if (step.done === true) break;
      if (typeof step.value === 'string') {
        // Text, not bytes (a stream with an encoding set): nothing to decompress.
        if (head.length > 0) yield head;
        yield step.value;
        yield* rest;
        return;
      }
      // Kept across reads only when a read brought fewer bytes than a signature, and then copied:
      // a reader reuses its buffer for the next read. (A worker's part, one large chunk, is not copied.)
      head = head.length === 0 && step.value.length >= SIGNATURE_BYTES ? step.value : Buffer.concat([head, step.value]);
    }
    if (isGzip(head)) {
      found('gzip');
      // Copied: zlib may not have inflated it before the next read reuses the buffer.
      yield* gunzip(Buffer.from(head), rest, file);
      return;
    }
    rejectUnread(head, file);
    if (head.length > 0) yield head;
    yield* rest;
  } finally {
    // Ended early (the run failed or stopped): close the file under the chunks.
    await iterator.return?.();
  }
}

async function* gunzip(head: Buffer, rest: AsyncIterable<Buffer | string>, file: string): AsyncGenerator<Buffer, void, undefined> {
  async function* bytes(): AsyncGenerator<Buffer, void, undefined> {
    yield head;
    // Copied: zlib keeps a chunk until it has inflated it, and the reader reuses its buffer.
    for await (const chunk of rest) yield Buffer.from(chunk);
  }
  // pipeline: an error on either side destroys both, and reaches the loop below.
  const inflated = pipeline(Readable.from(bytes(), { objectMode: false }), zlib().createGunzip(), () => {});
  try {
    let first = true;
    for await (const chunk of inflated) {
      // What was compressed is refused as it would be uncompressed.
      if (first) rejectUnread(chunk as Buffer, file);
      first = false;
      yield chunk as Buffer;
    }
  } catch (error) {
    throw gzipError(error, file);
  }
}
