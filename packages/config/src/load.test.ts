import { mkdtempSync, mkdirSync, watch, writeFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { loadConfig, overlookedConfigFiles, validateConfig } from './load.js';
import { locateSyntaxError } from './loaders.js';
import { configSchemas } from './schema.js';
import { schemaKeyPaths, valueAt, WRONG_VALUES, ZOD_DEFAULT_WORDS } from '../../../test/support/schema-paths.js';
import { resolvePlugins } from './plugins.js';
import { toGenerateOptions } from './options.js';

const run = promisify(execFile);

function folderWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'm3ugen-config-'));
  // a package.json boundary keeps the search inside the folder
  writeFileSync(join(dir, 'package.json'), files['package.json'] ?? '{ "name": "fixture" }');
  for (const [name, content] of Object.entries(files)) {
    if (name === 'package.json') continue;
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

const BASE = 'https://tv.example/iptv';
const expected = { web: { base_url: BASE } };

describe('config discovery (cosmiconfig under the name m3ugen)', () => {
  it.each([
    ['package.json', JSON.stringify({ name: 'fixture', m3ugen: expected })],
    ['.m3ugenrc', `web:\n  base_url: ${BASE}\n`],
    ['.m3ugenrc.json', JSON.stringify(expected)],
    ['.m3ugenrc.yaml', `web:\n  base_url: ${BASE}\n`],
    ['.m3ugenrc.yml', `web:\n  base_url: ${BASE}\n`],
    ['.m3ugenrc.toml', `[web]\nbase_url = "${BASE}"\n`],
    ['m3ugen.config.ts', `const config: { web: { base_url: string } } = { web: { base_url: '${BASE}' } };\nexport default config;\n`],
    ['m3ugen.config.mts', `const config: { web: { base_url: string } } = { web: { base_url: '${BASE}' } };\nexport default config;\n`],
    ['m3ugen.config.js', `export default { web: { base_url: '${BASE}' } };\n`],
    ['m3ugen.config.mjs', `export default { web: { base_url: '${BASE}' } };\n`],
    ['m3ugen.config.cjs', `module.exports = { web: { base_url: '${BASE}' } };\n`],
    ['m3ugen.config.json', JSON.stringify(expected)],
    ['m3ugen.config.yaml', `web:\n  base_url: ${BASE}\n`],
    ['m3ugen.config.toml', `[web]\nbase_url = "${BASE}"\n`],
  ])('finds %s', async (name, content) => {
    const dir = folderWith(name === 'package.json' ? { 'package.json': content } : { [name]: content });
    const loaded = await loadConfig({ searchFrom: dir });
    expect(loaded.config).toEqual(expected);
    expect(loaded.file?.endsWith(name)).toBe(true);
    expect(loaded.dir).toBe(dir);
  });

  it('loads an explicit --config file of any of these types', async () => {
    const dir = folderWith({ 'deploy/prod.toml': `[web]\nbase_url = "${BASE}"\n` });
    const loaded = await loadConfig({ file: join(dir, 'deploy/prod.toml') });
    expect(loaded.config).toEqual(expected);
    expect(loaded.dir).toBe(join(dir, 'deploy'));
  });

  it('falls back to the built-in defaults when there is no config file', async () => {
    const loaded = await loadConfig({ searchFrom: folderWith({}) });
    expect(loaded).toMatchObject({ config: {}, file: undefined, unknownKeys: [] });
  });

  it('says when an explicit config file does not exist', async () => {
    await expect(loadConfig({ file: '/nonexistent/m3ugen.toml' })).rejects.toThrow('/nonexistent/m3ugen.toml: config file not found (its folder "/nonexistent" does not exist)');
    // Misspelt beside the one it meant: named.
    const dir = folderWith({ 'm3ugen.toml': '' });
    await expect(loadConfig({ file: join(dir, 'm3ugen.tml') })).rejects.toThrow(`config file not found (did you mean ${JSON.stringify(join(dir, 'm3ugen.toml'))}?)`);
  });

  it('says plainly when the config given is a directory', async () => {
    const dir = folderWith({});
    mkdirSync(join(dir, 'm3ugen.toml'));
    await expect(loadConfig({ file: join(dir, 'm3ugen.toml') })).rejects.toThrow(/m3ugen\.toml: cannot load the configuration: is a directory$/);
  });

  it('reports TOML syntax errors with line and column', async () => {
    const dir = folderWith({ 'm3ugen.config.toml': '[web]\nbase_url = "http://x\n' });
    const error = await loadConfig({ searchFrom: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/m3ugen\.config\.toml: invalid TOML at line 2, column \d+/);
  });
});

describe('a config file that cannot be parsed is named with the line and column, whatever its format', () => {
  const message = async (name: string, content: string): Promise<string> => {
    const dir = folderWith({ [name]: content });
    const error = await loadConfig({ searchFrom: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    // one line, so a log keeps it whole
    expect((error as Error).message).not.toContain('\n');
    return (error as Error).message.replace(`${dir}/`, '');
  };

  it.each([
    // V8 gives no position for an unexpected token: the reader's JSON scanner finds it
    ['.m3ugenrc.json', '{\n  "web": { "base_url": }\n}\n', '.m3ugenrc.json: invalid JSON at line 2, column 24: unexpected "}"'],
    ['m3ugen.config.json', '{\n  "web": { "base_url": "x", }\n}', 'm3ugen.config.json: invalid JSON at line 2, column 29: a comma before "}": JSON takes none after the last member'],
    ['package.json', '{ "name": "fixture",\n  "m3ugen": { "web": [1,,2] } }', 'package.json: invalid JSON at line 2, column 25: unexpected ","'],
    ['.m3ugenrc.json', '\uFEFF{}', '.m3ugenrc.json: invalid JSON at line 1, column 1: a byte-order mark (U+FEFF); save the file as UTF-8 without one'],
    ['.m3ugenrc.yaml', 'web:\n  base_url: [x\n', '.m3ugenrc.yaml: invalid YAML at line 3, column 1: unexpected end of the stream within a flow collection'],
    ['.m3ugenrc', 'web:\n\tbase_url: x\n', '.m3ugenrc: invalid YAML at line 2, column 1: tab characters must not be used in indentation'],
    ['m3ugen.config.toml', '[web]\nbase_url = \n', 'm3ugen.config.toml: invalid TOML at line 2, column 12: Invalid TOML document: invalid value'],
    // smol-toml says only "trying to redefine an already defined table or value": which, and where first
    ['m3ugen.config.toml', '[web]\nbase_url = "http://a"\n\n[ web ] # again\n', 'm3ugen.config.toml: invalid TOML at line 4, column 2: the table [web] is already defined at line 1: put its keys under one [web]'],
    [
      'm3ugen.config.toml',
      'proxy_generation.strategy = "streaming"\n[proxy_generation]\n',
      'm3ugen.config.toml: invalid TOML at line 2, column 2: the table [proxy_generation] is already defined at line 1, by the dotted key proxy_generation.strategy: put its keys under one [proxy_generation]',
    ],
    ['m3ugen.config.toml', '[web]\nbase_url = "http://a"\nbase_url = "http://b"\n', 'm3ugen.config.toml: invalid TOML at line 3, column 1: the key base_url is already set at line 2: keep one of the two'],
    // Node gives an ES module's syntax error no position, and cosmiconfig's require() retry hid it
    ['m3ugen.config.mjs', 'const a = 1;\nexport default { web: { base_url: 1 + } };\n', 'm3ugen.config.mjs: invalid JavaScript at line 2, column 39: Expression expected.'],
    ['m3ugen.config.js', 'export default {\n  web: { base_url: "x" }\n  plugins: []\n};\n', "m3ugen.config.js: invalid JavaScript at line 3, column 3: ',' expected."],
    ['m3ugen.config.cjs', 'module.exports = { web: { base_url: ) } };\n', 'm3ugen.config.cjs: invalid JavaScript at line 1, column 37: Expression expected.'],
    ['m3ugen.config.ts', 'const base: string = ;\nexport default { web: { base_url: base } };\n', 'm3ugen.config.ts: invalid TypeScript at line 1, column 22: Expression expected.'],
    ['m3ugen.config.mts', 'export default { web: { base_url: <string> } };\n', 'm3ugen.config.mts: invalid TypeScript at line 1, column 44: Expression expected.'],
  ])('%s: %j', async (name, content, expected) => {
    expect(await message(name, content)).toBe(expected);
  });

  it('a config module importing what is not there says what, in words, not in the words of Node naming the module as it was loaded', async () => {
    // tmpdir() has no node_modules on its way up: a package there is not installed, as for a global install of the command.
    expect(await message('m3ugen.config.ts', "import { defineConfig } from '@m3ugen/config';\nexport default defineConfig({});\n")).toMatch(
      /^m3ugen\.config\.ts: cannot load the configuration: it imports "@m3ugen\/config", which is not installed where the config file is \(.+\): install it there \(npm install --save-dev @m3ugen\/config\); or export the object without defineConfig, which only adds types$/,
    );
    // Node names the missing file by its path; vitest's own loader, which imports it in this test, as written.
    expect(await message('m3ugen.config.mjs', "import extra from './extra.mjs';\nexport default extra;\n")).toMatch(/^m3ugen\.config\.mjs: cannot load the configuration: it imports (\/.+\/|\.\/)extra\.mjs, which does not exist$/);
  });

  it('a TypeScript config may import TypeScript plugins, which import TypeScript files by their compiled names', async () => {
    const dir = folderWith({
      'm3ugen.config.ts': "import radio from './plugins/radio.ts';\nexport default { plugins: [radio()] };\n",
      'plugins/radio.ts': "import { NAME } from './name.js';\nexport default (): { name: string; apply(): void } => ({ name: NAME, apply(): void {} });\n",
      'plugins/name.ts': "export const NAME: string = 'radio';\n",
    });
    const loaded = await loadConfig({ searchFrom: dir });
    expect((loaded.config.plugins as { name: string }[]).map((plugin) => plugin.name)).toEqual(['radio']);
  });

  it('writes nothing beside a TypeScript config (its folder may be read-only), and reads it again once edited', async () => {
    const dir = folderWith({ 'm3ugen.config.ts': "const base: string = 'http://one.example';\nexport default { web: { base_url: base } };\n" });
    const written: string[] = [];
    const watcher = watch(dir, (_event, name) => written.push(String(name)));
    try {
      expect((await loadConfig({ searchFrom: dir })).config.web?.base_url).toBe('http://one.example');
      writeFileSync(join(dir, 'm3ugen.config.ts'), "const base: string = 'http://two.example';\nexport default { web: { base_url: base } };\n");
      expect((await loadConfig({ searchFrom: dir })).config.web?.base_url).toBe('http://two.example');
      await new Promise((settle) => setTimeout(settle, 50)); // let the last events arrive
    } finally {
      watcher.close();
    }
    expect([...new Set(written)]).toEqual(['m3ugen.config.ts']); // the edit, and nothing else
  });

  it.each([
    ['m3ugen.config.toml', '[web]\nbase_url = "http://x"\n'],
    ['.m3ugenrc.json', '{ "web": {} }'],
    ['.m3ugenrc.yaml', 'web: {}\n'],
    ['m3ugen.config.mjs', 'export default {};\n'],
  ])('%s saved as UTF-16 (with or without a byte order mark) is refused by its encoding, found or given', async (name, text) => {
    for (const bytes of [Buffer.from(`\uFEFF${text}`, 'utf16le'), Buffer.from(text, 'utf16le').swap16()]) {
      const dir = folderWith({});
      writeFileSync(join(dir, name), bytes);
      // Loaded one after the other: a second promise made up front would reject before it is awaited.
      for (const load of [() => loadConfig({ searchFrom: dir }), () => loadConfig({ file: join(dir, name) })]) {
        const error = await load().catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ConfigError);
        expect((error as Error).message).toBe(`${join(dir, name)}: the file is UTF-16 or UTF-32 text, not UTF-8: save it as UTF-8`);
      }
    }
  });

  it('a config module that throws while loading is named with its own error', async () => {
    expect(await message('m3ugen.config.mjs', 'export default { web: { base_url: undefinedName } };\n')).toBe(
      'm3ugen.config.mjs: cannot load the configuration: undefinedName is not defined',
    );
  });
});

describe("the seed's TOML", () => {
  const SEED = `[proxy_generation]
# Enable memory tracking for strategy selection
enable_memory_tracking = true

# Memory limit affects strategy choice
[proxy_generation.memory]
max_memory_mb = 512
strategy_preset = "conservative"

# Base URL for proxy stream generation
[web]
base_url = "http://localhost:8080"
`;

  it('is accepted verbatim and maps onto the generator options', async () => {
    const loaded = await loadConfig({ searchFrom: folderWith({ 'm3ugen.config.toml': SEED }) });
    expect(loaded.unknownKeys).toEqual([]);
    expect(toGenerateOptions(loaded.config)).toEqual({
      baseUrl: 'http://localhost:8080',
      proxyId: undefined,
      strategy: undefined,
      urlScheme: undefined,
      urlOptions: undefined,
      strict: undefined,
      checkDuplicates: undefined,
      memory: { enableTracking: true, maxMemoryMb: 512, preset: 'conservative', largeInputThreshold: undefined, sampleIntervalMs: undefined },
    });
  });
});

describe('invalid configuration', () => {
  const error = (raw: unknown): string => {
    try {
      validateConfig(raw, 'm3ugen.toml');
    } catch (e) {
      return (e as Error).message;
    }
    throw new Error('expected a ConfigError');
  };

  it.each([
    [{ proxy_generation: { memory: { max_memory_mb: 'lots' } } }, 'm3ugen.toml: key "proxy_generation.memory.max_memory_mb": expected a positive number, got "lots"'],
    [{ proxy_generation: { memory: { max_memory_mb: 0 } } }, 'm3ugen.toml: key "proxy_generation.memory.max_memory_mb": expected a positive number, got 0'],
    // TOML reads nan and inf, which JSON would show as null.
    [{ proxy_generation: { memory: { max_memory_mb: Number.NaN } } }, 'm3ugen.toml: key "proxy_generation.memory.max_memory_mb": expected a positive number, got NaN'],
    [{ proxy_generation: { memory: { max_memory_mb: -Infinity } } }, 'm3ugen.toml: key "proxy_generation.memory.max_memory_mb": expected a positive number, got -Infinity'],
    [{ proxy_generation: { memory: { strategy_preset: 'fast' } } }, 'm3ugen.toml: key "proxy_generation.memory.strategy_preset": expected one of "conservative", "default", "aggressive", got "fast"'],
    // A value near one of the set: said which.
    [{ proxy_generation: { memory: { strategy_preset: 'conservativ' } } }, 'm3ugen.toml: key "proxy_generation.memory.strategy_preset": expected one of "conservative", "default", "aggressive", got "conservativ" (did you mean "conservative"?)'],
    [{ proxy_generation: { workers: 'atuo' } }, 'm3ugen.toml: key "proxy_generation.workers": expected "auto" or a whole number >= 1, got "atuo" (did you mean "auto"?)'],
    // Said alike for a number out of range (zod's own words before: "Too small: expected number to be >=1").
    [{ proxy_generation: { workers: 0 } }, 'm3ugen.toml: key "proxy_generation.workers": expected "auto" or a whole number >= 1, got 0'],
    [{ proxy_generation: { workers: 1.5 } }, 'm3ugen.toml: key "proxy_generation.workers": expected "auto" or a whole number >= 1, got 1.5'],
    [{ proxy_generation: { memory: { strategy_preset: 'Aggressive' } } }, 'm3ugen.toml: key "proxy_generation.memory.strategy_preset": expected one of "conservative", "default", "aggressive", got "Aggressive" (did you mean "aggressive"?)'],
    [{ proxy_generation: { enable_memory_tracking: 'yes' } }, 'm3ugen.toml: key "proxy_generation.enable_memory_tracking": expected true or false, got "yes"'],
    // A number or a flag in quotes: text to TOML, YAML and JSON alike.
    [{ proxy_generation: { memory: { max_memory_mb: ' 512' } } }, 'm3ugen.toml: key "proxy_generation.memory.max_memory_mb": expected a positive number, got " 512" (text: write 512 without quotes)'],
    [{ proxy_generation: { enable_memory_tracking: 'false' } }, 'm3ugen.toml: key "proxy_generation.enable_memory_tracking": expected true or false, got "false" (text: write false without quotes)'],
    [{ web: { base_url: 'localhost:8080' } }, 'm3ugen.toml: key "web.base_url": expected an absolute http(s) URL such as "http://localhost:8080" or "https://tv.example/iptv", got "localhost:8080" (did you mean "http://localhost:8080"?)'],
    [{ proxy_generation: { proxy_id: 'abc' } }, 'm3ugen.toml: key "proxy_generation.proxy_id": expected a ULID (26 characters of 0-9 and A-Z without I, L, O, U), got "abc": 3 characters'],
    [{ plugins: [42] }, 'm3ugen.toml: key "plugins[0]": expected "name-or-path", ["name-or-path", { options }] or a plugin object, got 42'],
    // Plugin entries as tables, as other tools write them: said in the list form.
    [{ plugins: [{ name: '@m3ugen/attributes', options: { ready: ['catchup'] } }] }, 'm3ugen.toml: key "plugins[0]": expected "name-or-path", ["name-or-path", { options }] or a plugin object, got {"name":"@m3ugen/attributes","options":{"ready":["catchup"]}…: write it as ["@m3ugen/attributes", { options }]'],
    [{ plugins: [{ '@m3ugen/attributes': { ready: ['catchup'] } }] }, 'm3ugen.toml: key "plugins[0]": expected "name-or-path", ["name-or-path", { options }] or a plugin object, got {"@m3ugen/attributes":{"ready":["catchup"]}}: write it as ["@m3ugen/attributes", { options }]'],
    [{ plugins: [{ name: './radio.mjs' }] }, 'm3ugen.toml: key "plugins[0]": expected "name-or-path", ["name-or-path", { options }] or a plugin object, got {"name":"./radio.mjs"}: write it as "./radio.mjs"'],
    [{ plugins: ['./a.mjs', function radio() {}] }, 'm3ugen.toml: key "plugins[1]": got the function "radio" where a plugin belongs: call it (radio() or radio({ … })) to make the plugin'],
    [{ web: 'http://localhost' }, 'm3ugen.toml: key "web": expected a table (an object), got "http://localhost"'],
  ])('%j', (raw, message) => {
    expect(error(raw)).toBe(message);
  });

  it("says every key's wrong value in its own words, never zod's (\"Invalid input\", \"Too small\")", () => {
    const paths = schemaKeyPaths(configSchemas().config);
    expect(paths.map((p) => p.join('.'))).toEqual(expect.arrayContaining(['input', 'web.base_url', 'plugins.0', 'proxy_generation.workers', 'proxy_generation.memory.large_input_threshold']));
    for (const path of paths) {
      for (const value of WRONG_VALUES) {
        let message = '';
        try {
          validateConfig(valueAt(path, value), 'm3ugen.toml');
        } catch (error) {
          message = (error as Error).message;
        }
        expect(message, `${path.join('.')} = ${JSON.stringify(value)}`).not.toMatch(ZOD_DEFAULT_WORDS);
      }
    }
  });

  it('lists every problem of the file, in the order of the keys, so one edit mends them all', () => {
    let caught: unknown;
    try {
      validateConfig({ input: '', web: { base_url: 'localhost:8080', port: 1 }, proxy_generation: { memory: { max_memory_mb: 0, strategy_preset: 'fast' } } }, 'm3ugen.toml');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const error = caught as ConfigError;
    expect(error.message).toBe(
      [
        'm3ugen.toml: 4 problems:',
        '  key "input": expected a non-empty string, got ""',
        '  key "web.base_url": expected an absolute http(s) URL such as "http://localhost:8080" or "https://tv.example/iptv", got "localhost:8080" (did you mean "http://localhost:8080"?)',
        '  key "proxy_generation.memory.max_memory_mb": expected a positive number, got 0',
        '  key "proxy_generation.memory.strategy_preset": expected one of "conservative", "default", "aggressive", got "fast"',
      ].join('\n'),
    );
    expect(error.key).toBe('input');
    expect(error.problems.map((problem) => problem.key)).toEqual(['input', 'web.base_url', 'proxy_generation.memory.max_memory_mb', 'proxy_generation.memory.strategy_preset']);
  });

  it('counts the problems past the tenth instead of listing them', () => {
    const message = error({ plugins: Array.from({ length: 12 }, () => 42) });
    expect(message.split('\n')).toHaveLength(1 + 10 + 1);
    expect(message).toMatch(/^m3ugen\.toml: 12 problems:\n {2}key "plugins\[0\]": /);
    expect(message).toContain('  key "plugins[9]": ');
    expect(message).not.toContain('plugins[10]');
    expect(message.endsWith('\n  … and 2 more')).toBe(true);
  });

  it('describes a value it cannot write as JSON (nested too deeply, cyclic) by its kind', () => {
    const deep = JSON.parse(`${'['.repeat(200_000)}1${']'.repeat(200_000)}`) as unknown;
    expect(error({ web: deep })).toBe('m3ugen.toml: key "web": expected a table (an object), got an array');
    const cyclic: unknown[] = [];
    cyclic.push(cyclic);
    expect(error({ input: cyclic })).toBe('m3ugen.toml: key "input": expected a string, got an array');
  });

  it('ignores unknown keys but reports them', () => {
    const { config, unknownKeys } = validateConfig({ web: { base_url: BASE, port: 8080 }, database: { url: 'x' } });
    expect(config).toEqual({ web: { base_url: BASE } });
    expect(unknownKeys.sort()).toEqual(['database', 'web.port']);
  });
});

describe('unknown keys beside plugin objects (JS/TS configs)', () => {
  it('are dropped without copying the plugins', () => {
    const plugin = { name: 'inline', apply: () => undefined };
    const { config, unknownKeys } = validateConfig({ plugins: [plugin], web: { base_url: BASE, port: 1 }, extra: true });
    expect(unknownKeys.sort()).toEqual(['extra', 'web.port']);
    expect(config.plugins?.[0]).toBe(plugin);
    expect(config.web).toEqual({ base_url: BASE });
  });
});

describe('files named like a config that the search does not read', () => {
  it('are listed with a name the search reads, and found files are not', async () => {
    const dir = folderWith({ 'm3ugen.toml': '', '.m3ugen.yaml': '', 'm3ugenrc.json': '', 'm3ugenrc.js': '', m3ugenrc: '', 'other.toml': '' });
    expect(await loadConfig({ searchFrom: dir })).toMatchObject({ file: undefined });
    expect(overlookedConfigFiles(dir)).toEqual([
      { file: 'm3ugenrc', searchedName: '.m3ugenrc' },
      { file: 'm3ugen.toml', searchedName: 'm3ugen.config.toml' },
      { file: '.m3ugen.yaml', searchedName: 'm3ugen.config.yaml' },
      { file: 'm3ugenrc.json', searchedName: '.m3ugenrc.json' },
      { file: 'm3ugenrc.js', searchedName: 'm3ugen.config.js' },
    ]);
    for (const searched of ['m3ugen.config.toml', '.m3ugenrc.json', '.m3ugenrc']) {
      expect(overlookedConfigFiles(folderWith({ [searched]: '' }))).toEqual([]);
    }
  });
});

describe('a config loaded again in one process (m3ugen generate --watch)', () => {
  it.each([
    ['m3ugen.config.mjs', 'export default'],
    ['m3ugen.config.cjs', 'module.exports ='],
    // No "type" in the folder's package.json: a .js config is CommonJS.
    ['m3ugen.config.js', 'module.exports ='],
  ])('%s edited since it was loaded is read again, as it is now (a process that loads its config twice: --watch)', async (name, exporting) => {
    const dir = folderWith({ [name]: `${exporting} { web: { base_url: 'http://one.example' } };\n` });
    const file = join(dir, name);
    expect((await loadConfig({ file })).config.web?.base_url).toBe('http://one.example');
    expect((await loadConfig({ file })).config.web?.base_url).toBe('http://one.example');
    // The same size, written at once: told apart by its bytes, not its size or time.
    writeFileSync(file, `${exporting} { web: { base_url: 'http://two.example' } };\n`);
    expect((await loadConfig({ file })).config.web?.base_url).toBe('http://two.example');
    expect((await loadConfig({ searchFrom: dir })).config.web?.base_url).toBe('http://two.example');
    writeFileSync(file, `${exporting} { web: { base_url: 'http://three.example' } }; // longer still\n`);
    expect((await loadConfig({ searchFrom: dir })).config.web?.base_url).toBe('http://three.example');
  });

  it.each([
    ['m3ugen.config.mjs', 'base.mjs', './base.mjs', ''],
    // TypeScript importing TypeScript by its compiled name, through the TypeScript hooks.
    ['m3ugen.config.ts', 'base.ts', './base.js', ': string'],
  ])('%s is read again when a local module it imports changed, and stays the module it was while none did', async (name, base, specifier, type) => {
    const dir = folderWith({ [name]: `import { base } from '${specifier}';\nexport default { web: { base_url: base } };\n` });
    const baseText = (url: string): string => `export const base${type} = '${url}';\n`;
    // In a Node process of its own: the test runner imports modules itself, without Node's loader hooks, which this relies on.
    const script = `
      import { writeFileSync } from 'node:fs';
      import { loadConfig } from ${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)};
      const file = ${JSON.stringify(join(dir, name))};
      const url = async () => (await loadConfig({ file })).config.web.base_url;
      writeFileSync(${JSON.stringify(join(dir, base))}, ${JSON.stringify(baseText('http://one.example'))});
      const seen = [await url(), await url()];
      writeFileSync(${JSON.stringify(join(dir, base))}, ${JSON.stringify(baseText('http://two.example'))});
      seen.push(await url(), await url());
      console.log(JSON.stringify(seen));
    `;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script]);
    expect(JSON.parse(stdout)).toEqual(['http://one.example', 'http://one.example', 'http://two.example', 'http://two.example']);
  });

  it.each([
    ['m3ugen.config.mjs', "import { base } from './base.mjs';\nexport default { web: { base_url: base } };\n"],
    ['m3ugen.config.ts', "import { base } from './base.ts';\nexport default { web: { base_url: base } };\n"],
  ])('%s that failed to load is imported again on the next load, unchanged, once what it imports is there', async (name, text) => {
    const dir = folderWith({ [name]: text });
    const file = join(dir, name);
    await expect(loadConfig({ file })).rejects.toThrow(ConfigError);
    writeFileSync(join(dir, name.endsWith('.ts') ? 'base.ts' : 'base.mjs'), "export const base: string = 'http://one.example';\n".replace(': string', name.endsWith('.ts') ? ': string' : ''));
    expect((await loadConfig({ file })).config.web?.base_url).toBe('http://one.example');
  });
});

describe('locateSyntaxError', () => {
  it('finds the first syntax error in a module or the local modules it imports, through cycles, extensionless requires and re-exports', async () => {
    const dir = folderWith({
      'entry.mjs': "import { a } from './a.mjs';\nimport 'left-pad';\nimport './missing.mjs';\nexport default a;\n",
      'a.mjs': "import { entry } from './entry.mjs';\nexport * from './lib/b.js';\nexport const a = 1;\n",
      'lib/b.js': "const c = require('./c');\nmodule.exports = c;\n",
      'lib/c.js': 'module.exports = {\n  ok: true,\n  broken: ,\n};\n',
    });
    expect(await locateSyntaxError(join(dir, 'entry.mjs'))).toBe(`${join(dir, 'lib/c.js')}: invalid JavaScript at line 3, column 11: Expression expected.`);
    writeFileSync(join(dir, 'lib/c.js'), 'module.exports = { ok: true };\n');
    expect(await locateSyntaxError(join(dir, 'entry.mjs'))).toBeUndefined();
  });
});

describe('called from JavaScript with the wrong arguments', () => {
  it('loadConfig, resolvePlugins and toGenerateOptions say what they take, and a path given alone is not a search from the working folder', async () => {
    await expect(loadConfig('m3ugen.toml' as never)).rejects.toThrow('loadConfig: expected options ({ file?, searchFrom? }), got "m3ugen.toml": to load this file, pass { file: "m3ugen.toml" }');
    await expect(loadConfig({ file: 42 as never })).rejects.toThrow('loadConfig: option "file" must be a path, got number 42');
    await expect(resolvePlugins('@m3ugen/attributes' as never, '/tmp')).rejects.toThrow(
      'resolvePlugins: entries must be a list of plugin entries (names, paths, [name, options] or plugins), got "@m3ugen/attributes": a list of one is ["@m3ugen/attributes"]',
    );
    await expect(resolvePlugins([], undefined as never)).rejects.toThrow("resolvePlugins: fromDir must be the folder relative paths resolve from (the config's), got nothing");
    expect(() => toGenerateOptions(undefined as never)).toThrow("toGenerateOptions: expected a config (loadConfig()'s config), got nothing");
  });
});
