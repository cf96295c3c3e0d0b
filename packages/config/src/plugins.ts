import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { closestName, describeValue, didYouMean, type M3uPlugin } from '@m3ugen/core';
import { isUrl } from '@m3ugen/reader';
import { ConfigError, messageOf } from './config-error.js';
import { isFolder, isRegularFile } from './file-kind.js';
import { currentModuleUrl, importModule, moduleImportFailed } from './module-import.js';
import { locateSyntaxError } from './loaders.js';
import type { PluginEntry } from './schema.js';
import { registerTypeScript, typeScriptImportFailure } from './typescript.js';

/** What a plugin factory learns about the config that lists it (to resolve its own relative paths). */
export interface PluginFactoryContext {
  /** The folder of the config file (or the current folder without one). */
  readonly configDir: string;
  readonly configFile: string | undefined;
}

/**
 * What a plugin module exports: a default export that is a factory
 * `(options, context) => plugin` (preferred; it may be async, to load what
 * the plugin needs first) or a plugin object; a named `plugin` export is
 * accepted too.
 */
export type PluginFactory = (options: Record<string, unknown> | undefined, context: PluginFactoryContext) => M3uPlugin | Promise<M3uPlugin>;

function isPlugin(value: unknown): value is M3uPlugin {
  return typeof value === 'object' && value !== null && typeof (value as { apply?: unknown }).apply === 'function';
}

function isPath(specifier: string): boolean {
  return specifier.startsWith('./') || specifier.startsWith('../') || specifier === '.' || isAbsolute(specifier);
}

function entryName(entry: PluginEntry): string {
  if (typeof entry === 'string') return entry;
  if (Array.isArray(entry)) return entry[0];
  return entry.name;
}

/** A file a `plugins` entry names: its module, or a file one of its options names. */
export interface PluginFile {
  /** The file, absolute. */
  readonly path: string;
  /** As the entry names it: the module's specifier, or the option's value. */
  readonly name: string;
  /** The entry's module specifier. */
  readonly plugin: string;
  /** `module`, or the option's key path (`extinfFile`, `files[0]`). */
  readonly role: string;
}

/**
 * The files a `plugins` list names, so that a command writing files does not
 * write over one it reads: each local module, and each option value that,
 * taken as a path from `fromDir` (where plugins resolve their options'
 * paths), names an existing regular file (a template's `extinfFile`).
 * Package names and values that name nothing are left out.
 *
 * @example
 * ```ts
 * filesNamedByPlugins([['@m3ugen/extinf-template', { extinfFile: 'extinf.eta' }], './stamp.mjs'], '/etc/m3ugen');
 * // [{ path: '/etc/m3ugen/extinf.eta', name: 'extinf.eta', plugin: '@m3ugen/extinf-template', role: 'extinfFile' },
 * //  { path: '/etc/m3ugen/stamp.mjs', name: './stamp.mjs', plugin: './stamp.mjs', role: 'module' }]
 * ```
 */
export function filesNamedByPlugins(entries: readonly PluginEntry[], fromDir: string): PluginFile[] {
  const files: PluginFile[] = [];
  const found = (name: string, plugin: string, role: string): void => {
    const path = resolve(fromDir, name);
    if (isRegularFile(path)) files.push({ path, name, plugin, role });
  };
  for (const entry of entries) {
    if (isPlugin(entry)) continue;
    const plugin = entryName(entry);
    if (isPath(plugin)) found(plugin, plugin, 'module');
    if (!Array.isArray(entry)) continue;
    const visit = (value: unknown, key: string, depth: number): void => {
      if (typeof value === 'string') {
        // A URL or a line of template text is no file name.
        if (value !== '' && !value.includes('\n') && !isUrl(value)) found(value, plugin, key);
      } else if (depth < 4 && Array.isArray(value)) value.forEach((item, i) => visit(item, `${key}[${i}]`, depth + 1));
      else if (depth < 4 && typeof value === 'object' && value !== null) {
        for (const [name, item] of Object.entries(value)) visit(item, key === '' ? name : `${key}.${name}`, depth + 1);
      }
    };
    visit(entry[1], '', 0);
  }
  return files;
}

