import { z } from 'zod';
import { InputError, type RecordLocation } from '../errors.js';
import { OPTIONAL_CHANNEL_FIELDS, type Channel, type NumberedChannel } from './model.js';

const requiredText = z.string({ error: 'expected a non-empty string' }).min(1, { error: 'expected a non-empty string' });
const optionalText = z.string({ error: 'expected a string or null' }).nullish();
const optionalTextOrNumber = z.union([z.string(), z.number()], { error: 'expected a string, a number or null' }).nullish();
const channelNumber = z
  .number({ error: 'expected an integer' })
  .int({ error: 'expected an integer' })
  .min(0, { error: 'expected a channel number >= 0' });

const optionalShapes = {
  stream_url: optionalText,
  tvg_id: optionalText,
  tvg_name: optionalText,
  tvg_logo: optionalText,
  tvg_shift: optionalTextOrNumber,
  tvg_chno: optionalTextOrNumber,
  group_title: optionalText,
} as const;

/**
 * zod schema of one `NumberedChannel` record as the pipeline serialises it
 * (snake_case). Unknown fields pass through.
 */
export const snakeCaseRecordSchema = z.looseObject({
  assigned_number: channelNumber,
  channel: z.looseObject(
    { id: requiredText, channel_name: requiredText, ...optionalShapes },
    { error: 'expected an object' },
  ),
});

/** zod schema of one record in the camelCase spelling of the TypeScript API. */
export const camelCaseRecordSchema = z.looseObject({
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
    { error: 'expected an object' },
  ),
});

const SNAKE_KNOWN = new Set(['id', 'channel_name', ...OPTIONAL_CHANNEL_FIELDS.map((f) => f.snake)]);

function isCamelCase(record: Record<string, unknown>): boolean {
  if ('assignedNumber' in record) return true;
  if ('assigned_number' in record) return false;
  const channel = record['channel'];
  return typeof channel === 'object' && channel !== null && 'channelName' in channel;
}

function toCamelChannel(raw: Record<string, unknown>): Channel {
  const out: Record<string, unknown> = { id: raw['id'], channelName: raw['channel_name'] };
  for (const field of OPTIONAL_CHANNEL_FIELDS) {
    const value = raw[field.snake];
    if (value !== undefined) out[field.camel] = value;
  }
  for (const key of Object.keys(raw)) {
    if (!SNAKE_KNOWN.has(key)) out[key] = raw[key];
  }
  return out as Channel;
}

function describeIssue(issue: z.core.$ZodIssue, record: unknown): string {
  let value: unknown = record;
  for (const key of issue.path) {
    value = typeof value === 'object' && value !== null ? (value as Record<PropertyKey, unknown>)[key as PropertyKey] : undefined;
  }
  if (value === undefined) return 'required field is missing';
  const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'string' ? JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value) : `${typeof value} ${String(value)}`;
  return `${issue.message}, got ${got}`;
}

/**
 * Validates one input record (snake_case or camelCase) and returns the
 * camelCase model. Unknown fields are kept.
 *
 * @throws {InputError} naming the location and the field as spelled in the input.
 * @example
 * ```ts
 * const nc = parseNumberedChannel(JSON.parse(line), { file: 'channels.ndjson', line: 12 });
 * ```
 */
export function parseNumberedChannel(record: unknown, location: RecordLocation = {}): NumberedChannel {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    throw new InputError(`expected a channel record (an object), got ${record === null ? 'null' : Array.isArray(record) ? 'an array' : typeof record}`, location);
  }
  const rec = record as Record<string, unknown>;
  if (isCamelCase(rec)) {
    const result = camelCaseRecordSchema.safeParse(rec);
    if (!result.success) throw issueToError(result.error, rec, location);
    return result.data as NumberedChannel;
  }
  const result = snakeCaseRecordSchema.safeParse(rec);
  if (!result.success) throw issueToError(result.error, rec, location);
  const { assigned_number: assignedNumber, channel, ...rest } = result.data;
  return { ...rest, assignedNumber, channel: toCamelChannel(channel) };
}

function issueToError(error: z.ZodError, record: unknown, location: RecordLocation): InputError {
  const issue = error.issues[0];
  if (issue === undefined) return new InputError('invalid record', location);
  return new InputError(describeIssue(issue, record), { ...location, field: issue.path.map(String).join('.') });
}
