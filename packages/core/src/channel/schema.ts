import { createRequire } from 'node:module';
import type * as Zod from 'zod';
import { describeValue, InputError, valueAtPath, type RecordLocation } from '../errors.js';
import { isMissing, OPTIONAL_CHANNEL_FIELDS, type Channel, type NumberedChannel } from './model.js';
import { IGNORED_SPELLINGS, requiredFieldLookalike } from './lookalike.js';
import { unreadableRecordError } from './unreadable.js';

/*
 * Records are validated twice over, on purpose: a hand-written check accepts
 * well-formed records without allocating (the common case, and the hot path
 * of NDJSON input), and a hand-written search finds the first field the
 * schemas would refuse in one it does not accept, worded as they word it
 * (a file of bad records pays for each). Anything else goes to the zod
 * schemas, which are the reference (a property test holds both by hand
 * checks to them). zod is loaded only then: importing it costs ~45 ms of
 * start-up, a quarter of a small run.
 */

const requireZod = createRequire(import.meta.url);

/** The schemas' words, which the search by hand for a refused field (refusedByHand) uses too. */
const EXPECTED_NAME = 'expected a non-empty string';
const EXPECTED_TEXT = 'expected a string or null';
const EXPECTED_TEXT_OR_NUMBER = 'expected a string, a number or null';
const EXPECTED_NOT_NEGATIVE = 'expected a channel number >= 0';
const EXPECTED_OBJECT = 'expected an object';

function buildSchemas(z: typeof Zod.z) {
  const requiredText = z.string({ error: EXPECTED_NAME }).min(1, { error: EXPECTED_NAME });
  const optionalText = z.string({ error: EXPECTED_TEXT }).nullish();
  const optionalTextOrNumber = z.union([z.string(), z.number()], { error: EXPECTED_TEXT_OR_NUMBER }).nullish();
  const channelNumber = z
    .number({ error: (issue) => expectedChannelNumber(issue.input) })
    .int({ error: (issue) => expectedChannelNumber(issue.input) })
    .min(0, { error: EXPECTED_NOT_NEGATIVE });
  const channelObject = { error: EXPECTED_OBJECT };
  return {
    snake: z.looseObject({
      assigned_number: channelNumber,
      channel: z.looseObject(
        {
          id: requiredText,
          channel_name: requiredText,
          stream_url: optionalText,
          tvg_id: optionalText,
          tvg_name: optionalText,
          tvg_logo: optionalText,
          tvg_shift: optionalTextOrNumber,
          tvg_chno: optionalTextOrNumber,
          group_title: optionalText,
        },
        channelObject,
      ),
    }),
    camel: z.looseObject({
      assignedNumber: channelNumber,
      channel: z.looseObject(
        {
          id: requiredText,
          channelName: requiredText,
          streamUrl: optionalText,
          tvgId: optionalText,
          tvgName: optionalText,
          tvgLogo: optionalText,
          tvgShift: optionalTextOrNumber,
          tvgChno: optionalTextOrNumber,
          groupTitle: optionalText,
        },
        channelObject,
      ),
    }),
  };
}

let schemas: ReturnType<typeof buildSchemas> | undefined;

/**
 * The zod schemas of one input record, in the pipeline's snake_case and the
 * API's camelCase spelling (unknown fields pass through). Built on first use.
 *
 * @example
 * ```ts
 * recordSchemas().snake.safeParse({ assigned_number: 1, channel: { id: 'a', channel_name: 'A' } }).success; // true
 * ```
 */
export function recordSchemas(): ReturnType<typeof buildSchemas> {
  schemas ??= buildSchemas((requireZod('zod') as typeof Zod).z);
  return schemas;
}

/**
 * What a snake_case record's channel key becomes in the model: the camelCase
 * name of a known field, `null` for a camelCase spelling of a known field
 * (ignored: a record has one spelling, and only the snake_case value was
 * validated), or absent for an unknown field (kept as it is).
 */
const SNAKE_TO_MODEL: Readonly<Record<string, string | null>> = Object.freeze({
  __proto__: null,
  channel_name: 'channelName',
  channelName: null,
  ...Object.fromEntries(OPTIONAL_CHANNEL_FIELDS.flatMap((f) => [[f.snake, f.camel], [f.camel, null]])),
});

/** Sets `out[key]` as an own field, even for the key `__proto__` (which `=` would take as the object's prototype). */
function setField(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}

function isCamelCase(record: Record<string, unknown>): boolean {
  if ('assignedNumber' in record) return true;
  if ('assigned_number' in record) return false;
  const channel = record['channel'];
  return typeof channel === 'object' && channel !== null && 'channelName' in channel;
}

