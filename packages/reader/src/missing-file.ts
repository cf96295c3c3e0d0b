import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { closestName, editDistance } from '@m3ugen/core';

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
  const near = nearName(basename(path), names);
  return near === undefined ? '' : ` (did you mean ${JSON.stringify(join(dirname(shown), near))}?)`;
}

/**
 * The name of `names` that `typed` most likely meant, stricter than for an
 * option's name: a file's extension makes a name long enough that two
 * edits would reach unrelated files (`none.ndjson`, `long.ndjson`). The same
 * name in other letter case; else the same stem with another extension, or
 * none (`two` for `two.ndjson`); else the one with the same extension whose
 * stem is one edit away (a letter added, left out, changed or swapped).
 */
function nearName(typed: string, names: readonly string[]): string | undefined {
  const lower = typed.toLowerCase();
  const folded = names.find((name) => name.toLowerCase() === lower);
  if (folded !== undefined) return folded;
  const [stem, extension] = stemAndExtension(lower);
  const sameStem = names.filter((name) => stemAndExtension(name.toLowerCase())[0] === stem);
  if (sameStem.length > 0) return sameStem.length === 1 ? sameStem[0] : closestName(typed, sameStem);
  const oneOff = names.filter((name) => {
    const [otherStem, otherExtension] = stemAndExtension(name.toLowerCase());
    // Not 0: the same stem was looked for above.
    return otherExtension === extension && editDistance(stem, otherStem) === 1;
  });
  return oneOff.length === 1 ? oneOff[0] : undefined;
}

/** A file name's stem and extensions (`channels`, `.ndjson.gz`); a leading dot belongs to the stem. */
function stemAndExtension(name: string): [string, string] {
  const dot = name.indexOf('.', 1);
  return dot < 0 ? [name, ''] : [name.slice(0, dot), name.slice(dot)];
}
