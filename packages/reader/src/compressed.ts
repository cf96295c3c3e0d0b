import { InputError } from '@m3ugen/core';

/*
 * Compressed input, named for what it is: a `channels.ndjson.gz` passed as it
 * is would otherwise be "invalid UTF-8" or "invalid JSON" at line 1. Each
 * signature starts with a byte no JSON text can start with, so a match is
 * never valid input.
 */

/** Leading bytes of the compressed formats an operator is likely to hand over, and the tool that undoes each. */
const SIGNATURES: readonly { readonly bytes: readonly number[]; readonly what: string; readonly tool: string }[] = [
  { bytes: [0x1f, 0x8b], what: 'gzip-compressed', tool: 'gunzip' },
  { bytes: [0x28, 0xb5, 0x2f, 0xfd], what: 'zstd-compressed', tool: 'unzstd' },
  { bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], what: 'xz-compressed', tool: 'unxz' },
  { bytes: [0x42, 0x5a, 0x68], what: 'bzip2-compressed', tool: 'bunzip2' },
  { bytes: [0x50, 0x4b, 0x03, 0x04], what: 'a zip archive', tool: 'unzip' },
];

/** How many first bytes tell every signature apart: what a reader gathers before it looks. */
export const SIGNATURE_BYTES = Math.max(...SIGNATURES.map(({ bytes }) => bytes.length));

/**
 * Why input whose first bytes are `head` cannot be read, when they are a
 * compressed format's signature: `the input is gzip-compressed; decompress it
 * first (gunzip)`. `undefined` for anything else.
 */
function compressedInputReason(head: Uint8Array): string | undefined {
  const found = SIGNATURES.find(({ bytes }) => head.length >= bytes.length && bytes.every((byte, i) => head[i] === byte));
  return found === undefined ? undefined : `the input is ${found.what}; decompress it first (${found.tool})`;
}

/** Throws the {@link InputError} of {@link compressedInputReason} for `file` when `head` is compressed. */
export function rejectCompressed(head: Uint8Array, file: string): void {
  const reason = compressedInputReason(head);
  if (reason !== undefined) throw new InputError(reason, { file });
}
