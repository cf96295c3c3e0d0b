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
    return otherExtension === extension && withinOneEdit(stem, otherStem);
  });
  return oneOff.length === 1 ? oneOff[0] : undefined;
}

/** A file name's stem and extensions (`channels`, `.ndjson.gz`); a leading dot belongs to the stem. */
function stemAndExtension(name: string): [string, string] {
  const dot = name.indexOf('.', 1);
  return dot < 0 ? [name, ''] : [name.slice(0, dot), name.slice(dot)];
}

/** Whether `b` is `a` with one letter added, left out, changed, or two neighbours swapped. */
function withinOneEdit(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1 || a === b) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length) return a.slice(i + 1) === b.slice(i + 1) || (a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2));
  return a.length < b.length ? a.slice(i) === b.slice(i + 1) : a.slice(i + 1) === b.slice(i);
}
