import { realpathSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

/** The URL each module file was last imported by, and what the file was then, by path. */
const imported = new Map<string, { readonly version: string | undefined; readonly url: string }>();
/** Imports so far of files that changed after an earlier import: each needs a URL not imported before. */
let reimports = 0;
const require = createRequire(import.meta.url);

/** A file's inode, size and time of change; `undefined` if it cannot be seen. */
function versionOf(path: string): string | undefined {
  try {
    const stats = statSync(path, { bigint: true });
    return `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeNs}:${stats.ctimeNs}`;
  } catch {
    return undefined;
  }
}

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
 * process, by URL; a file changed since this process imported it gets a
 * new URL (`?m3ugen-load=N`), so a config or plugin edited while
 * `m3ugen generate --watch` runs is read anew when it is loaded again. An
 * unchanged file keeps its URL, so its module stays the one instance
 * (nothing is loaded twice, and `instanceof` holds across loads). Only that
 * file is read anew: modules it imports itself stay as first imported.
 *
 * @example
 * ```ts
 * const module = await import(currentModuleUrl('/srv/m3ugen/catchup.mjs'));
 * ```
 */
export function currentModuleUrl(path: string): string {
  const version = versionOf(path);
  const earlier = imported.get(path);
  if (earlier !== undefined && earlier.version === version) return earlier.url;
  const { href } = pathToFileURL(path);
  const url = earlier === undefined ? href : `${href}?m3ugen-load=${++reimports}`;
  // A CommonJS module is kept by its real path whatever URL imports it: forget it, or the import gives the old one.
  if (earlier !== undefined) delete require.cache[realPath(path)];
  imported.set(path, { version, url });
  return url;
}
