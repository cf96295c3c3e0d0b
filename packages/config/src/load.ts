import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { checkPlugins, closestAllowedValue, describeOptionValue, describeValue, didYouMean, keyPath, OptionError, valueAtPath } from '@m3ugen/core';
import { missingFileHint, readFailureReason } from '@m3ugen/reader';
import type * as Zod from 'zod';
import { ConfigError } from './config-error.js';
import { configLoaders, displayPath, loadJson } from './loaders.js';
import { configSchemas, type M3ugenConfig } from './schema.js';
import { lookalikeConfigFiles, mayFindConfig, type OverlookedConfigFile } from './search.js';
import { typeScriptImportFailure } from './typescript.js';
import { unknownKeysOfWellFormed } from './well-formed.js';

const MODULE = 'm3ugen';

/** Where cosmiconfig looks, in order (contract §4). */
export const CONFIG_SEARCH_PLACES: readonly string[] = Object.freeze([
  'package.json',
  `.${MODULE}rc`,
  `.${MODULE}rc.json`,
  `.${MODULE}rc.yaml`,
  `.${MODULE}rc.yml`,
  `.${MODULE}rc.toml`,
  `${MODULE}.config.ts`,
  `${MODULE}.config.mts`,
  `${MODULE}.config.js`,
  `${MODULE}.config.mjs`,
  `${MODULE}.config.cjs`,
  `${MODULE}.config.json`,
  `${MODULE}.config.yaml`,
  `${MODULE}.config.yml`,
  `${MODULE}.config.toml`,
]);

/** The name of a JavaScript config in TypeScript, where m3ugen loads one (no `.cts`: a CommonJS config stays JavaScript). */
const CONFIG_IN_TYPESCRIPT: Readonly<Record<string, string>> = Object.freeze({ '.js': '.ts', '.mjs': '.mts' });

/** A configuration as loaded. */
export interface LoadedConfig {
  readonly config: M3ugenConfig;
  /** The file it came from; `undefined` when none was found (built-in defaults). */
  readonly file: string | undefined;
  /** Relative paths in the config (input, output, plugins) resolve from here. */
  readonly dir: string;
  /** Keys that were ignored, e.g. `web.port`. */
  readonly unknownKeys: readonly string[];
}

function describe(issue: Zod.z.core.$ZodIssue, raw: unknown): string {
  const value = valueAtPath(raw, issue.path as PropertyKey[]);
  if (issue.code === 'custom') return issue.message;
  // JSON has no functions: a plugin factory listed without being called would read "got undefined".
  if (typeof value === 'function' && issue.path[0] === 'plugins') return notAPlugin(value);
  return `${issue.message}, got ${describeOptionValue(value)}${quotedMend(issue, value)}${didYouMean(closestAllowedValue(issue, value))}${issue.path[0] === 'plugins' && issue.path.length === 2 ? pluginEntryMend(value) : ''}`;
}

/**
 * A number or a flag written in quotes (`max_memory_mb = "512"`,
 * `strict: "true"`): text to the config's format, and the mend is to drop
 * the quotes.
 */
function quotedMend(issue: Zod.z.core.$ZodIssue, value: unknown): string {
  if (issue.code !== 'invalid_type' || typeof value !== 'string') return '';
  const unquoted = value.trim();
  const fits = issue.expected === 'number' ? unquoted !== '' && Number.isFinite(Number(unquoted)) : issue.expected === 'boolean' && (unquoted === 'true' || unquoted === 'false');
  return fits ? ` (text: write ${unquoted} without quotes)` : '';
}

/**
 * The list form of a plugin entry written as a table, as other tools take
 * it: `{ name = "x", options = { … } }` or `{ "x" = { … } }`.
 *
 * @example
 * ```ts
 * pluginEntryMend({ name: '@m3ugen/attributes', options: { ready: ['catchup'] } });
 * // ': write it as ["@m3ugen/attributes", { options }]'
 * ```
 */
function pluginEntryMend(value: unknown): string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return '';
  const entries = Object.entries(value);
  const named = (value as { name?: unknown }).name;
  const name = typeof named === 'string' ? named : entries.length === 1 && typeof entries[0]![1] === 'object' ? entries[0]![0] : undefined;
  if (name === undefined) return '';
  const withOptions = typeof named === 'string' ? entries.some(([key]) => key !== 'name') : true;
  return `: write it as ${withOptions ? `[${JSON.stringify(name)}, { options }]` : JSON.stringify(name)}`;
}

