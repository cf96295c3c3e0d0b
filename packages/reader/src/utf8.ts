/*
 * Input must be UTF-8 (JSON is, by RFC 8259). Node's decoders replace bytes
 * that are not with U+FFFD, which would change names and ids without a word:
 * a Latin-1 "Café" becomes "Caf�". Checking every byte costs time on every
 * run, so the decoded text is searched for U+FFFD instead (a fast string
 * search), and only text that has one, a rare real U+FFFD or a replacement,
 * has its bytes checked here.
 */

/** Bytes that are not UTF-8, found in one chunk of the input. */
export interface Utf8Fault {
  /** Newlines in the chunk before the first bad byte: the fault is on the line this many lines into the chunk. */
  readonly newlinesBefore: number;
  /** The first byte that is not part of a character. */
  readonly byte: number;
}

/** Length of the sequence a lead byte starts, or 0 for a byte that cannot start one. */
function sequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

/** Whether `next` may follow `lead` as its first continuation byte (no overlong forms, surrogates or code points past U+10FFFF). */
function validSecond(lead: number, next: number): boolean {
  if (lead === 0xe0) return next >= 0xa0 && next <= 0xbf;
  if (lead === 0xed) return next >= 0x80 && next <= 0x9f;
  if (lead === 0xf0) return next >= 0x90 && next <= 0xbf;
  if (lead === 0xf4) return next >= 0x80 && next <= 0x8f;
  return next >= 0x80 && next <= 0xbf;
}

/**
 * The bytes at the end of `bytes` that start a character the next chunk
 * completes (0 to 3 of them), so a chunk boundary inside a character is not
 * taken for a fault.
 */
export function incompleteTail(bytes: Uint8Array): number {
  for (let back = 1; back <= 3 && back <= bytes.length; back++) {
    const byte = bytes[bytes.length - back]!;
    if (byte < 0x80) return 0;
    if (byte >= 0xc0) return sequenceLength(byte) > back ? back : 0;
  }
  return 0;
}

/**
 * Where `bytes` are not UTF-8: the first bad byte of each line that has one,
 * in order; none when all are. A sequence cut off at the end is not a fault
 * (see {@link incompleteTail}) unless the bytes are `final`, the end of the
 * input. `carry` is the previous chunk's incomplete tail, which the first
 * bytes complete.
 *
 * @example
 * ```ts
 * utf8Faults(Buffer.from('{"a":1}\n{"name":"Caf\xe9"}\n', 'latin1')); // [{ newlinesBefore: 1, byte: 0xe9 }]
 * ```
 */
export function utf8Faults(bytes: Uint8Array, carry: Uint8Array = new Uint8Array(0), final = false): Utf8Fault[] {
  const all = carry.length === 0 ? bytes : Buffer.concat([carry, bytes]);
  const end = final ? all.length : all.length - incompleteTail(all);
  const faults: Utf8Fault[] = [];
  let newlines = 0;
  for (let i = 0; i < end; ) {
    const lead = all[i]!;
    if (lead < 0x80) {
      if (lead === 0x0a) newlines++;
      i++;
      continue;
    }
    const length = sequenceLength(lead);
    let valid = length > 0 && i + length <= end && validSecond(lead, all[i + 1]!);
    for (let k = 2; valid && k < length; k++) valid = (all[i + k]! & 0xc0) === 0x80;
    if (valid) {
      i += length;
      continue;
    }
    if (faults.at(-1)?.newlinesBefore !== newlines) faults.push({ newlinesBefore: newlines, byte: lead });
    i++;
  }
  return faults;
}

/** Fields deeper than this are not searched: a record nested a million deep must not overflow the stack. */
const SEARCH_DEPTH = 32;

/**
 * The path of the first string in a parsed record that holds U+FFFD, as the
 * record spells it (`channel.channel_name`): where the bytes that were not
 * UTF-8 most likely were. Searches {@link SEARCH_DEPTH} levels deep.
 */
export function replacedField(value: unknown, path = '', depth = 0): string | undefined {
  if (typeof value === 'string') return value.includes('\ufffd') ? path : undefined;
  if (typeof value !== 'object' || value === null || depth === SEARCH_DEPTH) return undefined;
  for (const [key, inner] of Object.entries(value)) {
    const found = replacedField(inner, path === '' ? key : Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The encodings other than UTF-8 that {@link otherEncoding} tells, by the names iconv knows them by. */
export type OtherEncoding = 'UTF-16LE' | 'UTF-16BE' | 'UTF-32LE' | 'UTF-32BE';

/**
 * The encoding `head`, an input's first bytes, is in when it is UTF-16 or
 * UTF-32 rather than UTF-8 (PowerShell 5's `>` writes UTF-16 with a byte
 * order mark); otherwise `undefined`. Without a byte order mark a NUL among
 * the first two bytes gives it away: JSON text has none, and ASCII in UTF-16
 * has one beside every character. Read as UTF-8, such input fails as
 * "byte 0xFF" or "control character U+0000" at line 1, which does not say
 * what is wrong.
 *
 * @example
 * ```ts
 * otherEncoding(Buffer.from('\ufeff[]', 'utf16le')); // 'UTF-16LE'
 * otherEncoding(Buffer.from('[]'));                    // undefined
 * ```
 */
export function otherEncoding(head: Uint8Array): OtherEncoding | undefined {
  const [a, b, c, d] = head;
  if (a === 0xff && b === 0xfe) return c === 0 && d === 0 ? 'UTF-32LE' : 'UTF-16LE';
  if (a === 0xfe && b === 0xff) return 'UTF-16BE';
  if (head.length < 2 || (a !== 0 && b !== 0)) return undefined;
  if (a === 0) return b === 0 ? 'UTF-32BE' : 'UTF-16BE';
  return c === 0 && d === 0 ? 'UTF-32LE' : 'UTF-16LE';
}

/** The fault's words, for the error that names the line. */
export function describeUtf8Fault(fault: Utf8Fault): string {
  return `invalid UTF-8: byte 0x${fault.byte.toString(16).toUpperCase().padStart(2, '0')} is not part of a character; the input must be encoded in UTF-8`;
}
