/*
 * The configuration's happy path without zod: importing zod costs ~80 ms of
 * a run's start-up, more than the rest of a 10-channel run. A config this
 * check accepts is one the zod schema (schema.ts) accepts with the same
 * result; anything it is unsure of goes to zod, which stays the reference
 * and words every error. A property test (well-formed.test.ts) holds the two
 * together, as for channel records in @m3ugen/core.
 */
import { closestName, MEMORY_PRESETS, sameWords } from '@m3ugen/core';
import { parseBaseUrl, parseProxyId } from '@m3ugen/url-builder';

type Check = (value: unknown) => boolean;
/** A table's known keys and what each must be; unknown keys are collected, not refused. */
interface Table {
  readonly [key: string]: Check | Table;
}

/** Only plain objects: zod takes more (class instances), and those go to zod. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

const isText: Check = (value) => typeof value === 'string' && value !== '';
const isBoolean: Check = (value) => typeof value === 'boolean';
const isFiniteNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const accepts = (parse: (text: string) => unknown): Check => (value) => {
  if (!isText(value)) return false;
  try {
    parse(value as string);
    return true;
  } catch {
    return false;
  }
};

const isPluginEntry: Check = (entry) =>
  isText(entry) ||
  (Array.isArray(entry) && entry.length === 2 && isText(entry[0]) && isPlainObject(entry[1])) ||
  (typeof entry === 'object' && entry !== null && !Array.isArray(entry) && typeof (entry as { apply?: unknown }).apply === 'function');

/** schema.ts's configSchema, key for key. */
const CONFIG: Table = {
  input: isText,
  output: isText,
  metrics: isText,
  plugins: (value) => Array.isArray(value) && value.every(isPluginEntry),
  web: { base_url: accepts(parseBaseUrl) },
  proxy_generation: {
    enable_memory_tracking: isBoolean,
    proxy_id: accepts(parseProxyId),
    strategy: isText,
    url_scheme: isText,
    url: {
      pattern: isText,
      params: (value) => isPlainObject(value) && Object.values(value).every((v) => typeof v === 'string' || isFiniteNumber(v)),
    },
    strict: isBoolean,
    check_duplicates: isBoolean,
    skip_invalid: isBoolean,
    workers: (value) => value === 'auto' || (Number.isSafeInteger(value) && (value as number) >= 1),
    memory: {
      max_memory_mb: (value) => isFiniteNumber(value) && value > 0,
      strategy_preset: (value) => typeof value === 'string' && Object.hasOwn(MEMORY_PRESETS, value),
      large_input_threshold: (value) => Number.isSafeInteger(value) && (value as number) > 0,
      sample_interval_ms: (value) => isFiniteNumber(value) && value >= 0,
    },
  },
};

/** Walks `value` against `table`; false at the first value zod might refuse. */
function conforms(table: Table, value: unknown, path: readonly string[], unknown: string[][]): boolean {
  if (!isPlainObject(value)) return false;
  for (const key of Object.keys(value)) {
    const field = value[key];
    const expected = Object.hasOwn(table, key) ? table[key] : undefined;
    if (expected === undefined) unknown.push([...path, key]);
    else if (field === undefined) continue; // every key is optional
    else if (typeof expected === 'function' ? !expected(field) : !conforms(expected, field, [...path, key], unknown)) return false;
  }
  return true;
}

/**
 * The key paths of a config outside the schema, in file order, when every
 * known key holds what the schema asks; `undefined` when zod must look.
 *
 * @example
 * ```ts
 * unknownKeysOfWellFormed({ web: { base_url: 'http://localhost:8080', port: 80 } }); // [['web', 'port']]
 * unknownKeysOfWellFormed({ web: { base_url: 'localhost' } }); // undefined: zod says why
 * ```
 */
export function unknownKeysOfWellFormed(raw: unknown): string[][] | undefined {
  const unknown: string[][] = [];
  return conforms(CONFIG, raw, [], unknown) ? unknown : undefined;
}

/** Every key path of the schema, dotted, e.g. `proxy_generation.memory.max_memory_mb`. */
function keyPaths(table: Table, prefix = ''): string[] {
  return Object.entries(table).flatMap(([key, expected]) => [`${prefix}${key}`, ...(typeof expected === 'function' ? [] : keyPaths(expected, `${prefix}${key}.`))]);
}

/**
 * The key an unknown one was most likely meant to be, for the warning that
 * it is ignored: the same name in another table (`max_memory_mb` outside
 * `[proxy_generation.memory]`), or one within two edits in its own table
 * (`web.bse_url`), or else the same words in another naming style in any
 * table (`checkDuplicates` for `proxy_generation.check_duplicates`).
 * `undefined` for keys like nothing known (`web.port`) and for keys outside
 * m3ugen's tables (`database.url`), which a larger pipeline config holds on
 * purpose.
 *
 * @example
 * ```ts
 * suggestConfigKey('web.bse_url'); // 'web.base_url'
 * suggestConfigKey('proxy_generation.max_memory_mb'); // 'proxy_generation.memory.max_memory_mb'
 * suggestConfigKey('check-duplicates'); // 'proxy_generation.check_duplicates'
 * suggestConfigKey('web.port'); // undefined
 * ```
 */
export function suggestConfigKey(key: string): string | undefined {
  const path = key.split('.');
  const name = path.at(-1)!;
  // Only keys inside m3ugen's own tables: `database.url` belongs to the rest of a pipeline's config.
  let table: Table = CONFIG;
  for (const part of path.slice(0, -1)) {
    const inner = Object.hasOwn(table, part) ? table[part] : undefined;
    if (inner === undefined || typeof inner === 'function') return undefined;
    table = inner;
  }
  const meant = closestName(name, Object.keys(table));
  const known = keyPaths(CONFIG);
  // In other tables the same words in another style only, not a near spelling: a pipeline's own keys beside
  // m3ugen's may be named anything (`proxy` is not a slip for `proxy_id`).
  const elsewhere = known.find((key) => lastName(key) === name) ?? (meant === undefined ? known.find((key) => sameWords(lastName(key), name)) : undefined);
  if (elsewhere !== undefined) return elsewhere;
  return meant === undefined ? undefined : [...path.slice(0, -1), meant].join('.');
}

function lastName(keyPath: string): string {
  return keyPath.slice(keyPath.lastIndexOf('.') + 1);
}

