import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { localModuleGraph, localModulesImportedBy } from './local-imports.js';

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