/** Why `value` is not a plugin, in the words the generator uses for its own `plugins` list. */
function notAPlugin(value: unknown): string {
  try {
    checkPlugins([value]);
  } catch (error) {
    if (error instanceof OptionError) return error.reason;
  }
  return 'expected a plugin';
}

/**
 * The config without the given key paths. Only the objects along those paths
 * are copied (shallowly); everything else is shared, so plugin objects of JS
 * configs, which cannot be cloned, pass through untouched.
 */
function withoutKeys(raw: unknown, unknown: readonly (readonly PropertyKey[])[]): unknown {
  const root = { ...(raw as Record<PropertyKey, unknown>) };
  for (const path of unknown) {
    let target = root;
    for (const key of path.slice(0, -1)) {
      const copy = { ...(target[key] as Record<PropertyKey, unknown>) };
      target[key] = copy;
      target = copy;
    }
    delete target[path.at(-1)!];
  }
  return root;
}

/**
 * Validates a raw configuration object. Unknown keys are returned, not
 * rejected; any other problems are one {@link ConfigError} naming each key path.
 *
 * @example
 * ```ts
 * validateConfig({ web: { base_url: 'http://localhost:8080' } }, 'm3ugen.json');
 * ```
 */
export function validateConfig(raw: unknown, file?: string): { config: M3ugenConfig; unknownKeys: string[] } {
  const unknownPaths = unknownKeysOfWellFormed(raw ?? {});
  if (unknownPaths !== undefined) {
    const config = (unknownPaths.length === 0 ? (raw ?? {}) : withoutKeys(raw, unknownPaths)) as M3ugenConfig;
    return { config, unknownKeys: unknownPaths.map(keyPath) };
  }
  return validateWithSchema(raw, file);
}

/** {@link validateConfig} by the zod schema alone: the reference, and what words every error. */
export function validateWithSchema(raw: unknown, file?: string): { config: M3ugenConfig; unknownKeys: string[] } {
  const configSchema = configSchemas().config;
  let result = configSchema.safeParse(raw ?? {});
  const unknownKeys: string[] = [];
  if (!result.success) {
    const unknownPaths: PropertyKey[][] = [];
    for (const issue of result.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) {
          unknownPaths.push([...issue.path, key]);
          unknownKeys.push(keyPath([...issue.path, key]));
        }
      }
    }
    const problems = result.error.issues
      .filter((issue) => issue.code !== 'unrecognized_keys')
      .map((issue) => ({ key: issue.path.length === 0 ? '(root)' : keyPath(issue.path), reason: describe(issue, raw) }));
    if (isNonEmpty(problems)) throw ConfigError.of(problems, file);
    result = configSchema.safeParse(withoutKeys(raw, unknownPaths));
    if (!result.success) throw new ConfigError(result.error.issues[0]?.message ?? 'invalid configuration', { file });
  }
  return { config: result.data, unknownKeys };
}

function isNonEmpty<T>(list: readonly T[]): list is readonly [T, ...T[]] {
  return list.length > 0;
}

/** A failure while finding or loading, as a ConfigError naming the file cosmiconfig was reading. */
async function asConfigError(error: unknown, searched: string): Promise<ConfigError> {
  if (error instanceof ConfigError) return error;
  const failed = (error as { filepath?: unknown } | null)?.filepath;
  const file = typeof failed === 'string' ? failed : searched;
  // cosmiconfig's own settings lookup parses JSON with its loader, not ours: say it the same way as ours.
  if (file.endsWith('.json')) {
    try {
      await loadJson(file, readFileSync(file, 'utf8'));
    } catch (ours) {
      if (ours instanceof ConfigError) return ours;
    }
  }
  const missing = missingImport(error, file) ?? typeScriptImportFailure(error, file, CONFIG_IN_TYPESCRIPT);
  if (missing !== undefined) return new ConfigError(`cannot load the configuration: ${missing}`, { file: displayPath(file) }, { cause: error });
  // Said as the input reader says it, not as the system call did ("EISDIR: illegal operation on a directory, read").
  return new ConfigError(`cannot load the configuration: ${readFailureReason(error)}`, { file: displayPath(file) }, { cause: error });
}

/**
 * What a config module imports that Node cannot find, in words. Node's own
 * message names the importing module as it was loaded (a TS config with the
 * query that makes each load fresh); the documented `defineConfig` import
 * is what most often fails, where m3ugen is installed globally and not
 * beside the config file.
 */
