/*
 * Most runs of the command have no config file, and importing cosmiconfig
 * (with the JSON and YAML parsers it loads) costs ~35 ms of a 10-channel
 * run. So before a search, the file system alone answers whether cosmiconfig
 * could find anything; only a "maybe" loads it, and cosmiconfig decides. The
 * check is conservative: anything it cannot rule out is a "maybe".
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** Whether package.json at `path` has the key `key` (or cannot be read as JSON: let cosmiconfig say why). */
function packageHas(path: string, key: string): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return true;
  }
  return typeof parsed !== 'object' || parsed === null || Object.hasOwn(parsed, key);
}

/** cosmiconfig's settings for every tool (meta config), which may add search places: read from the working directory only. */
const META_PLACES = ['package.yaml', '.config/config.json', '.config/config.yaml', '.config/config.yml', '.config/config.js', '.config/config.ts', '.config/config.cjs', '.config/config.mjs'];

function hasMetaConfig(cwd: string): boolean {
  if (META_PLACES.some((place) => existsSync(join(cwd, place)))) return true;
  const pkg = join(cwd, 'package.json');
  return existsSync(pkg) && packageHas(pkg, 'cosmiconfig');
}

/**
 * `false` only when a cosmiconfig search for `moduleName` in `places`, with
 * the `project` strategy (from `from` up to the nearest folder with a
 * package.json or package.yaml), cannot find a config.
 *
 * @example
 * ```ts
 * if (!mayFindConfig(process.cwd(), CONFIG_SEARCH_PLACES, 'm3ugen')) return defaults;
 * ```
 */
export function mayFindConfig(from: string, places: readonly string[], moduleName: string): boolean {
  if (hasMetaConfig(process.cwd())) return true;
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    for (const place of places) {
      const path = join(dir, place);
      if (existsSync(path) && (place !== 'package.json' || packageHas(path, moduleName))) return true;
    }
    if (existsSync(join(dir, 'package.json')) || existsSync(join(dir, 'package.yaml'))) return false;
    if (dirname(dir) === dir) return false;
  }
}

/** Extensions a config file may have (those of `m3ugen.config.*`), and those `.m3ugenrc.*` may have. */
const CONFIG_EXTENSIONS = ['toml', 'yaml', 'yml', 'json', 'js', 'mjs', 'cjs', 'ts', 'mts'];
const RC_EXTENSIONS = new Set(['toml', 'yaml', 'yml', 'json']);

/** A file named like a config that a search does not read, and the name it would be read under. */
export interface OverlookedConfigFile {
  /** Its name in the folder, e.g. `m3ugen.toml`. */
  readonly file: string;
  /** A name the search reads, e.g. `m3ugen.config.toml`. */
  readonly searchedName: string;
}

/** The files in `dir` named like a config for `moduleName` but not searched for; see `overlookedConfigFiles` in load.ts. */
export function lookalikeConfigFiles(dir: string, moduleName: string): OverlookedConfigFile[] {
  const rc = `${moduleName}rc`;
  const candidates: OverlookedConfigFile[] = [{ file: rc, searchedName: `.${rc}` }];
  for (const extension of CONFIG_EXTENSIONS) {
    const searchedName = `${moduleName}.config.${extension}`;
    candidates.push(
      { file: `${moduleName}.${extension}`, searchedName },
      { file: `.${moduleName}.${extension}`, searchedName },
      // The dot left out of `.m3ugenrc.toml`; `.m3ugenrc.js` is not searched for either.
      { file: `${rc}.${extension}`, searchedName: RC_EXTENSIONS.has(extension) ? `.${rc}.${extension}` : searchedName },
    );
  }
  return candidates.filter(({ file }) => existsSync(join(dir, file)));
}
