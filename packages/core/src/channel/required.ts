import { recordIndex, recordLine, type NumberedChannel } from './model.js';
import { describeFieldProblem, expectedChannelNumber } from './schema.js';
import { describeValue, InputError, type RecordLocation } from '../errors.js';

/**
 * Where a record is, for an error: the input, the record (its line and its
 * index in a JSON array when a reader recorded them, else the channel's
 * index) and the field.
 */
export function locate(nc: unknown, index: number, sourceName: string | undefined, field?: string): RecordLocation {
  return { file: sourceName, line: recordLine(nc), index: recordIndex(nc) ?? index, field };
}

/** Throws the {@link InputError} of a record's field, placed by {@link locate}. */
export function fail(nc: unknown, index: number, field: string, reason: string, sourceName?: string): never {
  throw new InputError(reason, locate(nc, index, sourceName, field));
}

/** Checks what the TypeScript types promise, for plain-JavaScript callers. Small, so it inlines: the wording is {@link rejectRecord}'s. */
export function checkRequired(nc: NumberedChannel, index: number, sourceName: string | undefined): void {
  if (typeof nc !== 'object' || nc === null) rejectRecord(nc, index, sourceName);
  const channel = nc.channel;
  if (
    typeof channel !== 'object' ||
    channel === null ||
    typeof channel.id !== 'string' ||
    channel.id === '' ||
    typeof channel.channelName !== 'string' ||
    channel.channelName === '' ||
    !Number.isSafeInteger(nc.assignedNumber) ||
    nc.assignedNumber < 0
  ) {
    rejectRecord(nc, index, sourceName);
  }
}

/**
 * Why a record failed {@link checkRequired}, worded as parseNumberedChannel
 * words it, so a record reads the same from a file and from code. Fields are
 * named as in the interchange format.
 */
function rejectRecord(nc: unknown, index: number, sourceName: string | undefined): never {
  if (ArrayBuffer.isView(nc) || typeof nc === 'string') {
    // A file's stream handed over as it is (fs.createReadStream): its chunks are not records.
    fail(nc, index, '(record)', `expected a channel record (an object), got ${typeof nc === 'string' ? 'text' : 'bytes'}: to read a JSON or NDJSON file or stream, pass it through openChannelReader() of @m3ugen/reader`, sourceName);
  }
  if (typeof nc !== 'object' || nc === null || Array.isArray(nc)) fail(nc, index, '(record)', `expected a channel record (an object), got ${describeValue(nc)}`, sourceName);
  const { channel, assignedNumber } = nc as { channel?: unknown; assignedNumber?: unknown };
  if (typeof channel !== 'object' || channel === null || Array.isArray(channel)) fail(nc, index, 'channel', describeFieldProblem('expected an object', nc, 'channel'), sourceName);
  const { id, channelName } = channel as { id?: unknown; channelName?: unknown };
  // The pipeline's own spelling, handed over as it is: say how to convert it, not that channelName is missing.
  if ((channelName === undefined && Object.hasOwn(channel, 'channel_name')) || (assignedNumber === undefined && Object.hasOwn(nc, 'assigned_number'))) {
    fail(
      nc,
      index,
      '(record)',
      'a snake_case record (assigned_number, channel_name), as the pipeline writes them: generate() takes camelCase records (assignedNumber, channelName); convert each with parseNumberedChannel(), or read a file with openChannelReader() of @m3ugen/reader',
      sourceName,
    );
  }
  if (typeof id !== 'string' || id === '') fail(nc, index, 'channel.id', describeFieldProblem('expected a non-empty string', channel, 'id'), sourceName);
  if (typeof channelName !== 'string' || channelName === '') fail(nc, index, 'channel.channel_name', describeFieldProblem('expected a non-empty string', channel, 'channelName'), sourceName);
  fail(nc, index, 'assigned_number', describeFieldProblem(expectedChannelNumber(assignedNumber), nc, 'assignedNumber'), sourceName);
}
