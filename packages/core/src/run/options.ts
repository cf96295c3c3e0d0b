import type * as Zod from 'zod';
import { describeOptionValue, describeValue, OptionError } from '../errors.js';
import {
  MEMORY_PRESETS,
  processMemoryProbe,
  type MemoryPreset,
  type MemoryProbe,
  type PressureThresholds,
} from '../memory/pressure.js';

/** Memory-pressure settings (config `[proxy_generation.memory]`). */
export interface MemoryOptions {
  /** Budget the pressure levels are measured against. Default 512 (the seed's). */
  readonly maxMemoryMb?: number | undefined;
  /** Threshold preset. Default `default`. */
  readonly preset?: MemoryPreset | undefined;
  /** Overrides single thresholds of the preset (fractions of the budget). */
  readonly thresholds?: Partial<PressureThresholds> | undefined;
  /** `false` stops measuring: selection then uses the input size only. Default `true`. */
  readonly enableTracking?: boolean | undefined;
  /** Above this many channels automatic selection only picks bounded-memory strategies. Default 50,000. */
  readonly largeInputThreshold?: number | undefined;
  /** Reads memory; replace it to drive pressure in tests. */
  readonly probe?: MemoryProbe | undefined;
  /** Minimum time between two memory readings. Default 5 ms; 0 reads at every checkpoint. */
  readonly sampleIntervalMs?: number | undefined;
}

/**
 * Options of a generator, and per-run overrides of them.
 *
 * @example
 * ```ts
 * const options: GenerateOptions = {
 *   baseUrl: 'https://tv.example/iptv',
 *   proxyId: '01ARZ3NDEKTSV4RRFFQ69G5FAV',
 *   strategy: 'auto',
 *   memory: { maxMemoryMb: 512, preset: 'conservative' },
 * };
 * ```
 */
export interface GenerateOptions {
  /** Absolute http(s) URL, optionally with a path prefix. Default `http://localhost:8080`. */
  readonly baseUrl?: string | undefined;
  /** The proxy's ULID; without it URLs fall back to `{base_url}/stream/{channel_id}` with a warning. */
  readonly proxyId?: string | null | undefined;
  /** `auto` (default) or a registered strategy's name (`in-memory`, `streaming`, …). */
  readonly strategy?: string | undefined;
  /** A registered URL scheme's name. Default `proxy`. */
  readonly urlScheme?: string | undefined;
  /** Options for the URL scheme (e.g. a pattern and its token). */
  readonly urlOptions?: Readonly<Record<string, unknown>> | undefined;
  /** Make soft problems hard: a non-UUID channel id becomes an error. Default `false`. */
  readonly strict?: boolean | undefined;
  /**
   * Reject a channel id or number that an earlier record already has.
   * Default `true`; costs about 8 bytes per channel (fingerprints, not ids).
   */
  readonly checkDuplicates?: boolean | undefined;
  readonly memory?: MemoryOptions | undefined;
}

/** The names of {@link GenerateOptions}: a key outside them is refused (see {@link checkOptionNames}). */
export const GENERATE_OPTION_NAMES: readonly (keyof GenerateOptions)[] = namesOf<GenerateOptions>({
  baseUrl: true,
  proxyId: true,
  strategy: true,
  urlScheme: true,
  urlOptions: true,
  strict: true,
  checkDuplicates: true,
  memory: true,
});

const MEMORY_OPTION_NAMES = namesOf<MemoryOptions>({
  maxMemoryMb: true,
  preset: true,
  thresholds: true,
  enableTracking: true,
  largeInputThreshold: true,
  probe: true,
  sampleIntervalMs: true,
});
const THRESHOLD_NAMES = namesOf<PressureThresholds>({ moderate: true, high: true, critical: true, emergency: true });

/** Memory options given beside `memory` rather than in it (`maxMemoryMb: 256`): where they go, for {@link checkOptionNames}. */
export const MEMORY_OPTIONS_OUTSIDE = Object.freeze(
  Object.fromEntries(MEMORY_OPTION_NAMES.map((name) => [name, `an option inside memory: { memory: { ${name}: … } }`])) as Record<string, string>,
);

/**
 * The keys of an options type, from a record that must list every one of
 * them and nothing else (the compiler checks both), so adding an option
 * without allowing its name fails to build.
 *
 * @example
 * ```ts
 * const names = namesOf<{ a?: number; b?: string }>({ a: true, b: true }); // ['a', 'b']
 * ```
 */