/** Options of {@link resolvePlugins}. */
export interface ResolvePluginsOptions {
  /**
   * A file (path or `file:` URL) from which `@m3ugen/*` packages are
   * resolved when the config's folder has none: the command passes its own,
   * so the ready-made plugins it ships work from a config anywhere. A copy
   * installed next to the config wins.
   */
  readonly bundledFrom?: string | URL | undefined;
}

/** The first-party scope, whose packages may come from {@link ResolvePluginsOptions.bundledFrom}. */
const FIRST_PARTY = '@m3ugen/';

/** The plugin packages the command ships, which a config lists most: a name close to one is most likely it, misspelt. */
const READY_MADE_PLUGINS: readonly string[] = ['@m3ugen/attributes', '@m3ugen/extinf-template', '@m3ugen/url-builder'];

/**
 * Where `specifier` leads from the file `base`: where an import there would
 * find it (the `import`, `node` and `default` conditions of a package's
 * `exports`, as an ES-module-only plugin package may have no other), else
 * where `require()` would (a package that exports only for `require`).
 * Throws the import's resolution error when neither finds it.
 */
async function resolveFrom(specifier: string, base: URL): Promise<string> {
  // Loaded only for a package: a config listing none (or only files) does not pay for it at start-up.
  const { moduleResolve } = await import('import-meta-resolve');
  try {
    return moduleResolve(specifier, base).href;
  } catch (error) {
    try {
      return pathToFileURL(createRequire(base).resolve(specifier)).href;
    } catch {
      throw error;
    }
  }
}

/** Resolves a package name or path from `fromDir` (or, for `@m3ugen/*`, the bundled copies) to an importable URL. */
async function locate(specifier: string, fromDir: string, where: { file?: string | undefined; key: string }, bundledFrom: string | URL | undefined): Promise<string> {
  // A file of the operator's own is imported as it is now (edited while the command watches, say); packages stay as first loaded.
  if (isPath(specifier)) {
    const path = resolve(fromDir, specifier);
    // Node imports no folder (it would say so naming m3ugen's own module as the importer).
    if (isFolder(path)) throw new ConfigError(`plugin "${specifier}" is a folder: name the module file in it (such as "${specifier.replace(/\/+$/, '')}/index.mjs")`, where);
    return currentModuleUrl(path);
  }
  try {
    return await resolveFrom(specifier, pathToFileURL(join(fromDir, 'noop.js')));
  } catch (error) {
    if (bundledFrom !== undefined && specifier.startsWith(FIRST_PARTY)) {
      try {
        return await resolveFrom(specifier, typeof bundledFrom === 'string' && !bundledFrom.startsWith('file:') ? pathToFileURL(bundledFrom) : new URL(bundledFrom));
      } catch {
        // Not one the command ships either: the error names the config's folder, where plugins are installed.
      }
    }
    if ((error as { code?: unknown }).code === 'ERR_MODULE_NOT_FOUND') {
      // Node names the package's folder when it found the package but not the file its package.json leads to.
      const folder = /Cannot find package '(\/[^']*)'/.exec(messageOf(error))?.[1];
      if (folder !== undefined) {
        throw new ConfigError(`plugin "${specifier}" is installed (${folder.replace(/\/$/, '')}) but the file its package.json names ("main", or index.js) is not there: is the package built?`, where, { cause: error });
      }
      const meant = didYouMean(closestName(specifier, READY_MADE_PLUGINS));
      throw new ConfigError(`plugin "${specifier}" cannot be found from ${fromDir}${meant === '' ? ' (is it installed?)' : meant}`, where, { cause: error });
    }
    // Installed, but its package.json leads nowhere an import can load (exports without "."), say.
    const reason = messageOf(error).replace(/ imported from \S*noop\.js$/, '');
    throw new ConfigError(`plugin "${specifier}" is installed but cannot be imported: ${reason}`, where, { cause: error });
  }
}

/** TypeScript files, which Node 20 cannot import itself (later ones strip types, from 22.18 by default). */
const TYPESCRIPT = /\.[cm]?ts$/;

/**
 * Imports a plugin module. One in TypeScript (`.ts`, `.mts`, `.cts`) is
 * imported through the TypeScript hooks ({@link registerTypeScript}), which
 * transpile it, and the TypeScript files it imports, in memory as they load.
 */
