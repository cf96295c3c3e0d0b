/**
 * Where a bad value was found. Every field is optional because the API
 * accepts in-memory arrays (index only) as well as files (file and line).
 */
export interface RecordLocation {
  /** The input file, `-` for stdin. */
  readonly file?: string | undefined;
  /** Zero-based position of the record in the input. */
  readonly index?: number | undefined;
  /** One-based line number (NDJSON input). */
  readonly line?: number | undefined;
  /** The field path as it is spelled in the input, e.g. `channel.channel_name`. */
  readonly field?: string | undefined;
}

/**
 * Base class of every error m3ugen throws on purpose; `code` is stable for scripts.
 *
 * @example
 * ```ts
 * try {
 *   await generator.generate(channels);
 * } catch (error) {
 *   if (error instanceof M3ugenError && error.code === 'E_INPUT') process.exitCode = 1;
 * }
 * ```
 */
export class M3ugenError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/**
 * A channel record that cannot be turned into a playlist entry.
 *
 * @example
 * ```ts
 * throw new InputError('expected a non-empty string', { file: 'channels.ndjson', line: 7, field: 'channel.id' });
 * // channels.ndjson: line 7: field "channel.id": expected a non-empty string
 * ```
 */
export class InputError extends M3ugenError {
  readonly location: RecordLocation;
  readonly reason: string;

  constructor(reason: string, location: RecordLocation, options?: ErrorOptions) {
    super('E_INPUT', `${formatLocation(location)}${reason}`, options);
    this.location = location;
    this.reason = reason;
  }
}

/** What two records share when one is rejected as a duplicate: an id or a channel number. */
export type Duplicated = { readonly id: string } | { readonly number: number };

/** A {@link DuplicateError}'s reason; `earlier`, when known, names the record repeated. */
export function duplicateReason(duplicate: Duplicated, earlier?: RecordLocation): string {
  const which = earlier?.line !== undefined ? `line ${earlier.line}` : earlier?.index !== undefined ? `record ${earlier.index}` : 'an earlier record';
  return 'id' in duplicate ? `duplicate channel id ${JSON.stringify(duplicate.id)}: ${which} has the same id` : `duplicate channel number ${duplicate.number}: ${which} has the same number`;
}

/**
 * A channel rejected because an earlier record has its id or its number.
 * `earlier` is that record's place when the check knows it (the command
 * reads a file again to find it); the message then names it.
 *
 * @example
 * ```ts
 * new DuplicateError({ id: 'news-1' }, { file: 'channels.ndjson', line: 9, index: 8, field: 'channel.id' }, { line: 2, index: 1 }).message;
 * // channels.ndjson: line 9: field "channel.id": duplicate channel id "news-1": line 2 has the same id
 * ```
 */
export class DuplicateError extends InputError {
  /** The id or the number the two records share. */
  readonly duplicate: Duplicated;
  readonly earlier: RecordLocation | undefined;

  constructor(duplicate: Duplicated, location: RecordLocation, earlier?: RecordLocation) {
    super(duplicateReason(duplicate, earlier), { ...location, field: 'id' in duplicate ? 'channel.id' : 'assigned_number' });
    this.duplicate = duplicate;
    this.earlier = earlier;
  }

  /** Whether a record with this id and number has what the rejected one shares (so it may be the earlier one). */
  isRepeatedBy(id: unknown, number: unknown): boolean {
    return 'id' in this.duplicate ? id === this.duplicate.id : number === this.duplicate.number;
  }

  /** The same error, naming `earlier` as the record it repeats. */
  withEarlier(earlier: RecordLocation): DuplicateError {
    return new DuplicateError(this.duplicate, this.location, earlier);
  }
}

/**
 * Runs `build` with stack traces off and returns what it returns (or
 * throws what it throws): for errors that describe a record and are
 * reported, not thrown, such as the invalid records a reader skips or the
 * repeated ids `onDuplicate` is told of. Their stack would only name
 * m3ugen's own functions, and capturing one costs several microseconds per
 * error, which a file of a million bad records pays a million times. The
 * errors built inside have a `stack` of their first line only.
 *
 * @example
 * ```ts
 * const error = withoutStackTrace(() => new InputError('expected a non-empty string', { file: 'channels.ndjson', line: 7 }));
 * error.stack; // 'InputError: channels.ndjson: line 7: expected a non-empty string'
 * ```
 */
