import { existsSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { cosmiconfig, defaultLoaders, type Loader } from 'cosmiconfig';
import type * as Zod from 'zod';
import { ConfigError } from './config-error.js';
import { configSchemas, type M3ugenConfig } from './schema.js';

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

// smol-toml is imported when a TOML file is found, not at start-up (~16 ms of a run without one).
const loadToml: Loader = async (filepath, content) => {
  const { parse, TomlError } = await import('smol-toml');
  try {
    return parse(content);
  } catch (error) {
    const where = error instanceof TomlError ? ` at line ${error.line}, column ${error.column}` : '';
    const first = error instanceof Error ? (error.message.split('\n')[0] ?? error.message) : String(error);
    throw new ConfigError(`invalid TOML${where}: ${first}`, { file: filepath }, { cause: error });
  }
};

const loaders = { '.toml': loadToml, '.mts': defaultLoaders['.ts'] };

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

function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel === '' || rel.startsWith('..') ? file : rel;
}

function describe(issue: Zod.z.core.$ZodIssue, raw: unknown): string {
  let value: unknown = raw;
  for (const key of issue.path) value = typeof value === 'object' && value !== null ? (value as Record<PropertyKey, unknown>)[key as PropertyKey] : undefined;
  if (issue.code === 'custom') return issue.message;
  const got = value === undefined ? 'nothing' : JSON.stringify(value);
  return `${issue.message}, got ${got && got.length > 60 ? `${got.slice(0, 60)}…` : got}`;
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
 * rejected; any other problem is a {@link ConfigError} naming the key path.
 *
 * @example
 * ```ts
 * validateConfig({ web: { base_url: 'http://localhost:8080' } }, 'm3ugen.json');
 * ```
 */
export function validateConfig(raw: unknown, file?: string): { config: M3ugenConfig; unknownKeys: string[] } {
  const configSchema = configSchemas().config;
  let result = configSchema.safeParse(raw ?? {});
  const unknownKeys: string[] = [];
  if (!result.success) {
    const unknownPaths: PropertyKey[][] = [];
    for (const issue of result.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) {
          unknownPaths.push([...issue.path, key]);
          unknownKeys.push([...issue.path, key].map(String).join('.'));
        }
      }
    }
    const real = result.error.issues.find((issue) => issue.code !== 'unrecognized_keys');
    if (real !== undefined) {
      throw new ConfigError(describe(real, raw), { file, key: real.path.length === 0 ? '(root)' : real.path.map(String).join('.') });
    }
    result = configSchema.safeParse(withoutKeys(raw, unknownPaths));
    if (!result.success) throw new ConfigError(result.error.issues[0]?.message ?? 'invalid configuration', { file });
  }
  return { config: result.data, unknownKeys };
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
  const explorer = cosmiconfig(MODULE, {
    searchPlaces: [...CONFIG_SEARCH_PLACES],
    loaders,
    searchStrategy: 'project',
    cache: false,
  });
  let found: { config: unknown; filepath: string } | null;
  const explicit = options.file === undefined ? undefined : resolve(options.file);
  try {
    if (explicit !== undefined) {
      if (!existsSync(explicit)) throw new ConfigError('config file not found', { file: options.file });
      found = await explorer.load(explicit);
    } else {
      found = await explorer.search(options.searchFrom ?? process.cwd());
    }
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const file = explicit ?? options.searchFrom ?? process.cwd();
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(`cannot load the configuration: ${reason}`, { file: displayPath(file) }, { cause: error });
  }
  if (found === null) return { config: {}, file: undefined, dir: resolve(options.searchFrom ?? process.cwd()), unknownKeys: [] };
  const shown = displayPath(found.filepath);
  const { config, unknownKeys } = validateConfig(found.config, shown);
  return { config, file: shown, dir: dirname(found.filepath), unknownKeys };
}
