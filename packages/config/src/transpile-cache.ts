/*
 * Transpiled TypeScript kept between runs, so that a run whose TS config or
 * plugins have not changed does not load TypeScript's compiler (9 MB of
 * JavaScript: about 0.4 s and 45 MB of each such run, measured). Used by
 * the TypeScript hooks (typescript-hooks.ts), in Node's loader thread.
 *
 * One file per source file and module kind, named by a hash of its path, so
 * the folder holds as many files as there are TypeScript files ever loaded,
 * however often they are edited. Each starts with a line holding the hash of
 * everything the output depends on (this format, TypeScript's version and
 * options, the module kind, the file's path and text); any other first line
 * is a miss. A cache that cannot be read or written is no cache: the file
 * is transpiled as before, and the run never fails for it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';

/** Bumped when what is kept changes shape (the compiler's options are part of each stamp). */
const FORMAT = 'm3ugen-transpiled-1';

/** The environment variable naming the folder (`off`, or empty, for none). */
export const TRANSPILE_CACHE_VARIABLE = 'M3UGEN_CACHE_DIR';

/**
 * The folder transpiled TypeScript is kept in: `M3UGEN_CACHE_DIR` when set
 * (`off` or empty: no cache), else `typescript` in the user's cache folder
 * (`$XDG_CACHE_HOME/m3ugen`, `~/.cache/m3ugen`, `%LOCALAPPDATA%\m3ugen` on
 * Windows); `undefined` when there is none (no home folder).
 *
 * @example
 * ```ts
 * transpileCacheFolder({ HOME: '/home/tv' }, 'linux', '/home/tv'); // '/home/tv/.cache/m3ugen/typescript'
 * transpileCacheFolder({ M3UGEN_CACHE_DIR: 'off' });                // undefined
 * ```
 */
export function transpileCacheFolder(
  env: Readonly<Record<string, string | undefined>> = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = safeHomedir(),
): string | undefined {
  const chosen = env[TRANSPILE_CACHE_VARIABLE];
  if (chosen !== undefined) return chosen === '' || chosen === 'off' ? undefined : resolve(chosen, 'typescript');
  const xdg = env['XDG_CACHE_HOME'];
  if (xdg !== undefined && isAbsolute(xdg)) return join(xdg, 'm3ugen', 'typescript');
  const local = env['LOCALAPPDATA'];
  if (platform === 'win32' && local !== undefined && local !== '') return join(local, 'm3ugen', 'typescript');
  return home === '' ? undefined : join(home, '.cache', 'm3ugen', 'typescript');
}

function safeHomedir(): string {
  try {
    return homedir();
  } catch {
    return ''; // a user without a home folder (a service's own uid)
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Where one source file's output is kept, and the first line that says it is current. */
export interface TranspileCacheEntry {
  readonly file: string;
  readonly stamp: string;
}

/**
 * The cache entry of the TypeScript file at `path` with text `source`, as
 * transpiled to an ES module or (`commonJs`) CommonJS by `compiler` (its
 * version and the options it is given, as text), kept in `folder` (see {@link transpileCacheFolder});
 * `undefined` when there is no folder.
 *
 * @example
 * ```ts
 * const entry = transpileCacheEntry('/srv/m3ugen/m3ugen.config.ts', source, false, '5.9.3', '/home/tv/.cache/m3ugen/typescript');
 * entry?.file; // '/home/tv/.cache/m3ugen/typescript/3f2a….js'
 * ```
 */
export function transpileCacheEntry(
  path: string,
  source: string,
  commonJs: boolean,
  compiler: string,
  folder: string | undefined,
): TranspileCacheEntry | undefined {
  if (folder === undefined) return undefined;
  const kind = commonJs ? 'cjs' : 'esm';
  return {
    file: join(folder, `${sha256(`${kind}\0${path}`)}.js`),
    stamp: `// ${FORMAT} ${sha256(`${FORMAT}\0${compiler}\0${kind}\0${path}\0${source}`)}\n`,
  };
}

/**
 * The output kept for `entry`, or `undefined` when there is none, it was
 * made from another text, compiler or module kind, or it cannot be read.
 */
export function readTranspiled(entry: TranspileCacheEntry | undefined): string | undefined {
  if (entry === undefined) return undefined;
  let kept: string;
  try {
    kept = readFileSync(entry.file, 'utf8');
  } catch {
    return undefined;
  }
  return kept.startsWith(entry.stamp) ? kept.slice(entry.stamp.length) : undefined;
}

/**
 * Keeps `output` for `entry`: written beside under a name of its own, then
 * renamed over the entry, so a run reading it meanwhile sees the old output
 * or the new, whole. The folder is made readable by its owner only. Any
 * failure (a read-only home, a full disk) is ignored.
 */
export function keepTranspiled(entry: TranspileCacheEntry | undefined, output: string): void {
  if (entry === undefined) return;
  const temporary = `${entry.file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    mkdirSync(dirname(entry.file), { recursive: true, mode: 0o700 });
    writeFileSync(temporary, entry.stamp + output, { mode: 0o600 });
    renameSync(temporary, entry.file);
  } catch {
    try {
      rmSync(temporary, { force: true });
    } catch {
      // left for nobody: the folder refused the write already
    }
  }
}
