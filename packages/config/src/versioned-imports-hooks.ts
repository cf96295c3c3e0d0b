/*
 * A module customization hook (`module.register`) that lets a module file
 * imported anew (`?m3ugen-load=N`: its text, or that of a local module it
 * imports, changed since this process imported it) import its own local
 * modules anew too: each relative or absolute import of a file from such a
 * module gets the same query, so it loads as it is now, and passes the query
 * on to its own. Packages (bare specifiers) are left alone: they stay the
 * modules first loaded, one instance for the process. Runs in Node's hooks
 * thread; registered by `currentModuleUrl` (module-import.ts) when it first
 * imports anew a file that has local imports.
 */

import type { ResolveContext, Resolved } from './loader-hooks.js';

/** The load a module file imported anew carries, from `currentModuleUrl`. */
const LOAD = /[?&](m3ugen-load=\d+)(?:&|$)/;
/** A specifier that names a file: relative, absolute or a `file:` URL. */
const FILE_SPECIFIER = /^(?:\.{0,2}\/|file:)/;

export async function resolve(specifier: string, context: ResolveContext, nextResolve: (specifier: string, context: ResolveContext) => Promise<Resolved>): Promise<Resolved> {
  const resolved = await nextResolve(specifier, context);
  const load = context.parentURL === undefined ? null : LOAD.exec(context.parentURL);
  // A URL with a query of its own is the importer's choice: left as it is.
  if (load === null || !FILE_SPECIFIER.test(specifier) || !resolved.url.startsWith('file:') || resolved.url.includes('?')) return resolved;
  return { ...resolved, url: `${resolved.url}?${load[1]}` };
}
