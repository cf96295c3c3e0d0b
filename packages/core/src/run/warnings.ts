import { optionalFieldLookalike } from '../channel/lookalike.js';
import { recordIndex, recordLine } from '../channel/model.js';
import type { CapturedWarning } from './entry-cache.js';

/**
 * Codes of the warnings m3ugen itself raises. Plugins may raise their own
 * codes (any string).
 */
export type WarningCode =
  | 'missing-field'
  | 'non-uuid-id'
  | 'missing-proxy-id'
  | 'blank-name'
  | 'skipped-record'
  | 'absent-field'
  | (string & {});

/** A non-fatal problem: the run goes on and exits 0. */
export interface GenerationWarning {
  readonly code: WarningCode;
  readonly message: string;
  /**
   * What the warning says without the channel's place: the message of one of
   * m3ugen's own warnings about a channel starts `channel at index N: `, and
   * this is the rest (`tvg_logo is missing; written as ""`), for whoever
   * names the place otherwise (the CLI names the record's line). For any
   * other warning, the message itself.
   */
  readonly reason: string;
  /** Zero-based index of the channel it concerns, if any. */
  readonly channelIndex?: number | undefined;
  /** Field as spelled in snake_case input, e.g. `tvg_logo`. */
  readonly field?: string | undefined;
  /** The input line of the channel's record, when a reader recorded it (NDJSON). */
  readonly line?: number | undefined;
  /** The index of the channel's record in its input (JSON array or NDJSON file), counting records skipped before it, when a reader recorded it (one does where it is not the channel's index). */
  readonly recordIndex?: number | undefined;
  /** The field's value the warning is about, when it is about one: the id of a `non-uuid-id`. */
  readonly value?: string | undefined;
  /**
   * For a `missing-field` warning, a key of the channel's record that looks
   * like the missing field and holds a value (`tvg-id` for `tvg_id`): most
   * likely the field, spelt otherwise by whatever wrote the record. The
   * message and reason then end `; the record has "tvg-id" (misspelt?)`.
   */
  readonly lookalike?: string | undefined;
  /**
   * `true` when the warning is about the run's options or a plugin's
   * configuration rather than its input (no proxy ULID is set): every run
   * with the same configuration raises it again, whatever the channels, so
   * whoever runs again on each change of the input (`m3ugen generate
   * --watch`) says it once per configuration rather than at every run.
   */
  readonly aboutConfig?: boolean | undefined;
}

/** What a warning says of its record that the run's records cannot: where it is in the input, and a missing field's look-alike. */
type AboutRecord = Pick<GenerationWarning, 'line' | 'recordIndex' | 'lookalike'>;

/** What {@link WarningLog.add} may say besides the code, field, index and message: {@link AboutRecord}, and whether the warning is about the configuration. */
type WarningDetails = AboutRecord & Pick<GenerationWarning, 'aboutConfig'>;

/** The end of a `missing-field` warning's reason whose record has a key like the field (the last one kept: most records share it). */
function lookalikeClause(lookalike: string): string {
  if (lookalike !== lastClause.lookalike) lastClause = { lookalike, clause: `; the record has "${lookalike}" (misspelt?)` };
  return lastClause.clause;
}
let lastClause = { lookalike: '', clause: '' };

/** Warnings of one run, counted by code and field; see {@link WarningLog.summary}. */
export interface WarningSummary {
  readonly total: number;
  /** `code` or `code:field` → count, e.g. `{ "missing-field:tvg_logo": 12 }`. */
  readonly counts: Readonly<Record<string, number>>;
  /**
   * The message of the first warning of each kind, keyed as `counts` is: what
   * a plugin's own warning says (`{ "epg:unreachable": "guide.xml answered 503" }`)
   * for whoever reports the run without listening to every warning.
   */
  readonly firstMessages: Readonly<Record<string, string>>;
  /**
   * The first warning of each kind, keyed as `counts` is, whole: its
   * channel's index and, where the reader recorded them, its record's
   * `line` and `recordIndex`, so a report can say where to start looking
   * (`1,204 channels without tvg_logo, the first at line 7`) without
   * listening to every warning. Only these are built when nobody listens.
   */
  readonly firstWarnings: Readonly<Record<string, GenerationWarning>>;
}

