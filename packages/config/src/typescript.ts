import { basename, extname } from 'node:path';
import { registerHooksFile } from './loader-hooks.js';

/**
 * Lets this thread import TypeScript files, which Node 20 cannot: registers
 * the hooks of `typescript-hooks.ts` (once per thread; a worker thread
 * registers its own). Every `.ts`, `.mts` or `.cts` file imported afterwards
 * is transpiled in memory as it loads, so a TypeScript plugin or config may
 * import other TypeScript files, and nothing is written beside them.
 */
export function registerTypeScript(): void {
  registerHooksFile('typescript-hooks');
}

/** The TypeScript extension of each JavaScript one: what a plugin renamed to TypeScript is called. */
const TYPESCRIPT_OF: Readonly<Record<string, string>> = Object.freeze({ '.js': '.ts', '.mjs': '.mts', '.cjs': '.cts' });

/**
 * Why a JavaScript file (a plugin, a config) failed to load, when it was for
 * importing a TypeScript file, and the mend: Node 20 refuses `.ts` files
 * unless the hooks are registered before the importer loads, which m3ugen
 * does for TypeScript entry files only (registering costs every run
 * 45–60 ms), so the importer is to be TypeScript too. `undefined` for any
 * other failure, or an importer whose extension `renames` has no TypeScript
 * one for.
 *
 * @example
 * ```ts
 * typeScriptImportFailure(error, '/srv/m3ugen/plugin.mjs');
 * // '/srv/m3ugen/helper.ts is TypeScript, which plugin.mjs (JavaScript) cannot import: rename it plugin.mts, …'
 * ```
 */
export function typeScriptImportFailure(error: unknown, importer: string, renames: Readonly<Record<string, string>> = TYPESCRIPT_OF): string | undefined {
  if ((error as { code?: unknown } | null)?.code !== 'ERR_UNKNOWN_FILE_EXTENSION') return undefined;
  const imported = /^Unknown file extension "\.[cm]?ts" for (.+)$/.exec((error as Error).message)?.[1];
  const name = basename(importer);
  const extension = extname(name);
  const renamed = renames[extension];
  if (imported === undefined || renamed === undefined) return undefined;
  return `${imported} is TypeScript, which ${name} (JavaScript) cannot import: rename it ${name.slice(0, -extension.length)}${renamed}, and the TypeScript it imports loads with it, or import the compiled JavaScript`;
}
