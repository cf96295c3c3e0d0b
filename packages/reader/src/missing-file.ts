import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { closestName } from '@m3ugen/core';

/**
 * What a path that names no file most likely meant, as the end of the error
 * that says so: ` (did you mean "channels.ndjson"?)` for a file beside it
 * named like it (a typo, another extension, the extension left out), or
 * ` (its folder "exports" does not exist)`; `""` when neither. `shown` is
 * the path as the error shows it (relative to the working folder, say),
 * whose folder the suggestion keeps. Lists the folder: for an error, never
 * on a run's path.
 *
 * @example
 * ```ts
 * missingFileHint('chanels.ndjson'); // ' (did you mean "channels.ndjson"?)' beside channels.ndjson
 * missingFileHint('exports/channels.ndjson'); // ' (its folder "exports" does not exist)' where there is none
 * ```
 */
export function missingFileHint(path: string, shown: string = path): string {
  const folder = dirname(path);
  let names: string[];
  try {
    names = readdirSync(folder, { withFileTypes: true })
      .filter((entry) => entry.isFile() || entry.isSymbolicLink())
      .map((entry) => entry.name);
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? ` (its folder ${JSON.stringify(dirname(shown))} does not exist)` : '';
  }
  const near = closestName(basename(path), names);
  return near === undefined ? '' : ` (did you mean ${JSON.stringify(join(dirname(shown), near))}?)`;
}