async function importPlugin(url: string): Promise<Record<string, unknown>> {
  if (url.startsWith('file:') && TYPESCRIPT.test(new URL(url).pathname)) registerTypeScript();
  return importModule(url);
}

/** Where the SyntaxError of a plugin's module is, in its own file or a local module it imports (`file: invalid JavaScript at line L, …`). */
async function locatedSyntaxError(url: string): Promise<string | undefined> {
  return url.startsWith('file:') ? locateSyntaxError(fileURLToPath(url)) : undefined;
}

/**
 * Loads the `plugins` list: package names and relative paths resolve from
 * the config file's folder (`@m3ugen/*` packages also from
 * `options.bundledFrom`); options (and that folder) are passed to the
 * module's factory.
 *
 * @throws {ConfigError} naming the entry when it cannot be found, fails to
 *   load, or exports no plugin.
 * @example
 * ```ts
 * const plugins = await resolvePlugins(['@m3ugen/url-builder', ['./my-plugin.mjs', { token: 'x' }]], '/etc/m3ugen', 'm3ugen.toml');
 * ```
 */
export async function resolvePlugins(entries: readonly PluginEntry[], fromDir: string, file?: string, options: ResolvePluginsOptions = {}): Promise<M3uPlugin[]> {
  // Called from JavaScript: say what is wrong, not `entries.entries is not a function`.
  const given: unknown = entries;
  if (!Array.isArray(given)) {
    const one = typeof given === 'string' ? `: a list of one is [${JSON.stringify(given)}]` : '';
    throw new TypeError(`resolvePlugins: entries must be a list of plugin entries (names, paths, [name, options] or plugins), got ${describeValue(given)}${one}`);
  }
  if (typeof fromDir !== 'string') throw new TypeError(`resolvePlugins: fromDir must be the folder relative paths resolve from (the config's), got ${describeValue(fromDir)}`);
  const plugins: M3uPlugin[] = [];
  for (const [index, entry] of entries.entries()) {
    if (isPlugin(entry)) {
      plugins.push(entry);
      continue;
    }
    const where = { file, key: `plugins[${index}]` };
    const specifier = entryName(entry);
    const pluginOptions = Array.isArray(entry) ? entry[1] : undefined;
    const url = await locate(specifier, fromDir, where, options.bundledFrom);
    let module: Record<string, unknown>;
    try {
      module = await importPlugin(url);
    } catch (error) {
      if (isPath(specifier)) moduleImportFailed(fileURLToPath(url));
      const reason = (error instanceof SyntaxError && (await locatedSyntaxError(url))) || (url.startsWith('file:') && typeScriptImportFailure(error, fileURLToPath(url))) || messageOf(error);
      // Not found: the plugin's own file, not one it imports (that is its failure to load, in Node's words naming the file).
      const missing = (error as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' && isPath(specifier) && !isRegularFile(resolve(fromDir, specifier));
      throw new ConfigError(missing ? `plugin "${specifier}" not found at ${resolve(fromDir, specifier)}` : `plugin "${specifier}" failed to load: ${reason}`, where, {
        cause: error,
      });
    }
    const exported = module['default'] ?? module['plugin'];
    let plugin: unknown = exported;
    if (typeof exported === 'function') {
      try {
        // Awaited: an async factory may load what its plugin needs (a lookup table) before the run.
        plugin = await (exported as PluginFactory)(pluginOptions, { configDir: fromDir, configFile: file });
      } catch (error) {
        const reason = messageOf(error);
        throw new ConfigError(`plugin "${specifier}" rejected its options: ${reason}`, where, { cause: error });
      }
    } else if (pluginOptions !== undefined && isPlugin(exported)) {
      throw new ConfigError(`plugin "${specifier}" takes no options (it exports a plugin object, not a factory)`, where);
    }
    if (!isPlugin(plugin)) {
      throw new ConfigError(
        `module "${specifier}" exports no plugin: expected a default (or \`plugin\`) export that is a plugin ({ name, apply }) or a function returning one, or a Promise of one`,
        where,
      );
    }
    plugins.push(plugin);
  }
  return plugins;
}
