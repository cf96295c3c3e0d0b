/**
 * A channel as integrators see it. Optional fields may be `undefined`, `null`
 * or `""`: all three mean "missing" and are written as `""` with a warning.
 * Input fields m3ugen does not know are kept verbatim as extra properties, so
 * plugins (custom attributes, URL schemes) can read them.
 *
 * @example
 * ```ts
 * const channel: Channel = {
 *   id: '550e8400-e29b-41d4-a716-446655440001',
 *   channelName: 'Example News HD',
 *   tvgId: 'example-news-hd',
 *   groupTitle: 'News',
 *   catchup_days: 7, // unknown field, kept for plugins
 * };
 * ```
 */
export interface Channel {
  /** Stable channel id; should be a UUID. Routed in the proxy URL. */
  readonly id: string;
  /** Display name written after the attribute list. */
  readonly channelName: string;
  /** The upstream stream URL (used by direct URL schemes, never by the default proxy URL). */
  readonly streamUrl?: string | null | undefined;
  readonly tvgId?: string | null | undefined;
  readonly tvgName?: string | null | undefined;
  readonly tvgLogo?: string | null | undefined;
  readonly tvgShift?: string | number | null | undefined;
  /** The upstream's own channel number; the playlist writes `assignedNumber` instead. */
  readonly tvgChno?: string | number | null | undefined;
  readonly groupTitle?: string | null | undefined;
  /** Unknown input fields, kept for plugins. */
  readonly [field: string]: unknown;
}

/**
 * A channel with the number the numbering stage assigned to it; the unit the
 * generation stage consumes.
 *
 * @example
 * ```ts
 * const entry: NumberedChannel = { assignedNumber: 1, channel: { id: '…', channelName: 'News' } };
 * ```
 */
export interface NumberedChannel {
  /** Written as `tvg-chno`. A non-negative safe integer. */
  readonly assignedNumber: number;
  readonly channel: Channel;
  /** Unknown record-level fields, kept for plugins. */
  readonly [field: string]: unknown;
}

/** How a known channel field is spelled in snake_case input and in the camelCase model. */
export interface ChannelFieldSpelling {
  readonly snake: string;
  readonly camel: keyof Channel & string;
}

/** The optional channel fields the seed's model defines, in input spelling order. */
export const OPTIONAL_CHANNEL_FIELDS: readonly ChannelFieldSpelling[] = Object.freeze([
  { snake: 'stream_url', camel: 'streamUrl' },
  { snake: 'tvg_id', camel: 'tvgId' },
  { snake: 'tvg_name', camel: 'tvgName' },
  { snake: 'tvg_logo', camel: 'tvgLogo' },
  { snake: 'tvg_shift', camel: 'tvgShift' },
  { snake: 'tvg_chno', camel: 'tvgChno' },
  { snake: 'group_title', camel: 'groupTitle' },
]);

/** Known fields whose input (snake_case) spelling differs from the model's, record level included. */
const MODEL_NAMES: ReadonlyMap<string, string> = new Map([
  ['assigned_number', 'assignedNumber'],
  ['channel_name', 'channelName'],
  ...OPTIONAL_CHANNEL_FIELDS.map(({ snake, camel }): [string, string] => [snake, camel]),
]);

/**
 * The model's (camelCase) name of a known field given in the input's
 * spelling, or `undefined` when `inputName` is none (a camelCase name, `id`,
 * an unknown field, whose spelling the model keeps). For messages that meet
 * a plugin reading `tvg_logo` where the model has `tvgLogo`.
 *
 * @example
 * ```ts
 * modelFieldName('tvg_logo'); // 'tvgLogo'
 * modelFieldName('country_code'); // undefined: unknown fields keep their spelling
 * ```
 */
export function modelFieldName(inputName: string): string | undefined {
  return MODEL_NAMES.get(inputName);
}

/**
 * True when an optional field counts as missing (`undefined`, `null` or `""`).
 *
 * @example
 * ```ts
 * isMissing(''); // true
 * isMissing('News'); // false
 * ```
 */
export function isMissing(value: unknown): value is undefined | null | '' {
  return value === undefined || value === null || value === '';
}

/**
 * A field's or an attribute's value as it is written: text as it is,
 * `undefined` and `null` as `""`, a number or boolean (from code, not a
 * file) as its text; `undefined` for anything else (an object, array,
 * function or symbol would be written as `[object Object]`, a comma-joined
 * list or source code), which the caller refuses.
 *
 * @example
 * ```ts
 * writtenText(7); // '7'
 * writtenText(null); // ''
 * writtenText({ lang: 'de' }); // undefined
 * ```
 */
export function writtenText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '';
  const type = typeof value;
  return type === 'number' || type === 'boolean' || type === 'bigint' ? String(value) : undefined;
}

/**
 * Readers put the record's one-based input line under this key, so errors
 * found while rendering can name the line. Symbol-keyed: never serialised.
 */
export const RECORD_LINE: unique symbol = Symbol.for('m3ugen.recordLine');

/**
 * Readers of a JSON array put the record's zero-based index in the array
 * under this key: with invalid records skipped, a channel's index in the run
 * is not its record's, and errors and warnings name the record as the file
 * has it. Symbol-keyed: never serialised.
 */
export const RECORD_INDEX: unique symbol = Symbol.for('m3ugen.recordIndex');

/** The number a reader put on `record` under `key`; none for a record that cannot be read (a Proxy whose trap throws). */
function recorded(record: unknown, key: typeof RECORD_LINE | typeof RECORD_INDEX): number | undefined {
  try {
    const value = typeof record === 'object' && record !== null ? (record as Record<symbol, unknown>)[key] : undefined;
    return typeof value === 'number' ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The input line a reader recorded on `record` ({@link RECORD_LINE}), if any.
 *
 * @example
 * ```ts
 * recordLine({ [RECORD_LINE]: 4, assignedNumber: 3, channel }); // 4
 * ```
 */
export function recordLine(record: unknown): number | undefined {
  return recorded(record, RECORD_LINE);
}

/**
 * The index in its JSON array a reader recorded on `record` ({@link RECORD_INDEX}), if any.
 *
 * @example
 * ```ts
 * recordIndex({ [RECORD_INDEX]: 7, assignedNumber: 3, channel }); // 7
 * ```
 */
export function recordIndex(record: unknown): number | undefined {
  return recorded(record, RECORD_INDEX);
}
