import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importSpecifiers, localModuleGraph, localModulesImportedBy } from './local-imports.js';
import { typeScriptCompiler } from './typescript-compiler.js';

function folderWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'm3ugen-imports-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

describe('localModulesImportedBy', () => {
  it('follows relative imports, re-exports, requires and literal dynamic imports at any depth, each file once, and no package', async () => {
    const dir = folderWith({
      'm3ugen.config.mjs': "import radio from './radio.mjs';\nimport { z } from 'zod';\nexport default { plugins: [radio] };\n",
      'radio.mjs': "export * from './lib/names.js';\nconst table = await import('./lib/table.json', { with: { type: 'json' } });\nexport default { name: 'radio', apply() {} };\n",
      'lib/names.js': "const days = require('./days');\nmodule.exports = require('../m3ugen.config.mjs');\n",
      'lib/days.js': 'module.exports = [];\n',
      'lib/table.json': '{}',
      'config.ts': "import { base } from './base.js';\nexport default { web: { base_url: base } };\n",
      'base.ts': "export const base: string = 'http://one.example';\n",
      'm3ugen.toml': 'plugins = ["./radio.mjs"]\n',
    });
    const imported = await localModulesImportedBy([join(dir, 'm3ugen.config.mjs'), join(dir, 'radio.mjs')]);
    expect(imported.sort()).toEqual(['lib/days.js', 'lib/names.js', 'lib/table.json'].map((name) => join(dir, name)));
    // TypeScript importing TypeScript by its compiled name.
    expect(await localModulesImportedBy([join(dir, 'config.ts')])).toEqual([join(dir, 'base.ts')]);
    // A TOML config imports nothing, whatever it says.
    expect(await localModulesImportedBy([join(dir, 'm3ugen.toml')])).toEqual([]);
  });

  it('gives the graph breadth first with each text, a file that cannot be read with none', async () => {
    const dir = folderWith({ 'a.mjs': "import './b.mjs';\nimport './c.mjs';\n", 'b.mjs': "import './c.mjs';\n", 'c.mjs': 'export {};\n' });
    expect(await localModuleGraph(join(dir, 'a.mjs'))).toEqual([
      { path: join(dir, 'a.mjs'), content: "import './b.mjs';\nimport './c.mjs';\n" },
      { path: join(dir, 'b.mjs'), content: "import './c.mjs';\n" },
      { path: join(dir, 'c.mjs'), content: 'export {};\n' },
    ]);
    expect(await localModuleGraph(join(dir, 'gone.mjs'))).toEqual([{ path: join(dir, 'gone.mjs'), content: undefined }]);
  });
});

describe('importSpecifiers', () => {
  it('finds every form of import a config or plugin may use', () => {
    const source = [
      "import a from './a.mjs';",
      'import {',
      '  b,',
      '  c,',
      "} from \"./bc.js\";",
      "import type { T } from './types.ts';",
      "import './side-effect.mjs';",
      "export * from './all.js';",
      "export { d } from'./d.js';",
      "import e = require('./e.cts');",
      "const f = require( './f.cjs' );",
      "const g = await import('./g.json', { with: { type: 'json' } });",
      'const h = await import(`./h.mjs`);',
      'const i = await import(',
      "  './i.mjs'",
      ');',
      "import * as zod from 'zod';",
    ].join('\n');
    expect(importSpecifiers(source)).toEqual(['./a.mjs', './bc.js', './types.ts', './side-effect.mjs', './all.js', './d.js', './e.cts', './f.cjs', './g.json', './h.mjs', './i.mjs', 'zod']);
  });

  it('takes no specifier computed at run time', () => {
    expect(importSpecifiers("const j = await import(`./${name}.mjs`);\nconst k = require('./k' + suffix);\n")).toEqual([]);
  });

  it("finds every relative import TypeScript's scanner finds, over this repository's modules", () => {
    const root = fileURLToPath(new URL('../../../', import.meta.url));
    const modules = ['packages', 'test', 'examples', 'scripts'].flatMap((top) =>
      (readdirSync(join(root, top), { recursive: true }) as string[])
        .filter((name) => /\.[cm]?[jt]s$/.test(name) && !/(^|\/)(node_modules|dist)\//.test(name) && !name.endsWith('.d.ts'))
        .map((name) => join(root, top, name)),
    );
    expect(modules.length).toBeGreaterThan(200);
    const ts = typeScriptCompiler();
    let relative = 0;
    for (const file of modules) {
      const content = readFileSync(file, 'utf8');
      const scanned = ts.preProcessFile(content, true, true).importedFiles.map((f) => f.fileName).filter((name) => name.startsWith('.'));
      relative += scanned.length;
      expect({ file, missed: scanned.filter((name) => !importSpecifiers(content).includes(name)) }).toEqual({ file, missed: [] });
    }
    expect(relative).toBeGreaterThan(400);
  });
});