function toCamelChannel(raw: Record<string, unknown>): Channel {
  // One pass over the keys, in input order.
  const out: Record<string, unknown> = {};
  let ignored: string[] | undefined;
  for (const key in raw) {
    const renamed = SNAKE_TO_MODEL[key];
    if (renamed === undefined) setField(out, key, raw[key]);
    else if (renamed !== null) {
      if (raw[key] !== undefined) out[renamed] = raw[key];
    } else if (!isMissing(raw[key])) (ignored ??= []).push(key);
  }
  // Hidden, for a missing field's warning to name (`tvgLogo` in a snake_case record is why tvg_logo is missing).
  if (ignored !== undefined) Object.defineProperty(out, IGNORED_SPELLINGS, { value: ignored });
  return out as Channel;
}

const isText = (v: unknown): boolean => v === undefined || v === null || typeof v === 'string';
const isTextOrNumber = (v: unknown): boolean => isText(v) || (typeof v === 'number' && Number.isFinite(v));
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isName = (v: unknown): boolean => typeof v === 'string' && v !== '';

/** The hand-written check: true only for records the zod schema certainly accepts. */
function wellFormed(n: unknown, channel: unknown, spelling: readonly string[]): channel is Record<string, unknown> {
  if (!Number.isSafeInteger(n) || (n as number) < 0 || !isObject(channel)) return false;
  const c = channel;
  return (
    isName(c['id']) &&
    isName(c[spelling[0]!]) &&
    isText(c[spelling[1]!]) &&
    isText(c[spelling[2]!]) &&
    isText(c[spelling[3]!]) &&
    isText(c[spelling[4]!]) &&
    isTextOrNumber(c[spelling[5]!]) &&
    isTextOrNumber(c[spelling[6]!]) &&
    isText(c[spelling[7]!])
  );
}

const SNAKE = ['channel_name', 'stream_url', 'tvg_id', 'tvg_name', 'tvg_logo', 'tvg_shift', 'tvg_chno', 'group_title'] as const;
const CAMEL = ['channelName', 'streamUrl', 'tvgId', 'tvgName', 'tvgLogo', 'tvgShift', 'tvgChno', 'groupTitle'] as const;

/**
 * What `assigned_number` should have been, for a value that is not a channel
 * number. Integers past 2^53 − 1 are refused by range: a JSON number that
 * large has already been rounded, so it cannot name one channel.
 */
export function expectedChannelNumber(value: unknown): string {
  // Exports that quote every value write "1": say what to change, not only what is expected.
  if (typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value)) return 'expected an integer (a number, not text)';
  if (!Number.isInteger(value)) return 'expected an integer';
  if (Number.isSafeInteger(value)) return EXPECTED_NOT_NEGATIVE;
  // The number shown after "got" is the rounded one (…993 is read as …992): say why, or it looks like a misreading of ours.
  const rounded = Math.abs(value as number) < 1e21 ? ' (larger JSON numbers are rounded as they are read)' : '';
  return `expected a channel number from 0 to ${Number.MAX_SAFE_INTEGER}${rounded}`;
}

/** `expected …, got …`, or that the field is missing. */
export function describeProblem(expected: string, value: unknown): string {
  return value === undefined ? 'required field is missing' : `${expected}, got ${describeValue(value)}`;
}

/**
 * {@link describeProblem} for the field `key` of `container` (a record, or
 * its `channel`): a missing one names a field of the container that looks
 * like it, most often the field itself misspelt by whatever wrote the record
 * (`chanel_name`).
 */
export function describeFieldProblem(expected: string, container: unknown, key: string): string {
  const value = isObject(container) ? container[key] : undefined;
  if (value !== undefined || !isObject(container)) return describeProblem(expected, value);
  const near = requiredFieldLookalike(container, key);
  return near === undefined ? 'required field is missing' : `required field is missing; the record has "${near}" (misspelt?)`;
}

function describeIssue(issue: Zod.z.core.$ZodIssue, record: unknown): string {
  const path = issue.path as PropertyKey[];
  return describeFieldProblem(issue.message, valueAtPath(record, path.slice(0, -1)), String(path.at(-1)));
}

/** How the schemas check each channel field after the two required ones (SNAKE and CAMEL from the second on), in their order: the test a value passes, and the words. */
const OPTIONAL_CHECKS: readonly (readonly [(value: unknown) => boolean, string])[] = [
  [isText, EXPECTED_TEXT], // stream_url
  [isText, EXPECTED_TEXT], // tvg_id
  [isText, EXPECTED_TEXT], // tvg_name
  [isText, EXPECTED_TEXT], // tvg_logo
  [isTextOrNumber, EXPECTED_TEXT_OR_NUMBER], // tvg_shift
  [isTextOrNumber, EXPECTED_TEXT_OR_NUMBER], // tvg_chno
  [isText, EXPECTED_TEXT], // group_title
];

/**
 * The error zod's first issue gives a record the hand-written check refused
 * (see issueToError), found by hand: the first field, in the schema's
 * order, that the schema would refuse, worded by the schema's messages.
 * zod costs several microseconds per refused record, which a file of bad
 * records pays for each one it skips. `undefined` where no field is found:
 * zod then words it. A property test holds the two to the same error.
 */
