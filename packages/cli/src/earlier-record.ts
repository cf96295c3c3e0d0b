/*
 * A duplicate found by a check that keeps no records (the in-memory
 * fingerprint table, the parallel run's) knows only that "an earlier record"
 * had the id or number. For an input file, the command reads it again up to
 * the rejected record to name that earlier one: an operator with a million
 * lines should not have to search for it. Error path only.
 */
import { DuplicateError, InputError, recordIndex, recordLine, writeFingerprint, type RecordLocation } from '@m3ugen/core';
import type { ChannelReader } from '@m3ugen/reader';

/** A record as the second reading sees it. */
export interface RescannedRecord {
  readonly id: string;
  readonly number: number;
  readonly index: number;
  readonly line?: number | undefined;
}

/** Opens the input again from its start (undefined for stdin, which cannot be read twice). */
export type Reopen = () => Promise<ChannelReader>;

/** The records of a freshly opened reader, in input order, numbered as the run numbered them. */
export async function* rescan(reopen: Reopen): AsyncGenerator<RescannedRecord> {
  const reader = await reopen();
  try {
    for (let batch = await reader.nextBatch(); batch !== undefined; batch = await reader.nextBatch()) {
      for (let i = batch.start; i < batch.end; i++) {
        const nc = batch.channels[i]!;
        // Numbered as the run's errors number records: by their JSON array index when the reader recorded it.
        yield { id: nc.channel.id, number: nc.assignedNumber, index: recordIndex(nc) ?? batch.firstIndex + i - batch.start, line: recordLine(nc) };
      }
    }
  } finally {
    // The caller stops at the record it looks for: close the file now, not when it is collected.
    await reader.close();
  }
}

function placeOf(record: RescannedRecord): RecordLocation {
  return { line: record.line, index: record.index };
}

/** A test of whether an id has the same 64-bit fingerprint as `id` (computed once, not per record). */
function sameFingerprintAs(id: string): (other: string) => boolean {
  const prints = new Uint32Array(4);
  writeFingerprint(id, prints, 0);
  return (other) => {
    writeFingerprint(other, prints, 2);
    return prints[0] === prints[2] && prints[1] === prints[3];
  };
}

/**
 * `error` with the earlier record named, when it is a {@link DuplicateError}
 * that does not name it and the input can be read again; otherwise `error`
 * as it is. If no earlier record has the id itself, only its 64-bit
 * fingerprint (two different ids the check cannot tell apart, about one
 * chance in 1.5 million for five million channels), the error says that instead.
 *
 * @example
 * ```ts
 * throw await nameEarlierRecord(error, prepared.reopen);
 * // channels.ndjson: line 9: field "channel.id": duplicate channel id "news-1": line 2 has the same id
 * ```
 */
export async function nameEarlierRecord(error: unknown, reopen: Reopen | undefined): Promise<unknown> {
  if (!(error instanceof DuplicateError) || error.earlier !== undefined || reopen === undefined) return error;
  const { duplicate, location } = error;
  const end = location.index;
  if (end === undefined) return error;
  let lookalike: RescannedRecord | undefined;
  const looksLikeTheId = 'id' in duplicate ? sameFingerprintAs(duplicate.id) : undefined;
  try {
    for await (const record of rescan(reopen)) {
      if (record.index >= end) break;
      if (error.isRepeatedBy(record.id, record.number)) return error.withEarlier(placeOf(record));
      if (lookalike === undefined && looksLikeTheId?.(record.id) === true) lookalike = record;
    }
  } catch {
    return error; // the file changed or went away since the run read it: keep what the run knew
  }
  if (lookalike === undefined || !('id' in duplicate)) return error;
  const where = lookalike.line === undefined ? `record ${lookalike.index}` : `line ${lookalike.line}`;
  return new InputError(
    `channel id ${JSON.stringify(duplicate.id)} cannot be told apart from ${where}'s ${JSON.stringify(lookalike.id)}: ` +
      'the duplicate check keeps 64-bit fingerprints of ids, and these two share one; change either id',
    location,
  );
}