export function withoutStackTrace<T>(build: () => T): T {
  const limit = Error.stackTraceLimit;
  try {
    Error.stackTraceLimit = 0;
  } catch {
    return build(); // frozen intrinsics: the limit stays as it is
  }
  try {
    return build();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/**
 * A key path as messages write it, the way a config file or a program spells
 * it: names joined by dots, array indexes in brackets. Use it for the key of
 * an {@link OptionError} built from a schema issue's path, so an operator
 * reads `attributes[0].name` for the first entry of a TOML array, as in
 * every other message.
 *
 * @example
 * ```ts
 * keyPath(['proxy_generation', 'memory', 'max_memory_mb']); // 'proxy_generation.memory.max_memory_mb'
 * keyPath(['attributes', 0, 'name']);                        // 'attributes[0].name'
 * ```
 */
export function keyPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path) text += typeof key === 'number' ? `[${key}]` : `${text === '' ? '' : '.'}${String(key)}`;
  return text;
}

/**
 * A value as an error message shows it after "got": `nothing`, `null`,
 * `an array`, `an object`, `a function`, a string quoted (cut at 40
 * characters), otherwise its type and value (`number 1.5`). Plugins word
 * their refusals of a record's values with it, as core does.
 *
 * @example
 * ```ts
 * describeValue({ url: 'x' }); // 'an object'
 * describeValue(5); // 'number 5'
 * describeValue('abc'); // '"abc"'
 * ```
 */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return `${typeof value} ${String(value)}`;
}

/**
 * The value at `path` in `root`, `undefined` where the path leaves objects:
 * what a schema issue at that path got, for its message.
 *
 * @example
 * ```ts
 * valueAtPath({ web: { base_url: 5 } }, ['web', 'base_url']); // 5
 * valueAtPath({ web: 5 }, ['web', 'base_url']);               // undefined
 * ```
 */
export function valueAtPath(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) value = typeof value === 'object' && value !== null ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  return value;
}

/**
 * An option's value as a message shows it after "got": its JSON, cut at 60
 * characters, or, where JSON cannot write it, `nothing`, `a function`, the
 * number itself (`NaN`, `Infinity`: JSON would say `null`), or what
 * {@link describeValue} says (a cyclic object, a bigint).
 *
 * @example
 * ```ts
 * describeOptionValue({ 'tvg-country': 'country' }); // '{"tvg-country":"country"}'
 * describeOptionValue(undefined);                   // 'nothing'
 * ```
 */
export function describeOptionValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'function') return 'a function';
  // TOML and YAML read nan and inf, which JSON writes as null.
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    // cyclic, or a bigint
  }
  if (json === undefined) return describeValue(value);
  return json.length > 60 ? `${json.slice(0, 60)}…` : json;
}

/**
 * An option or configuration value that is missing or malformed; `key` is the
 * configuration key path, e.g. `web.base_url`, and `reason` what is wrong
 * with it (for callers that name the option their own way: a flag, a config
 * key).
 *
 * @example
 * ```ts
 * new OptionError('web.base_url', 'expected an absolute http(s) URL').message;
 * // 'option "web.base_url": expected an absolute http(s) URL'
 * ```
 */
export class OptionError extends M3ugenError {
  readonly key: string;
  readonly reason: string;

  constructor(key: string, reason: string, options?: ErrorOptions) {
    super('E_OPTION', `option "${key}": ${reason}`, options);
    this.key = key;
    this.reason = reason;
  }
}

/**
 * A plugin threw; names the plugin, the hook and, for per-channel hooks, the
 * channel's index, and the channel's record in the input when the writer
 * knows where it stands (`location`: the file and its NDJSON line or JSON
 * index).
 *
 * @example
 * ```ts
 * new PluginError('my-urls', 'streamUrl', 1, new Error('no route')).message;
 * // 'plugin "my-urls" failed in hook "streamUrl" at channel index 1: no route'
 * new PluginError('my-urls', 'streamUrl', 1, new Error('no route'), { file: 'channels.ndjson', line: 2 }).message;
 * // 'channels.ndjson: line 2: plugin "my-urls" failed in hook "streamUrl" at channel index 1: no route'
 * ```
 */