function refusedByHand(record: Record<string, unknown>, numberKey: string, spelling: readonly string[], location: RecordLocation): InputError | undefined {
  const refused = (path: readonly string[], expected: string): InputError =>
    new InputError(describeFieldProblem(expected, valueAtPath(record, path.slice(0, -1)), path.at(-1)!), { ...location, field: path.join('.') });
  const n = record[numberKey];
  // expectedChannelNumber words each way a number can be refused, below 0 included.
  if (!Number.isSafeInteger(n) || (n as number) < 0) return refused([numberKey], expectedChannelNumber(n));
  const channel = record['channel'];
  if (!isObject(channel)) return refused(['channel'], EXPECTED_OBJECT);
  if (!isName(channel['id'])) return refused(['channel', 'id'], EXPECTED_NAME);
  if (!isName(channel[spelling[0]!])) return refused(['channel', spelling[0]!], EXPECTED_NAME);
  for (let i = 0; i < OPTIONAL_CHECKS.length; i++) {
    const key = spelling[i + 1]!;
    const [fits, expected] = OPTIONAL_CHECKS[i]!;
    if (!fits(channel[key])) return refused(['channel', key], expected);
  }
  return undefined;
}

function issueToError(error: Zod.z.ZodError, record: unknown, location: RecordLocation): InputError {
  const issue = error.issues[0];
  if (issue === undefined) return new InputError('invalid record', location);
  return new InputError(describeIssue(issue, record), { ...location, field: issue.path.map(String).join('.') });
}

/**
 * Validates one input record (snake_case or camelCase) and returns the
 * camelCase model. Unknown fields are kept, as own fields (`__proto__`
 * included). In a snake_case record, camelCase keys of known fields
 * (`channelName`, `tvgLogo`, …) are ignored: a record has one spelling, and
 * what is rendered is what was validated.
 *
 * @throws {InputError} naming the location and the field as spelled in the input.
 * @example
 * ```ts
 * const nc = parseNumberedChannel(JSON.parse(line), { file: 'channels.ndjson', line: 12 });
 * ```
 */
export function parseNumberedChannel(record: unknown, location: RecordLocation = {}): NumberedChannel {
  const parsed = parseNumberedChannelOrError(record, location);
  if (parsed instanceof InputError) throw parsed;
  return parsed;
}

/**
 * {@link parseNumberedChannel} that returns the `InputError` it would
 * throw: for a caller that goes on past bad records (a reader skipping
 * them), where a throw and a catch per record cost more than the check.
 *
 * @example
 * ```ts
 * const parsed = parseNumberedChannelOrError(JSON.parse(line), { file: 'channels.ndjson', line: 12 });
 * if (parsed instanceof InputError) skipped.push(parsed);
 * else channels.push(parsed);
 * ```
 */
export function parseNumberedChannelOrError(record: unknown, location: RecordLocation = {}): NumberedChannel | InputError {
  try {
    return parseRecord(record, location);
  } catch (error) {
    if (error instanceof InputError) return error;
    // A getter or Proxy trap of a record built in code threw: name the record and, when it can be found, the field.
    const spelling = spellingOf(record);
    return (
      unreadableRecordError(error, record, location, spelling, 'as-spelled') ??
      new InputError(`the record cannot be read: ${error instanceof Error ? error.message : String(error)}`, location, { cause: error })
    );
  }
}

function spellingOf(record: unknown): 'camel' | 'snake' {
  try {
    return isObject(record) && isCamelCase(record) ? 'camel' : 'snake';
  } catch {
    return 'snake';
  }
}

/** The record's model, or the error it is refused with (thrown only by a record's getter or Proxy trap). */
function parseRecord(record: unknown, location: RecordLocation): NumberedChannel | InputError {
  if (!isObject(record)) {
    return new InputError(`expected a channel record (an object), got ${describeValue(record)}`, location);
  }
  if (isCamelCase(record)) {
    if (wellFormed(record['assignedNumber'], record['channel'], CAMEL)) return record as unknown as NumberedChannel;
    const refused = refusedByHand(record, 'assignedNumber', CAMEL, location);
    if (refused !== undefined) return refused;
    const result = recordSchemas().camel.safeParse(record);
    if (!result.success) return issueToError(result.error, record, location);
    return result.data as NumberedChannel;
  }
  const channel = record['channel'];
  let n = record['assigned_number'];
  if (!wellFormed(n, channel, SNAKE)) {
    const refused = refusedByHand(record, 'assigned_number', SNAKE, location);
    if (refused !== undefined) return refused;
    const result = recordSchemas().snake.safeParse(record);
    if (!result.success) return issueToError(result.error, record, location);
    n = result.data.assigned_number;
  }
  const out: Record<string, unknown> = {};
  for (const key in record) if (key !== 'assigned_number' && key !== 'channel') setField(out, key, record[key]);
  out['assignedNumber'] = n;
  out['channel'] = toCamelChannel(channel as Record<string, unknown>);
  return out as NumberedChannel;
}