export function namesOf<T>(all: { readonly [K in keyof Required<T>]: true }): readonly (keyof T & string)[] {
  return Object.freeze(Object.keys(all)) as readonly (keyof T & string)[];
}

/**
 * Edits between two names, for suggesting the name a mistyped one meant:
 * Levenshtein's, with two neighbouring letters swapped as one edit (optimal
 * string alignment), the commonest slip of typing (`tow` for `two`).
 *
 * @example
 * ```ts
 * editDistance('tow', 'two'); // 1
 * editDistance('none', 'long'); // 2
 * ```
 */
export function editDistance(a: string, b: string): number {
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      let d = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2]! + 1);
      current[j] = d;
    }
    before = previous;
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The name of `names` that `typed` most likely meant: the same but for case,
 * else the same words in another naming style (`max_memory_mb` for
 * `maxMemoryMb`), else the nearest within two edits, else the one name that it starts or
 * ends (`stream` for `streaming`, `extinf` for `extinfLine`, at least three
 * letters); `undefined` when none is that near, or when `typed` is not text
 * (a value checked against a set of names may be anything).
 *
 * @example
 * ```ts
 * closestName('baseURL', ['baseUrl', 'proxyId']); // 'baseUrl'
 * closestName('InMemory', ['in-memory', 'streaming']); // 'in-memory'
 * closestName('stream', ['in-memory', 'streaming']); // 'streaming'
 * closestName('colour', ['baseUrl', 'proxyId']); // undefined
 * closestName(42, ['speed', 'memory']); // undefined
 * ```
 */
export function closestName(typed: unknown, names: readonly string[]): string | undefined {
  if (typeof typed !== 'string') return undefined;
  const lower = typed.toLowerCase();
  const folded = names.find((name) => name.toLowerCase() === lower);
  if (folded !== undefined) return folded;
  // The same words in another naming style: max_memory_mb for maxMemoryMb, InMemory for in-memory, tvg-id for tvg_id.
  const bare = wordsOnly(typed);
  const restyled = bare.length < 3 ? undefined : names.find((name) => wordsOnly(name) === bare);
  if (restyled !== undefined) return restyled;
  let best: string | undefined;
  let bestDistance = 3;
  for (const name of names) {
    const distance = editDistance(typed, name);
    if (distance < bestDistance) [best, bestDistance] = [name, distance];
  }
  if (best !== undefined || lower.length < 3) return best;
  // A name cut short, or its last word alone: said only when one name fits.
  const fitting = names.filter((name) => name.toLowerCase().startsWith(lower) || name.toLowerCase().endsWith(lower));
  return fitting.length === 1 ? fitting[0] : undefined;
}

/**
 * Whether two names are the same words in different naming styles: equal
 * but for letter case and the separators styles differ by (`-`, `_`, `.`,
 * space). The tier of {@link closestName} that finds `max_memory_mb` for
 * `maxMemoryMb`, alone, for a caller that wants no nearer-spelling match.
 *
 * @example
 * ```ts
 * sameWords('checkDuplicates', 'check_duplicates'); // true
 * sameWords('check-duplicate', 'check_duplicates'); // false
 * ```
 */
export function sameWords(a: string, b: string): boolean {
  return wordsOnly(a) === wordsOnly(b);
}

/** A name lower-cased without the separators naming styles differ by (`-`, `_`, `.`, space). */
function wordsOnly(name: string): string {
  return name.toLowerCase().replace(/[-_. ]/g, '');
}

/**
 * The value a zod issue allowed that `value` most likely meant
 * ({@link closestName}), for an issue about a value outside a set: an enum
 * or literal (`invalid_value`), or a union of them (`invalid_union`, the
 * allowed names of every branch); `undefined` for any other issue or value.
 *
 * @example
 * ```ts
 * const issue = z.enum(['full', 'first', 'last']).safeParse('frist').error!.issues[0]!;
 * closestAllowedValue(issue, 'frist'); // 'first'
 * ```
 */
export function closestAllowedValue(issue: Zod.z.core.$ZodIssue, value: unknown): string | undefined {
  const allowed = (i: Zod.z.core.$ZodIssue): string[] =>
    i.code === 'invalid_value' ? i.values.filter((v): v is string => typeof v === 'string') : i.code === 'invalid_union' ? i.errors.flat().flatMap(allowed) : [];
  return closestName(value, allowed(issue));
}

