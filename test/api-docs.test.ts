import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { expect, it } from 'vitest';

// The standard: every public API has TSDoc, and every function and class an
// example. Public means exported from a package's index.ts.
const packages = fileURLToPath(new URL('../packages/', import.meta.url));

it('every export of every package has TSDoc, and every function and class an @example', () => {
  const entries = readdirSync(packages).map((name) => `${packages}${name}/src/index.ts`);
  const program = ts.createProgram(entries, {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
  });
  const checker = program.getTypeChecker();
  const missing: string[] = [];
  let checked = 0;
  for (const entry of entries) {
    const source = program.getSourceFile(entry);
    const module = source === undefined ? undefined : checker.getSymbolAtLocation(source);
    expect(module, entry).toBeDefined();
    for (const exported of checker.getExportsOfModule(module!)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const where = `${entry.slice(packages.length).split('/')[0]}: ${exported.name}`;
      checked++;
      if (ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim() === '') missing.push(`${where}: no TSDoc`);
      const callable = (symbol.flags & (ts.SymbolFlags.Function | ts.SymbolFlags.Class)) !== 0;
      if (callable && !symbol.getJsDocTags(checker).some((tag) => tag.name === 'example')) missing.push(`${where}: no @example`);
    }
  }
  expect(checked).toBeGreaterThan(100);
  expect(missing).toEqual([]);
});
