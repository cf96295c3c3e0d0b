import { execFile } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { filesNamedByPlugins, resolvePlugins } from './plugins.js';

const run = promisify(execFile);
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'm3ugen-plugins-'));
  const files: Record<string, string> = {
    'plugins/factory.mjs': `export default (options = {}, context) => ({ name: 'factory:' + (options.token ?? 'none'), dir: context.configDir, apply() {} });`,
    'plugins/object.mjs': `export default { name: 'object', apply() {} };`,
    'plugins/named.mjs': `export const plugin = { name: 'named', apply() {} };`,
    'plugins/nothing.mjs': `export const helper = 1;`,
    'plugins/throws.mjs': `export default () => { throw new Error('token is required'); };`,
    'plugins/async.mjs': `export default async (options = {}) => ({ name: 'async:' + (await Promise.resolve(options.table ?? 'none')), apply() {} });`,
    'plugins/async-rejects.mjs': `export default async () => { throw new Error('table not found'); };`,
    'plugins/broken.mjs': `export default {`,
    'node_modules/m3ugen-plugin-fake/package.json': JSON.stringify({ name: 'm3ugen-plugin-fake', type: 'module', exports: { '.': { default: './index.js' } } }),
    'node_modules/m3ugen-plugin-fake/index.js': `export default (o) => ({ name: 'fake', options: o, apply() {} });`,
    // An ES-module-only package as bundlers write them: `exports` for `import` alone.
    'node_modules/m3ugen-plugin-esm/package.json': JSON.stringify({ name: 'm3ugen-plugin-esm', type: 'module', exports: { '.': { types: './index.d.ts', import: './index.js' } } }),
    'node_modules/m3ugen-plugin-esm/index.js': `export default () => ({ name: 'esm-only', apply() {} });`,
    'node_modules/m3ugen-plugin-cjs/package.json': JSON.stringify({ name: 'm3ugen-plugin-cjs', exports: { '.': { require: './index.cjs' } } }),
    'node_modules/m3ugen-plugin-cjs/index.cjs': `module.exports = () => ({ name: 'require-only', apply() {} });`,
    'node_modules/m3ugen-plugin-subpaths/package.json': JSON.stringify({ name: 'm3ugen-plugin-subpaths', exports: { './extra': './extra.js' } }),
    'node_modules/m3ugen-plugin-unbuilt/package.json': JSON.stringify({ name: 'm3ugen-plugin-unbuilt', main: 'dist/index.js' }),
  };
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
});

