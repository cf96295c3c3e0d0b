import { readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

/** The URL each module file was last imported by, the file's bytes then, and whether that import failed, by path. */
const imported = new Map<string, { readonly content: Buffer | undefined; readonly url: string; failed: boolean }>();
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

/**
 * The URL that imports the module file at `path` (absolute) as
 * it is now. Node keeps every module it imported for the life of the
 * process, by URL; a file whose bytes changed since this process imported
 * it gets a new URL (`?m3ugen-load=N`), so a config or plugin edited while
 * `m3ugen generate --watch` runs is read anew when it is loaded again. An
 * unchanged file keeps its URL, so its module stays the one instance
 * (nothing is loaded twice, and `instanceof` holds across loads). Only that
 * file is read anew: modules it imports itself stay as first imported.
 * Call {@link moduleImportFailed} when the import fails: Node keeps a
 * failed module too, and the next load must try again (a file it imports
 * may have been added since).
 *
 * @example
 * ```ts
 * const module = await import(currentModuleUrl('/srv/m3ugen/catchup.mjs'));
 * ```
 */
export function currentModuleUrl(path: string): string {
  const content = contentOf(path);
  const earlier = imported.get(path);
  const same = earlier !== undefined && (earlier.content === content || (earlier.content !== undefined && content !== undefined && earlier.content.equals(content)));
  if (same && !earlier.failed) return earlier.url;
  const { href } = pathToFileURL(path);
  const url = earlier === undefined ? href : `${href}?m3ugen-load=${++reimports}`;
  // A CommonJS module is kept by its real path whatever URL imports it: forget it, or the import gives the old one.
  if (earlier !== undefined) delete require.cache[realPath(path)];
  imported.set(path, { content, url, failed: false });
  return url;
}

/**
 * Notes that importing the file at `path` by {@link currentModuleUrl}'s URL
 * failed, so that the next load imports it by a new URL, changed or not.
 *
 * @example
 * ```ts
 * try { await import(currentModuleUrl(path)); } catch (error) { moduleImportFailed(path); throw error; }
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
 * const module = await importModule(currentModuleUrl('/srv/m3ugen/catchup.mjs'));
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
    return await importModule(currentModuleUrl(path));
  } catch (error) {
    moduleImportFailed(path);
    throw error;
  }
}
