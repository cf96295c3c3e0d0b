import type { AbsentField, Duplicated, GenerationWarning, RecordLocation } from '@m3ugen/core';
import type { CliFlags } from '../args.js';

/** What a worker needs to build the same generator as the command and read its parts. */
export interface WorkerSetup {
  readonly flags: CliFlags;
  /** The input file. */
  readonly path: string;
  /** The input's name in messages. */
  readonly file: string;
}

/** An error thrown in a worker, as it crosses to the main thread. */
export interface WorkerError {
  readonly name: string;
  readonly message: string;
  readonly code?: string | undefined;
  /** Set for an InputError. */
  readonly location?: RecordLocation | undefined;
  readonly reason?: string | undefined;
  /** Set for a DuplicateError. */
  readonly duplicate?: Duplicated | undefined;
  readonly earlier?: RecordLocation | undefined;
}

/**
 * What a part's run checked for uniqueness, record by record from the
 * part's first record, so the main thread can check across parts: each id's
 * 64-bit fingerprint (`prints[2i]`, `prints[2i + 1]`) and each number, and
 * how many of the part's warnings came before that record was checked (the
 * warnings a run without workers raises before failing on it).
 */
export interface CheckedRecords {
  readonly prints: Uint32Array;
  readonly numbers: Float64Array;
  readonly warningsBefore: Uint32Array;
}

/** A worker's answer for one part. */
export type PartResult = CheckedRecords & {
  readonly seq: number;
  /** Warnings raised while rendering the part's channels, in order. */
  readonly warnings: readonly GenerationWarning[];
} & (
    | {
        readonly ok: true;
        /** The part's entries, UTF-8. */
        readonly bytes: Uint8Array;
        readonly rendered: number;
        readonly dropped: number;
        /** Declared fields none of the part's records had (`GenerationResult.absentFields`). */
        readonly absentFields: readonly AbsentField[];
      }
    | { readonly ok: false; readonly error: WorkerError }
  );