export class PluginError extends M3ugenError {
  readonly plugin: string;
  readonly hook: string;
  readonly channelIndex: number | undefined;
  readonly location: RecordLocation | undefined;

  constructor(plugin: string, hook: string, channelIndex: number | undefined, cause: unknown, location?: RecordLocation) {
    const where = channelIndex === undefined ? '' : ` at channel index ${channelIndex}`;
    const why = cause instanceof Error ? cause.message : String(cause);
    super('E_PLUGIN', `${location === undefined ? '' : formatLocation(location)}plugin "${plugin}" failed in hook "${hook}"${where}: ${why}`, { cause });
    this.plugin = plugin;
    this.hook = hook;
    this.channelIndex = channelIndex;
    this.location = location;
  }

  /** This error with the channel's record placed in the input, which the writer knows and a hook does not. */
  at(location: RecordLocation): PluginError {
    return new PluginError(this.plugin, this.hook, this.channelIndex, this.cause, location);
  }
}

/**
 * A strategy or URL scheme name that is not registered, or registered twice.
 *
 * @example
 * ```ts
 * generator.strategies.require('turbo'); // throws RegistryError: unknown strategy "turbo"; registered: "in-memory", "streaming"
 * ```
 */
export class RegistryError extends M3ugenError {
  constructor(message: string) {
    super('E_REGISTRY', message);
  }
}

/**
 * A count as m3ugen's messages write it, digits grouped in threes:
 * `1,000,000`. By hand: `toLocaleString` loads ICU's number formatting on
 * its first call (~20 ms of a small command run, docs/performance.md).
 *
 * @example
 * ```ts
 * formatCount(50000); // '50,000'
 * ```
 */
export function formatCount(count: number): string {
  return String(count).replace(/\B(?=(?:\d{3})+$)/g, ',');
}

/**
 * A count and its noun as messages write them, in the plural unless it is
 * one: `1 channel`, `50,000 channels`, `2 entries` (with `plural` for a
 * noun that does not take an s).
 *
 * @example
 * ```ts
 * counted(1, 'channel'); // '1 channel'
 * counted(1200, 'entry', 'entries'); // '1,200 entries'
 * ```
 */
export function counted(count: number, noun: string, plural = `${noun}s`): string {
  return `${formatCount(count)} ${count === 1 ? noun : plural}`;
}

/**
 * Formats a location as the prefix of an error message:
 * `file: record 3 (line 4): field "channel.id": `.
 *
 * @example
 * ```ts
 * formatLocation({ file: 'channels.ndjson', line: 4, field: 'channel.id' }); // 'channels.ndjson: line 4: field "channel.id": '
 * ```
 */
export function formatLocation(location: RecordLocation): string {
  // Concatenated, not joined from an array: every skipped or repeated record's error is worded with it.
  let text = location.file === undefined ? '' : `${location.file}: `;
  if (location.line !== undefined) text += `line ${location.line}: `;
  else if (location.index !== undefined) text += `record ${location.index}: `;
  if (location.field !== undefined) text += `field "${location.field}": `;
  return text;
}

/** System errors of file access, in words (ENOENT depends on the caller: see {@link systemErrorReason}). */
const SYSTEM_ERRORS: ReadonlyMap<string, string> = new Map([
  ['EACCES', 'permission denied'],
  ['EPERM', 'permission denied'],
  ['ENOSPC', 'no space left on the device'],
  ['EISDIR', 'is a directory'],
  ['ENOTDIR', 'a folder on its path is a file'],
  ['EROFS', 'read-only file system'],
]);

/**
 * Why a file could not be read or written, in words rather than the system
 * call's (`EISDIR: illegal operation on a directory, read`); any other error
 * by its message. `missing` says what ENOENT means where the caller looks
 * (`no such file` for an input, `its folder does not exist` for an output).
 *
 * @example
 * ```ts
 * systemErrorReason(Object.assign(new Error('EISDIR: …'), { code: 'EISDIR' }), 'no such file'); // 'is a directory'
 * ```
 */
export function systemErrorReason(error: unknown, missing: string): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT') return missing;
  return (typeof code === 'string' ? SYSTEM_ERRORS.get(code) : undefined) ?? (error instanceof Error ? error.message : String(error));
}
