import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { isRegularFile } from './file-kind.js';

/** A module file of the operator's own and its text, `undefined` when it could not be read. */
export interface LocalModule {
  readonly path: string;
  readonly content: string | undefined;
}

/** Files a module graph is followed to at the most: one of the operator's own is small. */
const MOST_LOCAL_MODULES = 200;

/** Files whose imports are read: JavaScript and TypeScript modules (not a TOML config, not a JSON module). */
const MODULE_FILE = /\.[cm]?[jt]s$/;

/** Where a relative import may lead: the file named, or one Node or the TypeScript hooks would find for it (an extension left out, `.js` for `.ts`). */
function importCandidates(specifier: string, from: string): string[] {
  const path = resolve(dirname(from), specifier);
  return [path, `${path}.js`, `${path}.cjs`, `${path}.mjs`, path.replace(/\.js$/, '.ts'), path.replace(/\.mjs$/, '.mts'), join(path, 'index.js')];
}

/**
 * `from 'x'`, `import 'x'` (static imports, re-exports, TypeScript's
 * `import type`) and `import('x')`, `require('x')` with a literal argument.
 */
const IMPORT_SPECIFIER = /\b(?:from|import)\s*(['"])([^'"\r\n]+)\1|\b(?:import|require)\s*\(\s*(['"`])([^'"`$\r\n]+)\3\s*[,)]/g;

/**
 * The specifiers a module's text imports, found by pattern, not parsed: one
 * written in a comment or a string is taken too, which costs no more than a
 * file watched for nothing. TypeScript's scanner, used before, is 9 MB of
 * JavaScript that a `--watch` process then kept for its life (40 MB); the
 * tests hold this to finding every relative import it finds, over the
 * repository's own modules.
 *
 * @example
 * ```ts
 * importSpecifiers("import a from './a.mjs';\nconst b = require('./b.cjs');\n"); // ['./a.mjs', './b.cjs']
 * ```
 */
export function importSpecifiers(content: string): string[] {
  return [...content.matchAll(IMPORT_SPECIFIER)].map((match) => match[2] ?? match[4]!);
}

/** The local modules `file` imports (static and literal dynamic imports, re-exports, `require()` calls), as paths of existing files. */
async function localImports(file: string, content: string): Promise<string[]> {
  if (!MODULE_FILE.test(file)) return [];
  const found: string[] = [];
  for (const fileName of importSpecifiers(content)) {
    if (!/^\.{1,2}\//.test(fileName) && !isAbsolute(fileName)) continue;
    const path = importCandidates(fileName, file).find(isRegularFile);
    if (path !== undefined) found.push(path);
  }
  return found;
}

/**
 * The module file at `file` (absolute) and the local modules it imports
 * (relative or absolute specifiers; packages are not followed), at any
 * depth, breadth first, each once, with their text. Imports are found by
 * {@link importSpecifiers}; an import whose specifier is computed at run
 * time is not seen.
 *
 * @example
 * ```ts
 * (await localModuleGraph('/srv/m3ugen/catchup.mjs')).map((m) => m.path);
 * // ['/srv/m3ugen/catchup.mjs', '/srv/m3ugen/lib/days.mjs']
 * ```
 */
export async function localModuleGraph(file: string): Promise<LocalModule[]> {
  const graph: LocalModule[] = [];
  const seen = new Set<string>();
  const queue = [file];
  while (queue.length > 0 && graph.length < MOST_LOCAL_MODULES) {
    const path = queue.shift()!;
    if (seen.has(path)) continue;
    seen.add(path);
    const content = await readFile(path, 'utf8').catch(() => undefined);
    graph.push({ path, content });
    if (content !== undefined) queue.push(...(await localImports(path, content)));
  }
  return graph;
}

/**
 * The local module files that the module files `files` (absolute paths: a
 * JavaScript or TypeScript config, plugins listed by path) import, at any
 * depth, without `files` themselves: what else a config is made of, for a
 * program that reads its config again when one of its files changes (as
 * `m3ugen generate --watch` does). Relative and absolute imports are
 * followed; packages are not, and files other than JavaScript or
 * TypeScript modules (a TOML config) import nothing.
 *
 * @example
 * ```ts
 * await localModulesImportedBy(['/etc/m3ugen/m3ugen.config.mjs', '/etc/m3ugen/radio.mjs']);
 * // ['/etc/m3ugen/lib/names.mjs']
 * ```
 */
export async function localModulesImportedBy(files: readonly string[]): Promise<string[]> {
  const imported = new Set<string>();
  for (const file of files) {
    for (const { path } of await localModuleGraph(file)) imported.add(path);
  }
  for (const file of files) imported.delete(file);
  return [...imported];
}