/**
 * The message of a warning about the channel at `index`, as m3ugen's own are
 * worded: `channel at index 3: tvg_logo is missing; written as ""`.
 *
 * @example
 * ```ts
 * channelWarningMessage(3, 'tvg_logo is missing'); // 'channel at index 3: tvg_logo is missing'
 * ```
 */
function channelWarningMessage(index: number, reason: string): string {
  return `channel at index ${index}: ${reason}`;
}

/**
 * `warning` as it reads about the channel at `channelIndex` instead: the
 * index moved, and with it the place in the message of one of m3ugen's own
 * warnings about a channel (`channel at index N: …`); any other message is
 * kept. For a strategy that had channels rendered elsewhere under other
 * indexes (a worker thread's run over part of the input) and raises their
 * warnings in its run.
 *
 * @example
 * ```ts
 * const seen = { code: 'missing-field', message: 'channel at index 9: tvg_logo is missing; written as ""', reason: 'tvg_logo is missing; written as ""', channelIndex: 9 };
 * warningAtIndex(seen, 7).message; // 'channel at index 7: tvg_logo is missing; written as ""'
 * ```
 */
export function warningAtIndex<W extends Pick<GenerationWarning, 'message' | 'reason' | 'channelIndex'>>(warning: W, channelIndex: number): W {
  const { channelIndex: was, reason, message } = warning;
  const placed = was !== undefined && message === channelWarningMessage(was, reason);
  return { ...warning, channelIndex, message: placed ? channelWarningMessage(channelIndex, reason) : message };
}

/**
 * Counts warnings and forwards each one to a listener (the `warning` hook)
 * only when somebody listens, so a run with a million incomplete channels
 * allocates no warning objects unless asked to.
 *
 * @example
 * ```ts
 * const warnings = new WarningLog();
 * warnings.addForChannel('missing-field', 'tvg_logo', 3, () => 'tvg_logo is missing');
 * const { counts, firstMessages } = warnings.summary();
 * // counts: { 'missing-field:tvg_logo': 1 }, firstMessages: { 'missing-field:tvg_logo': 'channel at index 3: tvg_logo is missing' }
 * ```
 */
export class WarningLog {
  #total = 0;
  readonly #counts = new Map<string, number>();
  readonly #first = new Map<string, GenerationWarning>();
  #listener: ((warning: GenerationWarning) => void) | undefined;
  #captured: CapturedWarning[] | undefined;
  #capturing = false;
  #muted = false;
  #recordAt: ((channelIndex: number) => unknown) | undefined;

  /**
   * Sets how to find the record of the channel at an index, whose input line
   * or JSON array index (as a reader recorded them) the warnings given to
   * the listener then carry as `line` and `recordIndex`. Looked up per
   * warning, not kept with a captured one: a reused entry's record may sit
   * elsewhere than when it was rendered.
   */
  locateRecords(recordAt: ((channelIndex: number) => unknown) | undefined): void {
    this.#recordAt = recordAt;
  }

  /** Starts recording the warnings that follow (for an entry that may be reused later). */
  startCapture(): void {
    this.#capturing = true;
    this.#captured = undefined;
  }

  /** Stops recording; returns what was recorded, or `undefined` for none. */
  stopCapture(): CapturedWarning[] | undefined {
    this.#capturing = false;
    const captured = this.#captured;
    this.#captured = undefined;
    return captured;
  }

  /**
   * Drops the warnings that follow, uncounted, until {@link unmute}: for work
   * done again only to compare its result, whose warnings were said when it
   * was first done.
   */
  mute(): void {
    this.#muted = true;
  }

  /** Counts and passes on warnings again after {@link mute}. */
  unmute(): void {
    this.#muted = false;
  }

