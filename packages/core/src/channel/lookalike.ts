import { closestName } from '../run/options.js';
import { isMissing, OPTIONAL_CHANNEL_FIELDS } from './model.js';

/** The model's keys of known fields: each is read as its own field, so none is another's look-alike. */
const MODEL_KEYS: ReadonlySet<string> = new Set(['id', 'channelName', ...OPTIONAL_CHANNEL_FIELDS.map((f) => f.camel)]);

/**
 * Where a snake_case record's channel keeps the camelCase keys of known
 * fields it held with a value, which are not read (one spelling per record,
 * docs/decisions.md): not enumerable, so copies and comparisons of the
 * channel do not see it.
 */
export const IGNORED_SPELLINGS: unique symbol = Symbol('m3ugen.ignoredSpellings');

/** camelCase of each optional field's snake_case name: a key is compared with both spellings. */
const CAMEL_OF: ReadonlyMap<string, string> = new Map(OPTIONAL_CHANNEL_FIELDS.map((f) => [f.snake, f.camel]));

/**
 * The look-alike found last for each field, with the candidate keys it was
 * found among: a file's records mostly share one shape, and a listener
 * (`--verbose`) hears a warning per channel.
 */
const found = new Map<string, { readonly keys: readonly string[]; readonly near: string | undefined }>();

/**
 * A key of `channel` (a record's channel as the model holds it) that looks
 * like the optional field `field` (snake_case, `tvg_id`) and holds a value:
 * most often the field itself, spelt otherwise by whatever wrote the record
 * (`tvg-id`, `TVG_ID`, `tvgid`), which m3ugen does not read as the field.
 * Keys of known fields and keys without a value (missing, `null`, `""`) are
 * never one. `undefined` when no key is close enough (see `closestName`).
 *
 * @example
 * ```ts
 * optionalFieldLookalike({ id: 'a', channelName: 'A', 'tvg-id': 'a.tv' }, 'tvg_id'); // 'tvg-id'
 * optionalFieldLookalike({ id: 'a', channelName: 'A', tvgName: 'A' }, 'tvg_id'); // undefined
 * ```
 */
export function optionalFieldLookalike(channel: unknown, field: string): string | undefined {
  if (typeof channel !== 'object' || channel === null) return undefined;
  const record = channel as Record<string, unknown>;
  try {
    const last = found.get(field);
    // Compared in place: a listener hears a warning per channel, and most share the last one's keys.
    if (last !== undefined && hasCandidates(record, last.keys)) return last.near;
    const keys = candidateKeys(record);
    const camel = CAMEL_OF.get(field);
    const near = keys.length === 0 ? undefined : (closestName(field, keys) ?? (camel === undefined ? undefined : closestName(camel, keys)));
    found.set(field, { keys, near });
    return near;
  } catch {
    // A record whose getters throw suggests nothing; the run says what is wrong with it.
    return undefined;
  }
}

/** Whether `key` of `channel` may be a known field spelt otherwise: unknown to the model, and holding a value. */
function isCandidate(channel: Record<string, unknown>, key: string): boolean {
  return !isMissing(channel[key]) && key !== '' && !MODEL_KEYS.has(key);
}

/** The keys of `channel` that may be a known field spelt otherwise, and after them the spellings the record held but were not read. */
function candidateKeys(channel: Record<string, unknown>): string[] {
  const keys: string[] = [];
  for (const key in channel) if (isCandidate(channel, key)) keys.push(key);
  const ignored = ignoredSpellings(channel);
  if (ignored !== undefined) keys.push(...ignored);
  return keys;
}

/** Whether {@link candidateKeys} of `channel` would be `keys`. */
function hasCandidates(channel: Record<string, unknown>, keys: readonly string[]): boolean {
  let j = 0;
  for (const key in channel) if (isCandidate(channel, key) && keys[j++] !== key) return false;
  const ignored = ignoredSpellings(channel);
  if (ignored !== undefined) for (const key of ignored) if (keys[j++] !== key) return false;
  return j === keys.length;
}

function ignoredSpellings(channel: Record<string, unknown>): readonly string[] | undefined {
  return (channel as { [IGNORED_SPELLINGS]?: readonly string[] })[IGNORED_SPELLINGS];
}

/**
 * The look-alike found last for a required field, with the field and the
 * keys beside it: the bad records of a file mostly share one shape, and
 * finding it anew for each tripled the time `m3ugen validate` took on a file
 * of them.
 */
let requiredFound: { readonly key: string; readonly keys: readonly string[]; readonly near: string | undefined } = { key: '', keys: [], near: undefined };

/**
 * A key of `container` (a record, or its `channel`) that looks like the
 * required field `key` it lacks, most often the field misspelt by whatever
 * wrote the record (`chanel_name`). A short name (`id`) is near too many
 * others: only its own spelling in other letter case counts.
 *
 * @example
 * ```ts
 * requiredFieldLookalike({ id: 'a', chanel_name: 'A' }, 'channel_name'); // 'chanel_name'
 * ```
 */
export function requiredFieldLookalike(container: Record<string, unknown>, key: string): string | undefined {
  const keys = Object.keys(container);
  if (key !== requiredFound.key || !sameKeys(keys, requiredFound.keys)) {
    const others = keys.filter((other) => other !== key && other !== '');
    const near = key.length < 4 ? others.find((other) => other.toLowerCase() === key.toLowerCase()) : closestName(key, others);
    requiredFound = { key, keys, near };
  }
  return requiredFound.near;
}

/** Whether two lists of keys are the same, in the same order. */
function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