describe('resolvePlugins', () => {
  it('loads a package that exports only for import, or only for require, and says what is wrong with one that exports neither, or a folder', async () => {
    const plugins = await resolvePlugins(['m3ugen-plugin-esm', 'm3ugen-plugin-cjs'], dir, 'm3ugen.toml');
    expect(plugins.map((p) => p.name)).toEqual(['esm-only', 'require-only']);
    await expect(resolvePlugins(['m3ugen-plugin-subpaths'], dir, 'm3ugen.toml')).rejects.toThrow(
      `m3ugen.toml: key "plugins[0]": plugin "m3ugen-plugin-subpaths" is installed but cannot be imported: No "exports" main defined in ${join(dir, 'node_modules/m3ugen-plugin-subpaths/package.json')}`,
    );
    await expect(resolvePlugins(['m3ugen-plugin-absent'], dir, 'm3ugen.toml')).rejects.toThrow(new RegExp(`plugin "m3ugen-plugin-absent" cannot be found from ${dir} \\(is it installed\\?\\)$`));
    // A ready-made plugin's name, misspelt.
    await expect(resolvePlugins(['@m3ugen/atributes'], dir, 'm3ugen.toml')).rejects.toThrow(`plugin "@m3ugen/atributes" cannot be found from ${dir} (did you mean "@m3ugen/attributes"?)`);
    await expect(resolvePlugins(['m3ugen-plugin-unbuilt'], dir, 'm3ugen.toml')).rejects.toThrow(
      `plugin "m3ugen-plugin-unbuilt" is installed (${join(dir, 'node_modules/m3ugen-plugin-unbuilt')}) but the file its package.json names ("main", or index.js) is not there: is the package built?`,
    );
    await expect(resolvePlugins(['./plugins/'], dir, 'm3ugen.toml')).rejects.toThrow(
      'm3ugen.toml: key "plugins[0]": plugin "./plugins/" is a folder: name the module file in it (such as "./plugins/index.mjs")',
    );
  });

  it('imports a plugin file edited since it was loaded as it is now, and an unchanged one as the same module', async () => {
    const own = mkdtempSync(join(tmpdir(), 'm3ugen-plugins-'));
    writeFileSync(join(own, 'package.json'), '{ "name": "own" }');
    writeFileSync(join(own, 'mine.mjs'), `export const made = {}; export default () => ({ name: 'mine-1', made, apply() {} });\n`);
    writeFileSync(join(own, 'mine.cjs'), `module.exports = () => ({ name: 'mine-cjs-1', apply() {} });\n`);
    const load = async (): Promise<{ name: string; made?: object }[]> => (await resolvePlugins(['./mine.mjs', './mine.cjs'], own)) as never;
    const [first] = await load();
    const [again] = await load();
    expect(again!.made).toBe(first!.made);
    writeFileSync(join(own, 'mine.mjs'), `export const made = {}; export default () => ({ name: 'mine-2', made, apply() {} }); // edited\n`);
    writeFileSync(join(own, 'mine.cjs'), `module.exports = () => ({ name: 'mine-cjs-2', apply() {} }); // edited\n`);
    const edited = await load();
    expect(edited.map((p) => p.name)).toEqual(['mine-2', 'mine-cjs-2']);
    expect(edited[0]!.made).not.toBe(first!.made);
    // A package stays the module first loaded.
    const [fake] = await resolvePlugins([['m3ugen-plugin-fake', { x: 1 }]], dir);
    expect(fake!.name).toBe('fake');
  });

  it('imports a plugin file anew when a local module it imports (at any depth, ES or CommonJS) changed, and the same module while none did', async () => {
    const own = mkdtempSync(join(tmpdir(), 'm3ugen-plugins-'));
    writeFileSync(join(own, 'package.json'), '{ "name": "own" }');
    // In a Node process of its own: the test runner imports modules itself, without Node's loader hooks, which this relies on.
    const script = `
      import { mkdirSync, writeFileSync } from 'node:fs';
      import { join } from 'node:path';
      import { resolvePlugins } from ${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)};
      const own = ${JSON.stringify(own)};
      const write = (name, text) => { mkdirSync(join(own, name, '..'), { recursive: true }); writeFileSync(join(own, name), text); };
      const load = () => resolvePlugins(['./mine.mjs', './mine.cjs'], own);
      write('lib/deep.mjs', "export const suffix = 'a';\\n");
      write('lib/name.mjs', "import { suffix } from './deep.mjs';\\nexport const name = 'esm-' + suffix;\\nexport const made = {};\\n");
      write('mine.mjs', "import { name, made } from './lib/name.mjs';\\nexport default () => ({ name, made, apply() {} });\\n");
      write('lib/name.cjs', "module.exports = { name: 'cjs-a' };\\n");
      write('mine.cjs', "const { name } = require('./lib/name.cjs');\\nmodule.exports = () => ({ name, apply() {} });\\n");
      const steps = [];
      const first = await load();
      steps.push(first.map((p) => p.name));
      // Two files deep, and a CommonJS module that one requires.
      write('lib/deep.mjs', "export const suffix = 'b';\\n");
      write('lib/name.cjs', "module.exports = { name: 'cjs-b' };\\n");
      const edited = await load();
      steps.push(edited.map((p) => p.name), edited[0].made !== first[0].made);
      const again = await load();
      steps.push(again.map((p) => p.name), again[0].made === edited[0].made);
      write('lib/name.mjs', "import { suffix } from './deep.mjs';\\nexport const name = 'esm-c-' + suffix;\\nexport const made = {};\\n");
      const changed = await load();
      steps.push(changed.map((p) => p.name), changed[0].made !== edited[0].made);
      console.log(JSON.stringify(steps));
    `;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script]);
    expect(JSON.parse(stdout)).toEqual([['esm-a', 'cjs-a'], ['esm-b', 'cjs-b'], true, ['esm-b', 'cjs-b'], true, ['esm-c-b', 'cjs-b'], true]);
  });

  it('imports a plugin file that failed to load again on the next load, unchanged, once what it imports is there', async () => {
    const own = mkdtempSync(join(tmpdir(), 'm3ugen-plugins-'));
    writeFileSync(join(own, 'package.json'), '{ "name": "own" }');
    writeFileSync(join(own, 'mine.mjs'), `import { name } from './name.mjs';\nexport default () => ({ name, apply() {} });\n`);
    // The plugin's file is there: what is missing is the file it imports.
    await expect(resolvePlugins(['./mine.mjs'], own, 'm3ugen.toml')).rejects.toThrow(
      /^m3ugen\.toml: key "plugins\[0\]": plugin "\.\/mine\.mjs" failed to load: Cannot find module '[^']*name\.mjs' imported from .*mine\.mjs$/,
    );
    writeFileSync(join(own, 'name.mjs'), `export const name = 'mine';\n`);
    expect((await resolvePlugins(['./mine.mjs'], own, 'm3ugen.toml')).map((p) => p.name)).toEqual(['mine']);
  });

  it('loads paths relative to the config folder and packages installed there, passing options', async () => {
    const plugins = await resolvePlugins(
      ['./plugins/factory.mjs', ['./plugins/factory.mjs', { token: 'abc' }], './plugins/object.mjs', './plugins/named.mjs', ['m3ugen-plugin-fake', { x: 1 }]],
      dir,
      'm3ugen.toml',
    );
    expect(plugins.map((p) => p.name)).toEqual(['factory:none', 'factory:abc', 'object', 'named', 'fake']);
    expect((plugins[4] as unknown as { options: unknown }).options).toEqual({ x: 1 });
    expect((plugins[0] as unknown as { dir: string }).dir).toBe(dir);
  });

  it('awaits an async factory, which may load what its plugin needs first', async () => {
    const plugins = await resolvePlugins([['./plugins/async.mjs', { table: 'logos' }]], dir, 'm3ugen.toml');
    expect(plugins.map((p) => p.name)).toEqual(['async:logos']);
  });

  it('passes plugin objects from JS configs through', async () => {
    const mine = { name: 'inline', apply: () => undefined };
    expect(await resolvePlugins([mine], dir)).toEqual([mine]);
  });

  it.each([
    ['./plugins/missing.mjs', /^m3ugen\.toml: key "plugins\[0\]": plugin "\.\/plugins\/missing\.mjs" not found at .*plugins\/missing\.mjs$/],
    ['m3ugen-plugin-absent', /^m3ugen\.toml: key "plugins\[0\]": plugin "m3ugen-plugin-absent" cannot be found from .* \(is it installed\?\)$/],
    ['./plugins/nothing.mjs', /^m3ugen\.toml: key "plugins\[0\]": module "\.\/plugins\/nothing\.mjs" exports no plugin: expected a default \(or `plugin`\) export/],
    ['./plugins/async-rejects.mjs', /^m3ugen\.toml: key "plugins\[0\]": plugin "\.\/plugins\/async-rejects\.mjs" rejected its options: table not found$/],
    ['./plugins/throws.mjs', /^m3ugen\.toml: key "plugins\[0\]": plugin "\.\/plugins\/throws\.mjs" rejected its options: token is required$/],
    ['./plugins/broken.mjs', /^m3ugen\.toml: key "plugins\[0\]": plugin "\.\/plugins\/broken\.mjs" failed to load: /],
  ])('names the entry when %s cannot be used', async (entry, message) => {
    await expect(resolvePlugins([entry], dir, 'm3ugen.toml')).rejects.toThrow(message);
  });

  describe('with bundledFrom (the command\'s own installation)', () => {
    const fakePackage = (root: string, name: string, pluginName: string): void => {
      const folder = join(root, 'node_modules', ...name.split('/'));
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, 'package.json'), JSON.stringify({ name, type: 'module', exports: { '.': { default: './index.js' } } }));
      writeFileSync(join(folder, 'index.js'), `export default () => ({ name: ${JSON.stringify(pluginName)}, apply() {} });`);
    };
    let command: string;
    let config: string;
    beforeAll(() => {
      const root = mkdtempSync(join(tmpdir(), 'm3ugen-bundled-'));
      command = join(root, 'cli', 'dist', 'bin.js');
      config = join(root, 'etc');
      mkdirSync(config, { recursive: true });
      fakePackage(join(root, 'cli'), '@m3ugen/ready-made', 'bundled copy');
      fakePackage(join(root, 'cli'), '@m3ugen/both', 'bundled copy');
      fakePackage(join(root, 'cli'), 'not-first-party', 'bundled copy');
      fakePackage(config, '@m3ugen/both', 'copy beside the config');
    });

    it('loads an @m3ugen/* plugin the config\'s folder does not have from there', async () => {
      const plugins = await resolvePlugins(['@m3ugen/ready-made'], config, 'm3ugen.toml', { bundledFrom: command });
      expect(plugins.map((p) => p.name)).toEqual(['bundled copy']);
    });

    it('prefers a copy installed beside the config', async () => {
      const plugins = await resolvePlugins(['@m3ugen/both'], config, 'm3ugen.toml', { bundledFrom: command });
      expect(plugins.map((p) => p.name)).toEqual(['copy beside the config']);
    });

    it('does not look there for other packages, and without it not at all', async () => {
      await expect(resolvePlugins(['not-first-party'], config, 'm3ugen.toml', { bundledFrom: command })).rejects.toThrow(/plugin "not-first-party" cannot be found from .*etc \(is it installed\?\)$/);
      await expect(resolvePlugins(['@m3ugen/ready-made'], config, 'm3ugen.toml')).rejects.toThrow(/plugin "@m3ugen\/ready-made" cannot be found from .*etc/);
    });
  });

  it('refuses options for a module that exports a plugin object', async () => {
    await expect(resolvePlugins([['./plugins/object.mjs', { a: 1 }]], dir, 'c.json')).rejects.toThrow(
      'c.json: key "plugins[0]": plugin "./plugins/object.mjs" takes no options (it exports a plugin object, not a factory)',
    );
  });
});