  /** Sets (or with `undefined`, removes) the function that receives each warning. */
  listen(listener: ((warning: GenerationWarning) => void) | undefined): void {
    this.#listener = listener;
  }

  get total(): number {
    return this.#total;
  }

  /**
   * Records a warning; `describe` builds the message only if a listener
   * wants it. `reason` defaults to the message. `details`: where its record
   * is in the input, and a missing field's look-alike, when the run's
   * records cannot say (else looked up by `channelIndex`), and
   * {@link GenerationWarning.aboutConfig}.
   */
  add(
    code: WarningCode,
    field: string | undefined,
    channelIndex: number | undefined,
    describe: () => string,
    value?: string,
    reason?: string,
    details?: WarningDetails,
  ): void {
    const { line, recordIndex, lookalike, aboutConfig } = details ?? {};
    const about = line === undefined && recordIndex === undefined && lookalike === undefined ? undefined : { line, recordIndex, lookalike };
    this.#add(code, field, channelIndex, describe, false, value, reason, about, aboutConfig === true);
  }

  /**
   * Records a warning about the channel at `index`, worded as m3ugen's own:
   * `describe` builds its reason, and the message is
   * {@link channelWarningMessage}'s (`channel at index 3: ` and the reason).
   */
  addForChannel(code: WarningCode, field: string | undefined, index: number, describe: () => string, value?: string): void {
    this.#add(code, field, index, describe, true, value, undefined);
  }

  /** `describe` gives the message, or with `placed` the reason after the channel's index. */
  #add(
    code: WarningCode,
    field: string | undefined,
    channelIndex: number | undefined,
    describe: () => string,
    placed: boolean,
    value: string | undefined,
    givenReason: string | undefined,
    about?: AboutRecord,
    aboutConfig = false,
  ): void {
    if (this.#muted) return;
    this.#total++;
    const key = field === undefined ? code : `${code}:${field}`;
    const count = this.#counts.get(key);
    this.#counts.set(key, (count ?? 0) + 1);
    // The first of each kind is built even when nobody listens: one warning per kind, not per warning.
    if (count !== undefined && !this.#capturing && this.#listener === undefined) return;
    const described = describe();
    let message = placed && channelIndex !== undefined ? channelWarningMessage(channelIndex, described) : described;
    let reason = givenReason ?? described;
    // Captured without the record's look-alike, which a replay finds in the record the entry then stands for.
    if (this.#capturing) (this.#captured ??= []).push({ code, field, message, reason: placed ? reason : undefined, value, aboutConfig: aboutConfig || undefined });
    if (count !== undefined && this.#listener === undefined) return;
    const record = about !== undefined || channelIndex === undefined ? undefined : this.#recordAt?.(channelIndex);
    const { line, recordIndex: index, lookalike = undefined } = about ?? { line: recordLine(record), recordIndex: recordIndex(record) };
    // Looked for only here, for a warning somebody is given: the first of its kind, or each one to a listener.
    const near = about === undefined && code === 'missing-field' && field !== undefined ? optionalFieldLookalike(channelOf(record), field) : undefined;
    if (near !== undefined) {
      const clause = lookalikeClause(near);
      message += clause;
      reason += clause;
    }
    const warning: GenerationWarning = { code, message, reason, channelIndex, field, line, recordIndex: index, value, lookalike: lookalike ?? near, aboutConfig: aboutConfig || undefined };
    // A copy: the listener's object is its own to change.
    if (count === undefined) this.#first.set(key, Object.freeze({ ...warning }));
    this.#listener?.(warning);
  }

  summary(): WarningSummary {
    const firstMessages: Record<string, string> = {};
    for (const [key, warning] of this.#first) firstMessages[key] = warning.message;
    return { total: this.#total, counts: Object.fromEntries(this.#counts), firstMessages, firstWarnings: Object.fromEntries(this.#first) };
  }
}

/** The channel of a run's record (a `NumberedChannel`), if it has one. */
function channelOf(record: unknown): unknown {
  return typeof record === 'object' && record !== null ? (record as { channel?: unknown }).channel : undefined;
}