/**
 * ` (did you mean "x"?)` after a message about a name, for the name it most
 * likely meant ({@link closestName}); `""` when there is none.
 *
 * @example
 * ```ts
 * `unknown option "stratgy"${didYouMean(closestName('stratgy', ['strategy']))}`; // 'unknown option "stratgy" (did you mean "strategy"?)'
 * ```
 */
export function didYouMean(meant: string | undefined): string {
  return meant === undefined ? '' : ` (did you mean "${meant}"?)`;
}

/**
 * Refuses an options object with a key outside `known`: from plain
 * JavaScript a misspelt option (`baseURL`, `stratgy`) would otherwise be
 * ignored, and the run would go on with the default. Keys whose value is
 * `undefined` count as unset and pass. `misplaced` names options that belong
 * somewhere else (a run's `cache` given to the generator), each with where it
 * goes; they are checked first.
 *
 * @throws {OptionError} naming the key (under `prefix`), with where it goes or the name it most likely meant.
 * @example
 * ```ts
 * checkOptionNames({ baseURL: 'http://localhost:8080' }, GENERATE_OPTION_NAMES);
 * // throws: option "baseURL": unknown option (did you mean "baseUrl"?)
 * ```
 */
export function checkOptionNames(options: unknown, known: readonly string[], prefix = '', misplaced: Readonly<Record<string, string>> = {}): void {
  if (typeof options !== 'object' || options === null) return;
  const value = (key: string): unknown => (options as Record<string, unknown>)[key];
  for (const [key, goes] of Object.entries(misplaced)) if (value(key) !== undefined) throw new OptionError(`${prefix}${key}`, goes);
  for (const key of Object.keys(options)) {
    if (known.includes(key) || value(key) === undefined) continue;
    const hint = didYouMean(closestName(key, known)) || (known.length === 0 ? '; none are accepted' : `; known: ${known.join(', ')}`);
    throw new OptionError(`${prefix}${key}`, `unknown option${hint}`);
  }
}

/** {@link GenerateOptions} with every default filled in. */
export interface ResolvedOptions {
  readonly baseUrl: string;
  readonly proxyId: string | undefined;
  readonly strategy: string;
  readonly urlScheme: string;
  readonly urlOptions: Readonly<Record<string, unknown>>;
  readonly strict: boolean;
  readonly checkDuplicates: boolean;
  readonly memory: {
    readonly maxMemoryBytes: number;
    readonly thresholds: PressureThresholds;
    readonly enableTracking: boolean;
    readonly largeInputThreshold: number;
    readonly probe: MemoryProbe;
    readonly sampleIntervalMs: number;
  };
}

/** The built-in defaults (contract §3). */
export const DEFAULT_OPTIONS = Object.freeze({
  baseUrl: 'http://localhost:8080',
  strategy: 'auto',
  urlScheme: 'proxy',
  maxMemoryMb: 512,
  preset: 'default' as MemoryPreset,
  largeInputThreshold: 50_000,
  sampleIntervalMs: 5,
});

function positive(key: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    // A number written as text ("512", from an environment variable) says so, as assigned_number does.
    const asText = typeof value === 'string' && Number(value) > 0 ? ' (a number, not text)' : '';
    throw new OptionError(key, `expected a positive number${asText}, got ${shown(value)}`);
  }
  return value;
}

/** A value as an option's error shows it: an object or list by its kind, anything else as a config's errors show it. */
function shown(value: unknown): string {
  return typeof value === 'object' && value !== null ? describeValue(value) : describeOptionValue(value);
}

/** A yes-or-no option: a string such as "false" is refused, not taken as true. */
function flag(key: string, value: boolean | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new OptionError(key, `expected true or false, got ${shown(value)}`);
  return value;
}

function text(key: string, value: string | undefined, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || value === '') throw new OptionError(key, `expected a non-empty string, got ${JSON.stringify(value)}`);
  return value;
}