describe('filesNamedByPlugins', () => {
  it('names local plugin modules and the existing files options name, and nothing else', () => {
    const templates = mkdtempSync(join(tmpdir(), 'm3ugen-named-'));
    mkdirSync(join(templates, 'views'));
    writeFileSync(join(templates, 'extinf.eta'), '#EXTINF:-1,<%= it.name %>');
    writeFileSync(join(templates, 'views', 'url.eta'), '<%= it.url %>');
    writeFileSync(join(templates, 'stamp.mjs'), 'export default { name: "stamp", apply() {} };');
    const files = filesNamedByPlugins(
      [
        '@m3ugen/attributes',
        ['@m3ugen/extinf-template', { extinfFile: 'extinf.eta', urlFile: 'views/url.eta', headerFile: 'missing.eta', extinf: '#EXTINF:-1,<%= it.name %>' }],
        ['./stamp.mjs', { logo: 'https://logos.example/stamp.png', nested: { list: ['extinf.eta', 'views'] } }],
        './absent.mjs',
        { name: 'inline', apply() {} },
      ],
      templates,
    );
    expect(files).toEqual([
      { path: join(templates, 'extinf.eta'), name: 'extinf.eta', plugin: '@m3ugen/extinf-template', role: 'extinfFile' },
      { path: join(templates, 'views', 'url.eta'), name: 'views/url.eta', plugin: '@m3ugen/extinf-template', role: 'urlFile' },
      { path: join(templates, 'stamp.mjs'), name: './stamp.mjs', plugin: './stamp.mjs', role: 'module' },
      { path: join(templates, 'extinf.eta'), name: 'extinf.eta', plugin: './stamp.mjs', role: 'nested.list[0]' },
    ]);
  });
});
