import { realpath } from 'node:fs/promises';
import { basename, relative } from 'node:path';
import type { Loader } from 'cosmiconfig';
import { lineAndColumn, locateJsonError } from '@m3ugen/reader';
import { ConfigError, messageOf } from './config-error.js';
import { localModuleGraph } from './local-imports.js';
import { importCurrentModule } from './module-import.js';
import { registerTypeScript } from './typescript.js';
import { typeScriptCompiler } from './typescript-compiler.js';

// Every loader here turns a file that cannot be read as a config into one
// ConfigError line: `file: invalid FORMAT at line L, column C: reason`.

/** The path as the user would write it: relative to the working directory when inside it. */
export function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel === '' || rel.startsWith('..') ? file : rel;
}

/** ` at line L, column C` (1-based) for a character offset, or nothing when it is unknown. */
function at(text: string, offset: number | undefined): string {
  if (offset === undefined || !Number.isSafeInteger(offset) || offset < 0) return '';
  const { line, column } = lineAndColumn(text, offset);
  return ` at line ${line}, column ${column}`;
}

/** The table a `[header]` line opens, its dots without spaces (`[ a . b ]` → `a.b`); `undefined` for any other line. */
function tableOf(line: string): string | undefined {
  return /^\s*\[\s*([^\[\]]+?)\s*\]\s*(?:#.*)?$/.exec(line)?.[1]!.replace(/\s*\.\s*/g, '.');
}

/** The key a `key = value` line sets (dotted keys whole); `undefined` for any other line. */
function keyOf(line: string): string | undefined {
  return /^\s*([A-Za-z0-9_.-]+)\s*=/.exec(line)?.[1];
}

/** `base_url = …` twice under one table: the key and the line that set it first. */
function keySetTwice(lines: readonly string[], line: number): string | undefined {
  const key = keyOf(lines[line - 1] ?? '');
  if (key === undefined) return undefined;
  for (let i = line - 2; i >= 0 && !/^\s*\[/.test(lines[i]!); i--) {
    if (keyOf(lines[i]!) === key) return `the key ${key} is already set at line ${i + 1}: keep one of the two`;
  }
  return undefined;
}

// smol-toml is imported when a TOML file is found, not at start-up (~16 ms of a run without one).
const loadToml: Loader = async (filepath, content) => {
  const { parse, TomlError } = await import('smol-toml');
  try {
    return parse(content);
  } catch (error) {
    const where = error instanceof TomlError ? ` at line ${error.line}, column ${error.column}` : '';
    const first = messageOf(error).split('\n')[0];
    const twice = error instanceof TomlError ? definedTwice(content, error.line) : undefined;
    throw new ConfigError(`invalid TOML${where}: ${twice ?? first}`, { file: displayPath(filepath) }, { cause: error });
  }
};

/**
 * smol-toml says only "trying to redefine an already defined table or
 * value". A table header written twice (`[web]` … `[web]`) is the usual
 * cause in a hand-edited config: name it, and where it first stood.
 */
function definedTwice(content: string, line: number): string | undefined {
  const lines = content.split(/\r?\n/);
  const name = tableOf(lines[line - 1] ?? '');
  if (name === undefined) return keySetTwice(lines, line);
  for (let i = 0; i < line - 1; i++) {
    if (tableOf(lines[i]!) === name) return `the table [${name}] is already defined at line ${i + 1}: put its keys under one [${name}]`;
    // `proxy_generation.strategy = …` before `[proxy_generation]` defines the table too.
    const dotted = keyOf(lines[i]!);
    if (dotted?.startsWith(`${name}.`) === true) {
      return `the table [${name}] is already defined at line ${i + 1}, by the dotted key ${dotted}: put its keys under one [${name}]`;
    }
  }
  return undefined;
}

/**
 * JSON (package.json included), parsed by JSON.parse; a syntax error is
 * located by the reader's JSON scanner where V8 gives no position (an
 * unexpected token).
 */
export const loadJson: Loader = async (filepath, content) => {
  const file = displayPath(filepath);
  // cosmiconfig's own lookup of its settings fails on a BOM in package.json whatever we do: reject it everywhere, by name.
  if (content.startsWith('\uFEFF')) throw new ConfigError('invalid JSON at line 1, column 1: a byte-order mark (U+FEFF); save the file as UTF-8 without one', { file });
  try {
    return JSON.parse(content) as unknown;
  } catch (error) {
    // Worded as the input reader words records (a trailing comma, single quotes and an unquoted key by name).
    // locateJsonError finds a problem wherever JSON.parse does (a property test holds it to that); V8's own words are the fallback.
    const problem = locateJsonError(content);
    throw new ConfigError(`invalid JSON${at(content, problem?.offset)}: ${problem?.reason ?? messageOf(error)}`, { file }, { cause: error });
  }
};

/** cosmiconfig's own loaders; it is imported only when a search may find a config (search.ts), and has been by the time these run. */
async function cosmiconfigLoaders(): Promise<typeof import('cosmiconfig').defaultLoaders> {
  return (await import('cosmiconfig')).defaultLoaders;
}

/** js-yaml's error, as cosmiconfig rethrows it. */
interface YamlException {
  readonly reason: string;
  readonly mark: { readonly line: number; readonly column: number };
}

function isYamlException(error: unknown): error is YamlException {
  const candidate = error as Partial<YamlException> | null;
  return typeof candidate?.reason === 'string' && typeof candidate.mark?.line === 'number' && typeof candidate.mark.column === 'number';
}

/** cosmiconfig's YAML loader, its error (a message with a code frame) cut to one line with the position. */
const loadYaml: Loader = async (filepath, content) => {
  try {
    return await (await cosmiconfigLoaders())['.yaml'](filepath, content);
  } catch (error) {
    if (!isYamlException(error)) throw error;
    throw new ConfigError(`invalid YAML at line ${error.mark.line + 1}, column ${error.mark.column + 1}: ${error.reason}`, { file: displayPath(filepath) }, { cause: error });
  }
};

/**
 * The first syntax error in a JS or TS module's source, as `invalid
 * JavaScript at line L, column C: reason`, found by TypeScript's parser
 * (loaded only then); `undefined` when the source parses. For modules that
 * failed to load: Node gives an ES module's SyntaxError no position.
 */
export async function describeSyntaxError(filepath: string, content: string): Promise<string | undefined> {
  const ts = typeScriptCompiler();
  const { diagnostics = [] } = ts.transpileModule(content, {
    fileName: basename(filepath),
    reportDiagnostics: true,
    compilerOptions: { target: ts.ScriptTarget.ESNext, module: ts.ModuleKind.ESNext },
  });
  const syntax = diagnostics.find((d) => d.start !== undefined);
  if (syntax === undefined) return undefined;
  const language = /\.[cm]?tsx?$/.test(filepath) ? 'TypeScript' : 'JavaScript';
  return `invalid ${language}${at(content, syntax.start)}: ${ts.flattenDiagnosticMessageText(syntax.messageText, ' ')}`;
}

/**
 * The first syntax error in the module file at `file` or in the local
 * modules it imports, breadth first (`file: invalid JavaScript at line L,
 * column C: reason`, the file as {@link displayPath} gives it), or
 * `undefined`. Node gives an ES module's SyntaxError neither file nor
 * position, whichever module of the graph it is in.
 *
 * @example
 * ```ts
 * await locateSyntaxError('/srv/m3ugen/catchup.mjs'); // 'lib/days.mjs: invalid JavaScript at line 3, column 18: Expression expected.'
 * ```
 */
export async function locateSyntaxError(file: string): Promise<string | undefined> {
  for (const { path, content } of await localModuleGraph(file)) {
    if (content === undefined) continue;
    const syntax = await describeSyntaxError(path, content);
    if (syntax !== undefined) return `${displayPath(path)}: ${syntax}`;
  }
  return undefined;
}

/**
 * A JS or TS config loader, with syntax errors reported where they are:
 * Node gives an ES module's SyntaxError no position. So after a failure the
 * source goes through {@link describeSyntaxError}: a syntax error found
 * there is the error reported; anything else (a throw at load time) is
 * passed on.
 */
function locatingSyntaxErrors(load: Loader): Loader {
  return async (filepath, content) => {
    try {
      return await load(filepath, content);
    } catch (error) {
      const syntax = await describeSyntaxError(filepath, content);
      if (syntax !== undefined) throw new ConfigError(syntax, { file: displayPath(filepath) }, { cause: error });
      // A module the config imports: named with its own position.
      const imported = error instanceof SyntaxError ? await locateSyntaxError(filepath) : undefined;
      if (imported === undefined) throw error;
      throw new ConfigError(`cannot load the configuration: it imports ${imported}`, { file: displayPath(filepath) }, { cause: error });
    }
  };
}

/**
 * A JS config (ES module or CommonJS), read as it is now: one changed since
 * this process imported it is imported anew ({@link importCurrentModule}).
 * Imported by m3ugen, not by cosmiconfig's loader, whose retry with
 * `require()` after a failed import replaced the import's error (on Node
 * 20.19, "Cannot require() ES Module … not yet fully loaded") and could not
 * pass over Node's second report of it.
 */
const loadJs = locatingSyntaxErrors(async (filepath) => (await importCurrentModule(await realpath(filepath)))['default']);

/**
 * A TS config, imported through the TypeScript hooks as TS plugins are: the
 * TypeScript it imports (a TS plugin) loads too, and nothing is written
 * beside it (cosmiconfig's own loader writes its compiled copy there, which
 * a read-only folder refuses).
 */
const loadTs = locatingSyntaxErrors(async (filepath) => {
  registerTypeScript();
  // As it is now: a config edited since this process imported it is imported anew.
  return (await importCurrentModule(await realpath(filepath)))['default'];
});

/**
 * A loader that first refuses a file saved as UTF-16 or UTF-32 (what
 * PowerShell 5's `Out-File` writes). Read as UTF-8, its byte order mark is
 * two U+FFFD and its ASCII has a NUL beside each character, which every
 * parser reports as a stray character at line 1, not as the encoding.
 */
function utf8Only(load: Loader): Loader {
  return (filepath, content) => {
    if (content.startsWith('\uFFFD\uFFFD') || content.charCodeAt(0) === 0 || content.charCodeAt(1) === 0) {
      throw new ConfigError('the file is UTF-16 or UTF-32 text, not UTF-8: save it as UTF-8', { file: displayPath(filepath) });
    }
    return load(filepath, content);
  };
}

/** The loaders m3ugen gives cosmiconfig, by file extension (`noExt` is `.m3ugenrc`, YAML or JSON). */
export const configLoaders: Readonly<Record<string, Loader>> = Object.freeze({
  '.json': utf8Only(loadJson),
  '.yaml': utf8Only(loadYaml),
  '.yml': utf8Only(loadYaml),
  noExt: utf8Only(loadYaml),
  '.toml': utf8Only(loadToml),
  '.js': utf8Only(loadJs),
  '.mjs': utf8Only(loadJs),
  '.cjs': utf8Only(loadJs),
  '.ts': utf8Only(loadTs),
  '.mts': utf8Only(loadTs),
});