/** The object without its `undefined` properties, so a merge never overwrites a value with "unset". */
function definedOnly<T extends object>(value: T | undefined): Partial<T> {
  if (value === undefined) return {};
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Merges `overrides` over `base` over the defaults (an `undefined` value never overrides) and checks the types.
 * URL-specific validation (base URL, proxy ULID) belongs to the URL scheme.
 *
 * @throws {OptionError} naming the option.
 *
 * @example
 * ```ts
 * resolveOptions({ baseUrl: 'http://localhost:8080' }, { strict: true }).strict; // true
 * ```
 */
export function resolveOptions(base: GenerateOptions, overrides: GenerateOptions = {}): ResolvedOptions {
  for (const memory of [base.memory, overrides.memory]) {
    if (memory === undefined) continue;
    checkOptionNames(memory, MEMORY_OPTION_NAMES, 'memory.');
    if (memory.thresholds !== undefined) checkOptionNames(memory.thresholds, THRESHOLD_NAMES, 'memory.thresholds.');
  }
  const memory: MemoryOptions = { ...definedOnly(base.memory), ...definedOnly(overrides.memory) };
  const preset = memory.preset ?? DEFAULT_OPTIONS.preset;
  const presetThresholds = Object.hasOwn(MEMORY_PRESETS, preset) ? MEMORY_PRESETS[preset] : undefined;
  if (presetThresholds === undefined) {
    throw new OptionError('memory.preset', `expected one of ${Object.keys(MEMORY_PRESETS).join(', ')}, got ${JSON.stringify(preset)}${didYouMean(closestName(preset, Object.keys(MEMORY_PRESETS)))}`);
  }
  const thresholds = { ...presetThresholds, ...memory.thresholds };
  for (const [name, value] of Object.entries(memory.thresholds ?? {})) {
    // A string compares as a number would ('0.5' > 0), and would then be kept as a string.
    if (typeof value !== 'number') throw new OptionError(`memory.thresholds.${name}`, `expected a fraction of memory.maxMemoryMb (a number such as 0.7), got ${shown(value)}`);
  }
  const order = [thresholds.moderate, thresholds.high, thresholds.critical, thresholds.emergency];
  if (order.some((t, i) => !(t > 0) || (i > 0 && t < order[i - 1]!))) {
    throw new OptionError('memory.thresholds', 'expected 0 < moderate <= high <= critical <= emergency');
  }
  const proxyId = overrides.proxyId !== undefined ? overrides.proxyId : base.proxyId;
  if (proxyId !== undefined && proxyId !== null && typeof proxyId !== 'string') {
    throw new OptionError('proxyId', `expected a ULID string, got ${JSON.stringify(proxyId)}`);
  }
  const sampleIntervalMs = memory.sampleIntervalMs ?? DEFAULT_OPTIONS.sampleIntervalMs;
  if (typeof sampleIntervalMs !== 'number' || !(sampleIntervalMs >= 0)) {
    throw new OptionError('memory.sampleIntervalMs', `expected a number >= 0, got ${JSON.stringify(sampleIntervalMs)}`);
  }
  const urlOptions: unknown = overrides.urlOptions ?? base.urlOptions;
  if (urlOptions !== undefined && (typeof urlOptions !== 'object' || urlOptions === null || Array.isArray(urlOptions))) {
    throw new OptionError('urlOptions', `expected an object of the URL scheme's options ({ pattern: '…' }), got ${describeValue(urlOptions)}`);
  }
  const probe: unknown = memory.probe;
  if (probe !== undefined && typeof probe !== 'function') throw new OptionError('memory.probe', `expected a function that reads memory (() => ({ rssBytes, heapUsedBytes, heapLimitBytes })), got ${describeValue(probe)}`);
  return Object.freeze({
    baseUrl: text('baseUrl', overrides.baseUrl ?? base.baseUrl, DEFAULT_OPTIONS.baseUrl),
    proxyId: proxyId === null || proxyId === '' ? undefined : proxyId,
    strategy: text('strategy', overrides.strategy ?? base.strategy, DEFAULT_OPTIONS.strategy),
    urlScheme: text('urlScheme', overrides.urlScheme ?? base.urlScheme, DEFAULT_OPTIONS.urlScheme),
    urlOptions: Object.freeze({ ...base.urlOptions, ...overrides.urlOptions }),
    strict: flag('strict', overrides.strict ?? base.strict, false),
    checkDuplicates: flag('checkDuplicates', overrides.checkDuplicates ?? base.checkDuplicates, true),
    memory: Object.freeze({
      maxMemoryBytes: positive('memory.maxMemoryMb', memory.maxMemoryMb, DEFAULT_OPTIONS.maxMemoryMb) * 1024 * 1024,
      thresholds: Object.freeze(thresholds),
      enableTracking: flag('memory.enableTracking', memory.enableTracking, true),
      largeInputThreshold: positive('memory.largeInputThreshold', memory.largeInputThreshold, DEFAULT_OPTIONS.largeInputThreshold),
      probe: memory.probe ?? processMemoryProbe,
      sampleIntervalMs,
    }),
  });
}
