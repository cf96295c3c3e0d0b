import { InputError, type RecordLocation } from '../errors.js';
import { OPTIONAL_CHANNEL_FIELDS } from './model.js';

/*
 * Records built in code can have getters or be Proxies, and reading one of
 * their fields can throw. That error says nothing of which record or field
 * it came from, so when a read fails, the record is probed field by field to
 * find the one to name. Error path only: each probed getter runs again.
 */

/** A known field: its camelCase (model) and snake_case (interchange) names. */
type Spelled = readonly [camel: string, snake: string];

const RECORD_FIELDS: readonly Spelled[] = [['assignedNumber', 'assigned_number'], ['channel', 'channel']];
const CHANNEL_FIELDS: readonly Spelled[] = [['id', 'id'], ['channelName', 'channel_name'], ...OPTIONAL_CHANNEL_FIELDS.map((f): Spelled => [f.camel, f.snake])];

/** Whether reading `object[key]` throws; the value read otherwise. */
function tryRead(object: object, key: string): { readonly threw: true } | { readonly threw: false; readonly value: unknown } {
  try {
    return { threw: false, value: (object as Record<string, unknown>)[key] };
  } catch {
    return { threw: true };
  }
}

/** `object`'s own enumerable keys, or none when listing them throws (a Proxy's `ownKeys` trap). */
function keysOf(object: object): readonly string[] {
  try {
    return Object.keys(object);
  } catch {
    return [];
  }
}

/** The first field of `object` whose read throws: the known ones in order, then the rest of its own keys. */
function firstUnreadable(object: object, known: readonly Spelled[], spelling: 0 | 1): string | undefined {
  // A set: a known field is an own key too, and its getter need not run twice.
  const keys = new Set([...known.map((field) => field[spelling]), ...keysOf(object)]);
  for (const key of keys) if (tryRead(object, key).threw) return key;
  return undefined;
}

/**
 * The field of a channel record whose read throws, as a dotted path
 * (`channel.tvg_logo`), or `undefined` when every field reads (a getter that
 * threw once and not again, or an error from somewhere else).
 *
 * @param spelling `snake` for a record in the interchange spelling, `camel`
 *   for the model's; `named` says how the path is written: as the record
 *   spells it, or in the interchange spelling whatever the record's.
 * @example
 * ```ts
 * const channel = { id: 'a', get channelName(): string { throw new Error('not loaded'); } };
 * unreadableField({ assignedNumber: 1, channel }, 'camel', 'interchange'); // 'channel.channel_name'
 * ```
 */
export function unreadableField(record: unknown, spelling: 'snake' | 'camel', named: 'as-spelled' | 'interchange'): string | undefined {
  if (typeof record !== 'object' || record === null) return undefined;
  const index = spelling === 'camel' ? 0 : 1;
  const name = (field: string, known: readonly Spelled[]): string => {
    if (named === 'as-spelled') return field;
    return known.find((spelled) => spelled[index] === field)?.[1] ?? field;
  };
  const top = firstUnreadable(record, RECORD_FIELDS, index);
  if (top !== undefined) return name(top, RECORD_FIELDS);
  const channel = tryRead(record, 'channel');
  if (channel.threw) return 'channel';
  if (typeof channel.value !== 'object' || channel.value === null) return undefined;
  const inner = firstUnreadable(channel.value, CHANNEL_FIELDS, index);
  return inner === undefined ? undefined : `channel.${name(inner, CHANNEL_FIELDS)}`;
}

/**
 * The error for a record whose fields could not be read: an {@link InputError}
 * naming the field when probing finds it (the read's own error as its cause),
 * else `undefined`, for the caller to report the error as it knows it.
 *
 * @example
 * ```ts
 * try {
 *   render(record, 3);
 * } catch (error) {
 *   throw unreadableRecordError(error, record, { index: 3 }, 'camel', 'interchange') ?? error;
 * }
 * ```
 */
export function unreadableRecordError(
  error: unknown,
  record: unknown,
  location: RecordLocation,
  spelling: 'snake' | 'camel',
  named: 'as-spelled' | 'interchange',
): InputError | undefined {
  const field = unreadableField(record, spelling, named);
  if (field === undefined) return undefined;
  return new InputError(`cannot be read: ${error instanceof Error ? error.message : String(error)}`, { ...location, field }, { cause: error });
}