function missingImport(error: unknown, file: string): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (code !== 'ERR_MODULE_NOT_FOUND') return undefined;
  const message = (error as Error).message;
  const pkg = /Cannot find package '([^']+)'/.exec(message)?.[1];
  if (pkg !== undefined) {
    const types = pkg === '@m3ugen/config' ? '; or export the object without defineConfig, which only adds types' : '';
    return `it imports "${pkg}", which is not installed where the config file is (${dirname(file)}): install it there (npm install --save-dev ${pkg})${types}`;
  }
  const module = /Cannot find module '([^']+)'/.exec(message)?.[1];
  return module === undefined ? undefined : `it imports ${module}, which does not exist`;
}

/** Refuses, in words, what a JavaScript caller may pass instead of {@link loadConfig}'s options: a path given alone is otherwise a search from the working folder. */
function checkLoadOptions(options: unknown): void {
  if (typeof options === 'string') {
    throw new TypeError(`loadConfig: expected options ({ file?, searchFrom? }), got ${JSON.stringify(options)}: to load this file, pass { file: ${JSON.stringify(options)} }`);
  }
  if (typeof options !== 'object' || options === null) throw new TypeError(`loadConfig: expected options ({ file?, searchFrom? }), got ${describeValue(options)}`);
  for (const key of ['file', 'searchFrom'] as const) {
    const value = (options as Record<string, unknown>)[key];
    if (value !== undefined && typeof value !== 'string') throw new TypeError(`loadConfig: option "${key}" must be a path, got ${describeValue(value)}`);
  }
}

/**
 * Finds and loads the configuration: the given file, or the first of
 * {@link CONFIG_SEARCH_PLACES} from `searchFrom` up to the nearest
 * package.json. No file found means the built-in defaults.
 *
 * @throws {ConfigError} for a missing or unreadable file, bad syntax or invalid keys.
 * @example
 * ```ts
 * const { config, file, dir } = await loadConfig({ file: 'examples/basic/m3ugen.toml' });
 * ```
 */
export async function loadConfig(options: { file?: string | undefined; searchFrom?: string | undefined } = {}): Promise<LoadedConfig> {
  checkLoadOptions(options);
  let found: { config: unknown; filepath: string } | null;
  const explicit = options.file === undefined ? undefined : resolve(options.file);
  const searchFrom = resolve(options.searchFrom ?? process.cwd());
  if (explicit === undefined && !mayFindConfig(searchFrom, CONFIG_SEARCH_PLACES, MODULE)) return { config: {}, file: undefined, dir: searchFrom, unknownKeys: [] };
  try {
    const { cosmiconfig } = await import('cosmiconfig');
    // Inside the try: creating the explorer already reads the working directory's
    // package.json, for cosmiconfig's own settings.
    const explorer = cosmiconfig(MODULE, {
      searchPlaces: [...CONFIG_SEARCH_PLACES],
      loaders: configLoaders,
      searchStrategy: 'project',
      cache: false,
    });
    if (explicit !== undefined) {
      if (!existsSync(explicit)) throw new ConfigError(`config file not found${missingFileHint(explicit, options.file)}`, { file: options.file });
      found = await explorer.load(explicit);
    } else {
      found = await explorer.search(searchFrom);
    }
  } catch (error) {
    throw await asConfigError(error, explicit ?? searchFrom);
  }
  if (found === null) return { config: {}, file: undefined, dir: searchFrom, unknownKeys: [] };
  const shown = displayPath(found.filepath);
  const { config, unknownKeys } = validateConfig(found.config, shown);
  return { config, file: shown, dir: dirname(found.filepath), unknownKeys };
}

/**
 * The files in `dir` named like an m3ugen config but not among
 * {@link CONFIG_SEARCH_PLACES} (`m3ugen.toml`, `.m3ugen.yaml`,
 * `m3ugenrc.json`, `m3ugenrc`), each with a name a search would read. A
 * search that finds nothing takes the built-in defaults, so a tool says
 * these rather than quietly ignoring the file its user meant.
 *
 * @example
 * ```ts
 * const { file } = await loadConfig();
 * if (file === undefined) {
 *   for (const o of overlookedConfigFiles()) console.warn(`${o.file} is not read: rename it ${o.searchedName}`);
 * }
 * ```
 */
export function overlookedConfigFiles(dir: string = process.cwd()): OverlookedConfigFile[] {
  return lookalikeConfigFiles(resolve(dir), MODULE);
}
