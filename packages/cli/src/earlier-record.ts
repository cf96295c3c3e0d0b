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
  return (await nameEarlierRecords([error], reopen))[0];
}

/** A duplicate whose earlier record is looked for, and what the second reading found of it. */
interface Search {
  readonly error: DuplicateError;
  readonly end: number;
  readonly looksLikeTheId: ((other: string) => boolean) | undefined;
  earlier?: RescannedRecord;
  lookalike?: RescannedRecord;
}

/**
 * {@link nameEarlierRecord} for several errors, reading the input again
 * once, up to the latest of them: for `m3ugen validate`, which lists every
 * duplicate. Returns the errors in the same order.
 *
 * @example
 * ```ts
 * for (const error of await nameEarlierRecords(duplicates, prepared.reopen)) reporter.error(error.message);
 * ```
 */
export async function nameEarlierRecords(errors: readonly unknown[], reopen: Reopen | undefined): Promise<unknown[]> {
  const searches = new Map<unknown, Search>();
  for (const error of errors) {
    if (!(error instanceof DuplicateError) || error.earlier !== undefined || error.location.index === undefined || searches.has(error)) continue;
    const { duplicate } = error;
    searches.set(error, { error, end: error.location.index, looksLikeTheId: 'id' in duplicate ? sameFingerprintAs(duplicate.id) : undefined });
  }
  if (searches.size === 0 || reopen === undefined) return [...errors];
  let open = [...searches.values()];
  const end = Math.max(...open.map((search) => search.end));
  try {
    for await (const record of rescan(reopen)) {
      if (record.index >= end) break;
      let found = false;
      for (const search of open) {
        if (record.index >= search.end) continue;
        if (search.error.isRepeatedBy(record.id, record.number)) {
          search.earlier = record;
          found = true;
        } else if (search.lookalike === undefined && search.looksLikeTheId?.(record.id) === true) search.lookalike = record;
      }
      if (found) {
        open = open.filter((search) => search.earlier === undefined);
        if (open.length === 0) break;
      }
    }
  } catch {
    return [...errors]; // the file changed or went away since the run read it: keep what the run knew
  }
  return errors.map((error) => {
    const search = searches.get(error);
    return search === undefined ? error : named(search);
  });
}

/** The error of `search` with the earlier record it found, or saying the ids cannot be told apart, or as it was. */
function named({ error, earlier, lookalike }: Search): unknown {
  if (earlier !== undefined) return error.withEarlier(placeOf(earlier));
  const { duplicate, location } = error;
  if (lookalike === undefined || !('id' in duplicate)) return error;
  const where = lookalike.line === undefined ? `record ${lookalike.index}` : `line ${lookalike.line}`;
  return new InputError(
    `channel id ${JSON.stringify(duplicate.id)} cannot be told apart from ${where}'s ${JSON.stringify(lookalike.id)}: ` +
      'the duplicate check keeps 64-bit fingerprints of ids, and these two share one; change either id',
    location,
  );
}
