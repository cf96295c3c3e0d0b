import { DuplicateError, InputError, M3ugenError, type AbsentField, type Duplicated, type GenerationWarning, type RecordLocation } from '@m3ugen/core';
import type { CliFlags } from '../args.js';
import type { InputPart } from './input-parts.js';

/** What a worker needs to build the same generator as the command and read its parts. */
export interface WorkerSetup {
  readonly flags: CliFlags;
  /** The input file. */
  readonly path: string;
  /** The input's name in messages. */
  readonly file: string;
  /** Invalid records are skipped (`--skip-invalid`), each reported as a part's event. */
  readonly skipInvalid: boolean;
  /** Set by `validate`, which lists ids that are not UUIDs itself: the parts' runs are not strict, whatever the config says. */
  readonly notStrict?: true | undefined;
  /** Set by `validate`, which lists every repeated id and number: the parts' runs go on past them, and the main thread finds each from what the runs checked. */
  readonly listsDuplicates?: true | undefined;
  /**
   * Set where nothing in the main thread takes each warning (its `warning`
   * hook is not tapped), so only their counts and each kind's first are
   * wanted: a part's warnings cross as {@link CountedWarnings}, not one
   * object each.
   */
  readonly countsWarnings?: true | undefined;
}

/** A kind of warning (code and field) a part's run raised: the first of them, and how many. */
export interface CountedWarnings {
  readonly first: GenerationWarning;
  readonly count: number;
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
 * `error` as it crosses from a worker to the main thread, which rebuilds
 * it: an error of the input keeps its place, a duplicate what it repeats.
 */
export function toWorkerError(error: unknown): WorkerError {
  if (error instanceof DuplicateError) return { name: error.name, message: error.message, location: error.location, duplicate: error.duplicate, earlier: error.earlier };
  if (error instanceof InputError) return { name: error.name, message: error.message, code: error.code, location: error.location, reason: error.reason };
  if (error instanceof M3ugenError) return { name: error.name, message: error.message, code: error.code };
  return { name: error instanceof Error ? error.name : 'Error', message: error instanceof Error ? error.message : String(error) };
}

/**
 * A record of the part skipped as invalid, said in its place among the
 * part's warnings: its error's reason and place, from which the main thread
 * words the error again with the input's name. No more crosses: a file of
 * bad records sends one per record, and copying whole errors (their message,
 * name and code too) made the main thread the slowest of the three.
 */
export interface SkippedRecord {
  readonly skipped: { readonly reason: string; readonly line: number | undefined; readonly index: number | undefined; readonly field: string | undefined };
}

/** `error`, a record's that a part's reader skipped, as it crosses to the main thread. */
export function toSkippedRecord(error: InputError): SkippedRecord {
  const { line, index, field } = error.location;
  return { skipped: { reason: error.reason, line, index, field } };
}

/** What a part's run said, in order: its warnings and the records it skipped. */
export type PartEvent = GenerationWarning | SkippedRecord;

/**
 * What a part's run checked for uniqueness, channel by channel from the
 * part's first, so the main thread can check across parts: each id's
 * 64-bit fingerprint (`prints[2i]`, `prints[2i + 1]`) and each number, and
 * how many of the part's events came before that channel was checked (the
 * warnings and skipped records a run without workers says before failing
 * on it).
 */
export interface CheckedRecords {
  readonly prints: Uint32Array;
  readonly numbers: Float64Array;
  readonly warningsBefore: Uint32Array;
  /** With `listsDuplicates`: each channel's input line (`NaN` where its record has none), so a repeat can be counted by its line without the part being read again. */
  readonly lines?: Float64Array | undefined;
}

/** A worker's answer for one part. */
export type PartResult = CheckedRecords & {
  readonly seq: number;
  /** Warnings raised while rendering the part's channels, and records skipped, in order (with `countsWarnings`, records skipped only). */
  readonly events: readonly PartEvent[];
  /** With `countsWarnings`: the warnings raised while rendering the part's channels, by kind, in the order each kind first came. */
  readonly counted: readonly CountedWarnings[];
  /** The part's `channelShift`, 0 if none: its channels were rendered with indexes that many less than in the worker's reckoning. */
  readonly channelShift: number;
  /** The part's text, given back (transferred) when the part carried it: the main thread's copy went to the worker. */
  readonly text?: Uint8Array | undefined;
} & (
    | {
        readonly ok: true;
        /** The part's entries, UTF-8. */
        readonly bytes: Uint8Array;
        readonly rendered: number;
        readonly dropped: number;
        /** Declared fields none of the part's records had (`GenerationResult.absentFields`). */
        readonly absentFields: readonly AbsentField[];
        /** Whether a channel's index may change its entry (`StrategyRun.indexShapesEntries`). */
        readonly indexShapesEntries: boolean;
      }
    | { readonly ok: false; readonly error: WorkerError }
  );

/** A worker's word, before its result, that it has read a part sent with `shiftToCome`: how many of its records it skipped. */
export interface PartRead {
  readonly seq: number;
  readonly skippedInPart: number;
}

/** The main thread's answer to a {@link PartRead}: how many records before the part were skipped, which it renders with. */
export interface PartShift {
  readonly shiftOf: number;
  readonly channelShift: number;
}

/** What the main thread sends a worker. */
export type ToWorker = InputPart | PartShift;

/** What a worker sends the main thread. */
export type FromWorker = PartResult | PartRead;
