import { readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { localModuleGraph } from './local-imports.js';
import { registerHooksFile } from './loader-hooks.js';

/** How a module file was last imported: by which URL, its bytes then, the local modules it imported (once known) and whether that import failed. */
interface Imported {
  readonly content: Buffer | undefined;
  readonly url: string;
  /** Each local module the file imported and its text then; `undefined` until the file is imported a second time. */
  readonly imports: ReadonlyMap<string, string | undefined> | undefined;
  failed: boolean;
}

/** How each module file was last imported, by path. */
const imported = new Map<string, Imported>();
/** Imports so far of files that changed after an earlier import: each needs a URL not imported before. */
let reimports = 0;
const require = createRequire(import.meta.url);

/** A file's bytes; `undefined` if it cannot be read. Compared whole: an edit within the clock's tick that keeps the size still counts. */
function contentOf(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

/** The path with its links resolved (as CommonJS keeps modules); the path itself if it cannot be resolved. */
function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

function sameContent(a: Buffer | undefined, b: Buffer | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && a.equals(b));
}

/** Whether the local modules a file imports now are those it imported before, each with the same text. */
function sameImports(before: ReadonlyMap<string, string | undefined>, now: ReadonlyMap<string, string | undefined>): boolean {
  if (before.size !== now.size) return false;
  for (const [path, content] of now) {
    if (!before.has(path) || before.get(path) !== content) return false;
  }
  return true;
}

/**
 * The URL that imports the module file at `path` (absolute) as it is now,
 * with the local modules it imports. Node keeps every module it imported
 * for the life of the process, by URL; a file that changed since this
 * process imported it, or one of whose local imports (relative or absolute
 * specifiers, at any depth: {@link localModuleGraph}) changed, gets a new
 * URL (`?m3ugen-load=N`), and its local imports are given the same query
 * as they load (`versioned-imports-hooks.ts`), so a config or plugin
 * edited while `m3ugen generate --watch` runs, or a helper module it
 * imports, is read anew when it is loaded again. Packages it imports stay
 * the modules first loaded. An unchanged file keeps its URL, so its module
 * stays the one instance (nothing is loaded twice, and `instanceof` holds
 * across loads). A first import reads nothing but the file: a process
 * that loads its config once pays for no import graph. So on its second
 * import, a file with local imports, which were not recorded, is imported
 * anew. Call {@link moduleImportFailed} when the import fails: Node keeps a
 * failed module too, and the next load must try again (a file it imports
 * may have been added since).
 *
 * @example
 * ```ts
 * const module = await import(await currentModuleUrl('/srv/m3ugen/catchup.mjs'));
 * ```
 */
export async function currentModuleUrl(path: string): Promise<string> {
  const content = contentOf(path);
  const earlier = imported.get(path);
  const { href } = pathToFileURL(path);
  if (earlier === undefined) {
    imported.set(path, { content, url: href, imports: undefined, failed: false });
    return href;
  }
  const graph = await localModuleGraph(path);
  const imports = new Map(graph.filter((module) => module.path !== path).map((module) => [module.path, module.content]));
  const importsSame = earlier.imports === undefined ? imports.size === 0 : sameImports(earlier.imports, imports);
  if (!earlier.failed && importsSame && sameContent(earlier.content, content)) return earlier.url;
  const url = `${href}?m3ugen-load=${++reimports}`;
  // A CommonJS module is kept by its real path whatever URL imports it: forget it and its local imports, or the import gives the old ones.
  for (const file of [path, ...imports.keys()]) delete require.cache[realPath(file)];
  // Only a process that imports a file with local imports a second time pays for the hook (tens of milliseconds to register).
  if (imports.size > 0) registerHooksFile('versioned-imports-hooks');
  imported.set(path, { content, url, imports, failed: false });
  return url;
}

/**
 * Notes that importing the file at `path` by {@link currentModuleUrl}'s URL
 * failed, so that the next load imports it by a new URL, changed or not.
 *
 * @example
 * ```ts
 * try { await import(await currentModuleUrl(path)); } catch (error) { moduleImportFailed(path); throw error; }
 * ```
 */
export function moduleImportFailed(path: string): void {
  const earlier = imported.get(path);
  if (earlier !== undefined) earlier.failed = true;
}

/** Errors guarded imports rejected with: Node's second report of one of them is not a second failure. */
const failedImports = new WeakSet<object>();

/** Ends the process with a rejection nobody handled, as Node does without a listener. */
function rethrowUnhandled(reason: unknown): void {
  if (typeof reason === 'object' && reason !== null && failedImports.has(reason)) return;
  throw reason;
}

/**
 * Imports `url`, as `import(url)`. Node 20 reports an error thrown while
 * loading a CommonJS module that an ES module imports twice: as the
 * import's rejection, and again as a rejection nobody handles, which ends
 * the process (nodejs/node#51603) before the import's caller can say what
 * failed. A rejection whose reason is the error such an import rejected
 * with is passed over here; any other ends the process as before.
 *
 * @example
 * ```ts
 * const module = await importModule(await currentModuleUrl('/srv/m3ugen/catchup.mjs'));
 * ```
 */
export async function importModule(url: string): Promise<Record<string, unknown>> {
  process.on('unhandledRejection', rethrowUnhandled);
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (error) {
    if (typeof error === 'object' && error !== null) failedImports.add(error);
    // Node reports the stray rejection once the pending callbacks have run: listen until past that.
    await new Promise((resolve) => setImmediate(resolve));
    throw error;
  } finally {
    process.off('unhandledRejection', rethrowUnhandled);
  }
}

/**
 * Imports the module file at `path` (absolute, links resolved) as it is
 * now ({@link currentModuleUrl}), through {@link importModule}; a failed
 * import is noted ({@link moduleImportFailed}), so the next load tries
 * again.
 *
 * @example
 * ```ts
 * const config = (await importCurrentModule('/srv/m3ugen/m3ugen.config.mjs'))['default'];
 * ```
 */
export async function importCurrentModule(path: string): Promise<Record<string, unknown>> {
  try {
    return await importModule(await currentModuleUrl(path));
  } catch (error) {
    moduleImportFailed(path);
    throw error;
  }
}
