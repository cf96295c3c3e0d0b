/*
 * Module customization hooks (`module.register`) that let Node 20 import
 * TypeScript: plugins listed by path, TS config files, and whatever
 * TypeScript files those import. Each `.ts`, `.mts` or `.cts` file is
 * transpiled in memory as it is loaded (TypeScript's `transpileModule`:
 * types removed, nothing type-checked), so nothing is written beside it;
 * the output is kept in the user's cache folder (transpile-cache.ts), so
 * that the next run loads an unchanged file without TypeScript's compiler.
 * Runs in Node's hooks thread; registered by `registerTypeScript()`.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';

import { typeScriptCompiler, typeScriptVersion } from './typescript-compiler.js';
import { keepTranspiled, readTranspiled, transpileCacheEntry, transpileCacheFolder } from './transpile-cache.js';
import type { Loaded, ResolveContext, Resolved } from './loader-hooks.js';

/** What `transpileModule` is given besides the module kind, by name: part of the kept output's stamp, so a change here makes every kept output stale. */
const TRANSPILE_OPTIONS = { target: 'ES2022', esModuleInterop: true } as const;

/** Read once: the hooks thread's environment is a copy made when it started. */
const CACHE_FOLDER = transpileCacheFolder();

/** `.ts`, `.mts`, `.cts`: the `c` of the last means CommonJS. */
const TYPESCRIPT_FILE = /\.([cm]?)ts$/;

function typescriptFile(url: string): RegExpExecArray | null {
  return url.startsWith('file:') ? TYPESCRIPT_FILE.exec(new URL(url).pathname) : null;
}

/**
 * A TypeScript file imports its neighbours by the name they will have once
 * compiled (`./helper.js` for `helper.ts`, as `tsc` with NodeNext wants):
 * where no such JavaScript file exists, the TypeScript one is taken.
 */
export async function resolve(specifier: string, context: ResolveContext, nextResolve: (specifier: string, context: ResolveContext) => Promise<Resolved>): Promise<Resolved> {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    const fromTypeScript = context.parentURL !== undefined && typescriptFile(context.parentURL) !== null;
    const compiledName = /^\.{1,2}\/.*\.([cm]?)js$/.exec(specifier);
    if ((error as { code?: unknown }).code !== 'ERR_MODULE_NOT_FOUND' || !fromTypeScript || compiledName === null) throw error;
    try {
      return await nextResolve(`${specifier.slice(0, -2)}ts`, context);
    } catch {
      throw error; // neither exists: Node's own message, naming the JavaScript file
    }
  }
}

/** Loads a TypeScript file as the module (or, `.cts`, the CommonJS module) `tsc` would compile it to. */
export async function load(url: string, context: unknown, nextLoad: (url: string, context: unknown) => Promise<Loaded>): Promise<Loaded> {
  const typescript = typescriptFile(url);
  if (typescript === null) return nextLoad(url, context);
  const path = fileURLToPath(url);
  const commonJs = typescript[1] === 'c';
  const format = commonJs ? 'commonjs' : 'module';
  const source = await readFile(path, 'utf8');
  const entry = transpileCacheEntry(path, source, commonJs, `${typeScriptVersion()} ${JSON.stringify(TRANSPILE_OPTIONS)}`, CACHE_FOLDER);
  const kept = readTranspiled(entry);
  if (kept !== undefined) return { format, source: kept, shortCircuit: true };
  const ts = typeScriptCompiler();
  const { outputText, diagnostics = [] } = ts.transpileModule(source, {
    fileName: basename(path),
    reportDiagnostics: true,
    compilerOptions: {
      target: ts.ScriptTarget[TRANSPILE_OPTIONS.target],
      module: commonJs ? ts.ModuleKind.CommonJS : ts.ModuleKind.ES2022,
      esModuleInterop: TRANSPILE_OPTIONS.esModuleInterop,
    },
  });
  // transpileModule emits whatever it parsed; the importer says where a file that does not parse fails.
  if (diagnostics.some((d) => d.category === ts.DiagnosticCategory.Error)) throw new SyntaxError(`${basename(path)} does not parse`);
  keepTranspiled(entry, outputText);
  return { format, source: outputText, shortCircuit: true };
}
