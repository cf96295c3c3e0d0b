import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeChannels } from './support/channels.js';
import { BIN, ROOT, runCli, startCli } from './support/cli.js';

const PROXY = '01ARZ3NDEKTSV4RRFFQ69G5FAV';
const fixture = (name: string): string => readFileSync(join(ROOT, 'test/fixtures', name), 'utf8');
const GOLDEN = fixture('seed-example.m3u');
const SEED_NDJSON = (JSON.parse(fixture('seed-example.channels.json')) as unknown[]).map((r) => JSON.stringify(r)).join('\n');

function workdir(): string {
  return mkdtempSync(join(tmpdir(), 'm3ugen-cli-'));
}
const leftovers = (dir: string): string[] => readdirSync(dir).filter((name) => name.endsWith('.tmp'));

function toNdjson(count: number): string {
  return makeChannels(count)
    .map((nc) =>
      JSON.stringify({
        assigned_number: nc.assignedNumber,
        channel: { id: nc.channel.id, channel_name: nc.channel.channelName, tvg_id: nc.channel.tvgId, tvg_name: nc.channel.tvgName, tvg_logo: nc.channel.tvgLogo, group_title: nc.channel.groupTitle },
      }),
    )
    .join('\n');
}

describe('m3ugen generate', () => {
  it('reads NDJSON on stdin and writes the playlist to stdout', async () => {
    const result = await runCli(['generate', '--input', '-', '--proxy-id', PROXY, '--quiet'], { stdin: SEED_NDJSON });
    expect(result).toMatchObject({ code: 0, stdout: GOLDEN, stderr: '' });
  });

  it('reads gzip-compressed NDJSON, from a file or stdin (in worker threads when asked), into the same playlist', async () => {
    const dir = workdir();
    writeFileSync(join(dir, 'c.ndjson.gz'), gzipSync(SEED_NDJSON));
    for (const workers of ['1', '2']) {
      const file = await runCli(['generate', '--input', 'c.ndjson.gz', '--output', 'p.m3u', '--proxy-id', PROXY, '--workers', workers], { cwd: dir });
      expect(file.code).toBe(0);
      expect(readFileSync(join(dir, 'p.m3u'), 'utf8')).toBe(GOLDEN);
      expect(file.stderr.includes('(parallel, 2 worker threads) → ')).toBe(workers === '2');
    }
    const piped = spawnSync(process.execPath, [BIN, 'generate', '--input', '-', '--proxy-id', PROXY, '--quiet'], { input: gzipSync(SEED_NDJSON), encoding: 'utf8' });
    expect(piped).toMatchObject({ status: 0, stdout: GOLDEN, stderr: '' });
    const pipedToFile = spawnSync(process.execPath, [BIN, 'generate', '--input', '-', '--output', join(dir, 'piped.m3u'), '--proxy-id', PROXY, '--workers', '2'], { input: gzipSync(SEED_NDJSON), encoding: 'utf8' });
    expect(pipedToFile.stderr).toContain('(parallel, 2 worker threads) → ');
    expect(readFileSync(join(dir, 'piped.m3u'), 'utf8')).toBe(GOLDEN);
  });

  it.each([[[]], [['--workers', '2']]])('writes an output file named .gz gzip-compressed, atomically, as a .gz input is read (%j)', async (extra) => {
    const dir = workdir();
    writeFileSync(join(dir, 'c.ndjson'), SEED_NDJSON);
    const result = await runCli(['generate', '--input', 'c.ndjson', '--output', 'playlist.m3u.gz', '--metrics', 'm.json', '--proxy-id', PROXY, ...extra], { cwd: dir });
    expect(result.code).toBe(0);
    const written = readFileSync(join(dir, 'playlist.m3u.gz'));
    expect(gunzipSync(written).toString('utf8')).toBe(GOLDEN);
    // The metrics count the playlist's bytes; the summary says the file's too.
    expect(JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8'))).toMatchObject({ bytes: Buffer.byteLength(GOLDEN) });
    expect(result.stderr).toContain(`→ playlist.m3u.gz (${written.length} B gzip)\n`);
    // A failed run leaves the earlier file as it was, and no temporary file.
    writeFileSync(join(dir, 'c.ndjson'), `${SEED_NDJSON}\n{"assigned_number": "x"}\n`);
    const failed = await runCli(['generate', '--input', 'c.ndjson', '--output', 'playlist.m3u.gz', '--proxy-id', PROXY, '-q', ...extra], { cwd: dir });
    expect(failed.code).toBe(1);
    expect(readFileSync(join(dir, 'playlist.m3u.gz'))).toEqual(written);
    expect(leftovers(dir)).toEqual([]);
  });

  it('writes the fields it validated: a `__proto__` or camelCase key in a snake_case record changes nothing', async () => {
    const id = '550e8400-e29b-41d4-a716-000000000001';
    const line = `{"assigned_number":1,"channel":{"id":"${id}","channel_name":"News","tvgLogo":"http://evil/","channelName":42,"__proto__":{"groupTitle":"Injected"}}}`;
    const result = await runCli(['generate', '--input', '-', '--proxy-id', PROXY, '--quiet'], { stdin: line });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toBe(`#EXTM3U\n#EXTINF:-1 tvg-id="" tvg-name="" tvg-logo="" tvg-chno="1" group-title="",News\nhttp://localhost:8080/stream/${PROXY}/${id}\n`);
  });

  it('warns that an input with no channel records gives a playlist of the header alone, from generate and validate', async () => {
    const dir = workdir();
    writeFileSync(join(dir, 'none.ndjson'), '\n\n');
    writeFileSync(join(dir, 'none.json'), '[]');
    const ndjson = await runCli(['generate', '--input', 'none.ndjson', '--output', 'p.m3u', '--proxy-id', PROXY], { cwd: dir });
    expect(ndjson.code).toBe(0);
    expect(readFileSync(join(dir, 'p.m3u'), 'utf8')).toBe('#EXTM3U\n');
    expect(ndjson.stderr).toContain('m3ugen: warning: none.ndjson holds no channel records: its playlist is the header alone\n');
    const json = await runCli(['validate', '--input', 'none.json', '--proxy-id', PROXY], { cwd: dir });
    expect(json).toMatchObject({ code: 0, stdout: 'ok: none.json: 0 channels valid, 0 warnings (no config file)\n' });
    expect(json.stderr).toContain('m3ugen: warning: none.json holds no channel records: its playlist is the header alone\n');
    // --quiet keeps it quiet, as every warning.
    expect((await runCli(['generate', '--input', 'none.ndjson', '--proxy-id', PROXY, '-q'], { cwd: dir })).stderr).toBe('');
  });

  it('reads a JSON array on stdin too', async () => {
    const result = await runCli(['generate', '--proxy-id', PROXY, '-i', '-', '-q'], { stdin: fixture('seed-example.channels.json') });
    expect(result.stdout).toBe(GOLDEN);
  });

  it('runs the config-driven example: file to file, atomically, with metrics', async () => {
    const dir = workdir();
    const output = join(dir, 'playlist.m3u');
    const metricsFile = join(dir, 'metrics.json');
    const result = await runCli(['generate', '--config', 'examples/basic/m3ugen.toml', '--output', output, '--metrics', metricsFile]);
    expect(result.code).toBe(0);
    expect(readFileSync(output, 'utf8')).toBe(readFileSync(join(ROOT, 'examples/basic/expected.m3u'), 'utf8'));
    expect(leftovers(dir)).toEqual([]);
    const metrics = JSON.parse(readFileSync(metricsFile, 'utf8')) as Record<string, unknown>;
    expect(Object.keys(metrics)).toEqual(expect.arrayContaining(['channels', 'bytes', 'durationMs', 'channelsPerSecond', 'peakRssBytes', 'strategy', 'strategySwitches', 'warnings']));
    expect(metrics).toMatchObject({ channels: 40, bytes: statSync(output).size, strategy: 'in-memory', strategySwitches: [], warnings: 4, skippedRecords: 0 });
    expect(metrics['firstWarnings']).toEqual({
      'missing-field:tvg_logo': { code: 'missing-field', field: 'tvg_logo', channelIndex: 4, line: 5, message: 'channel at index 4: tvg_logo is missing; written as ""', reason: 'tvg_logo is missing; written as ""' },
      'missing-field:tvg_name': { code: 'missing-field', field: 'tvg_name', channelIndex: 30, line: 31, message: 'channel at index 30: tvg_name is missing; written as ""', reason: 'tvg_name is missing; written as ""' },
    });
    expect(result.stderr).toContain('m3ugen: warning: 3 channels without tvg_logo (written as ""), the first at line 5\n');
  });

  it('lets flags override the config file', async () => {
    const result = await runCli(['generate', '--config', 'examples/basic/m3ugen.toml', '--base-url', 'https://tv.example/iptv/', '-q']);
    expect(result.stdout.split('\n')[2]).toBe(`https://tv.example/iptv/stream/${PROXY}/550e8400-e29b-41d4-a716-000000000001`);
  });

  describe('finds the config without --config, as cosmiconfig searches', () => {
    const urlLine = async (cwd: string): Promise<string | undefined> => {
      const result = await runCli(['generate', '--input', '-', '--proxy-id', PROXY, '-q'], { cwd, stdin: SEED_NDJSON });
      expect(result.code).toBe(0);
      return result.stdout.split('\n')[2];
    };
    const toml = (host: string) => `[web]\nbase_url = "https://${host}"\n`;

    it('in a parent folder, up to the nearest package.json, and not past one without an "m3ugen" key', async () => {
      const dir = workdir();
      writeFileSync(join(dir, 'package.json'), '{ "name": "project" }');
      writeFileSync(join(dir, 'm3ugen.config.toml'), toml('parent.example'));
      mkdirSync(join(dir, 'a', 'b'), { recursive: true });
      expect(await urlLine(join(dir, 'a', 'b'))).toMatch(/^https:\/\/parent\.example\/stream\//);
      writeFileSync(join(dir, 'a', 'package.json'), '{ "name": "nested" }');
      expect(await urlLine(join(dir, 'a', 'b'))).toMatch(/^http:\/\/localhost:8080\/stream\//);
      writeFileSync(join(dir, 'a', 'package.json'), JSON.stringify({ name: 'nested', m3ugen: { web: { base_url: 'https://package.example' } } }));
      expect(await urlLine(join(dir, 'a', 'b'))).toMatch(/^https:\/\/package\.example\/stream\//);
    });

    it("where cosmiconfig's own settings in the working folder (.config/config.json) say", async () => {
      const dir = workdir();
      mkdirSync(join(dir, '.config'));
      mkdirSync(join(dir, 'deploy'));
      writeFileSync(join(dir, '.config', 'config.json'), JSON.stringify({ cosmiconfig: { searchPlaces: ['deploy/{name}.toml'] } }));
      writeFileSync(join(dir, 'deploy', 'm3ugen.toml'), toml('meta.example'));
      expect(await urlLine(dir)).toMatch(/^https:\/\/meta\.example\/stream\//);
    });
  });

  it('warns of each unknown config key, in file order, and runs with the rest', async () => {
    const dir = workdir();
    writeFileSync(join(dir, 'm3ugen.toml'), 'port = 80\n[web]\nbase_url = "https://tv.example"\nport = 81\n[database]\nurl = "postgres://x"\n');
    const result = await runCli(['generate', '--config', 'm3ugen.toml', '--input', '-', '--proxy-id', PROXY], { cwd: dir, stdin: SEED_NDJSON });
    expect(result.code).toBe(0);
    expect(result.stderr.split('\n').filter((line) => line.includes('unknown key'))).toEqual([
      'm3ugen: warning: m3ugen.toml: ignoring unknown key "port"',
      'm3ugen: warning: m3ugen.toml: ignoring unknown key "web.port"',
      'm3ugen: warning: m3ugen.toml: ignoring unknown key "database"',
    ]);
    expect(result.stdout.split('\n')[2]).toMatch(/^https:\/\/tv\.example\/stream\//);
  });

  it('says which key an ignored one was most likely meant to be: a typo, or a known key in the wrong table', async () => {
    const dir = workdir();
    writeFileSync(join(dir, 'm3ugen.toml'), '[web]\nbse_url = "https://tv.example"\n[proxy_generation]\nmax_memory_mb = 64\nstratgy = "streaming"\n');
    const result = await runCli(['validate', '--config', 'm3ugen.toml', '--input', '-'], { cwd: dir, stdin: SEED_NDJSON });
    expect(result.code).toBe(0);
    expect(result.stderr.split('\n').filter((line) => line.includes('unknown key'))).toEqual([
      'm3ugen: warning: m3ugen.toml: ignoring unknown key "web.bse_url" (did you mean "web.base_url"?)',
      'm3ugen: warning: m3ugen.toml: ignoring unknown key "proxy_generation.max_memory_mb" (did you mean "proxy_generation.memory.max_memory_mb"?)',
      'm3ugen: warning: m3ugen.toml: ignoring unknown key "proxy_generation.stratgy" (did you mean "proxy_generation.strategy"?)',
    ]);
  });

  it('reports a bad record at NDJSON line N as line N with its field, exits 1 and keeps the earlier playlist', async () => {
    const dir = workdir();
    const input = join(dir, 'channels.ndjson');
    const output = join(dir, 'playlist.m3u');
    writeFileSync(output, 'previous playlist\n');
    const lines = toNdjson(5).split('\n');
    lines.splice(3, 0, JSON.stringify({ assigned_number: 4, channel: { id: '550e8400-e29b-41d4-a716-446655440004', channel_name: 42 } }));
    writeFileSync(input, lines.join('\n'));
    const result = await runCli(['generate', '--input', input, '--output', output, '--proxy-id', PROXY]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`m3ugen: error: ${input}: line 4: field "channel.channel_name": expected a non-empty string, got number 42`);
    expect(readFileSync(output, 'utf8')).toBe('previous playlist\n');
    expect(leftovers(dir)).toEqual([]);
  });

  it('skips invalid records with --skip-invalid, one warning each and a count in the metrics', async () => {
    const dir = workdir();
    const input = join(dir, 'channels.ndjson');
    writeFileSync(input, `${toNdjson(3)}\n{"broken\n{"assigned_number": 9, "channel": {"id": "x"}}\n`);
    const result = await runCli(['generate', '--input', input, '--skip-invalid', '--metrics', join(dir, 'm.json'), '--proxy-id', PROXY]);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')).toHaveLength(1 + 2 * 3 + 1);
    expect(result.stderr).toContain(`m3ugen: warning: skipped invalid record: ${input}: line 4: invalid JSON`);
    expect(result.stderr).toContain(`m3ugen: warning: skipped invalid record: ${input}: line 5: field "channel.channel_name": required field is missing`);
    expect(JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8'))).toMatchObject({ channels: 3, skippedRecords: 2, warningCounts: { 'skipped-record': 2 } });
  });

  it('says ten skipped records one by one with --skip-invalid, and counts the rest (--verbose says each)', async () => {
    const dir = workdir();
    const input = join(dir, 'channels.ndjson');
    writeFileSync(input, `${toNdjson(2)}\n${'{"broken\n'.repeat(25)}`);
    const said = (stderr: string): number => stderr.split('\n').filter((line) => line.startsWith('m3ugen: warning: skipped invalid record:')).length;
    const normal = await runCli(['generate', '--input', input, '--skip-invalid', '--proxy-id', PROXY]);
    expect(normal.code).toBe(0);
    expect(said(normal.stderr)).toBe(10);
    expect(normal.stderr).toContain('m3ugen: warning: 25 invalid records skipped (the first 10 shown; --verbose shows each)');
    const verbose = await runCli(['generate', '--input', input, '--skip-invalid', '--proxy-id', PROXY, '--verbose']);
    expect(said(verbose.stderr)).toBe(25);
    expect(verbose.stderr).toContain('m3ugen: warning: 25 invalid records skipped\n');
  });

  it('publishes nothing with --skip-invalid when no record at all is valid (an input in the wrong shape), naming the first problem', async () => {
    const dir = workdir();
    const input = join(dir, 'channels.ndjson');
    const output = join(dir, 'playlist.m3u');
    // A JSON array, pretty-printed, under an NDJSON name: every line is invalid NDJSON.
    writeFileSync(input, JSON.stringify(JSON.parse(`[${toNdjson(3).split('\n').join(',')}]`), null, 2));
    writeFileSync(output, 'previous playlist\n');
    const result = await runCli(['generate', '--input', input, '--skip-invalid', '--output', output, '--proxy-id', PROXY]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(`m3ugen: error: ${input.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: none of its \\d+ records is valid, so nothing is published: is it the input you meant\\? The first: line 1: this is a JSON array, not NDJSON \\(one record per line\\): name the file \\.json`),
    );
    expect(readFileSync(output, 'utf8')).toBe('previous playlist\n');
    expect(leftovers(dir)).toEqual([]);
    // One record, invalid: said in the singular.
    writeFileSync(input, '{"assigned_number": 1}\n');
    const one = await runCli(['generate', '--input', input, '--skip-invalid', '--output', output, '--proxy-id', PROXY]);
    expect(one.code).toBe(1);
    expect(one.stderr).toContain(': its one record is not valid, so nothing is published: is it the input you meant? The first: line 1: field "channel": required field is missing');
    expect(readFileSync(output, 'utf8')).toBe('previous playlist\n');
  });

  it('logs each channel, its EXTINF line and URL with --verbose', async () => {
    const result = await runCli(['generate', '--input', '-', '--proxy-id', PROXY, '--verbose'], { stdin: SEED_NDJSON });
    expect(result.stdout).toBe(GOLDEN);
    expect(result.stderr).toContain(
      `[debug] M3U Generation - Channel #1: id=550e8400-e29b-41d4-a716-446655440001, channel_name='Example News HD', tvg_name='Example News HD', stream_url='http://localhost:8080/stream/${PROXY}/550e8400-e29b-41d4-a716-446655440001'`,
    );
    expect(result.stderr).toContain(`[debug] M3U Generation - Generated EXTINF: '#EXTINF:-1 tvg-id="sports-channel"`);
  });

  it('escapes control characters of channel values in --verbose logs and errors, so they cannot drive the terminal or forge a line', async () => {
    const id = '550e8400-e29b-41d4-a716-000000000001';
    const hostile = JSON.stringify({ assigned_number: 1, channel: { id, channel_name: 'A\u001b[2J\nm3ugen: all good', tvg_name: 'bell\u0007' } });
    const verbose = await runCli(['generate', '--input', '-', '--proxy-id', PROXY, '--verbose'], { stdin: hostile });
    expect(verbose.code).toBe(0);
    expect(verbose.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f]/);
    expect(verbose.stderr.split('\n').filter((line) => line.startsWith('m3ugen: all good'))).toEqual([]);
    expect(verbose.stderr).toContain("channel_name='A\\u001b[2J\\nm3ugen: all good', tvg_name='bell\\u0007'");
    const strict = await runCli(['generate', '--input', '-', '--strict', '-q'], { stdin: hostile.replace(id, 'bad\\u001b[2J') });
    expect(strict.code).toBe(1);
    expect(strict.stderr).not.toContain('\u001b');
  });

  it('loads plugins listed in the config, resolved from its folder', async () => {
    const dir = workdir();
    writeFileSync(join(dir, 'channels.ndjson'), SEED_NDJSON);
    writeFileSync(
      join(dir, 'radio.mjs'),
      `export default (options) => ({ name: 'radio', apply(g) { g.hooks.entryAttributes.tap('radio', (a) => [...a, { name: 'radio', value: String(options.value) }]); } });`,
    );
    writeFileSync(join(dir, 'm3ugen.config.json'), JSON.stringify({ input: 'channels.ndjson', plugins: [['./radio.mjs', { value: true }]], proxy_generation: { proxy_id: PROXY } }));
    const result = await runCli(['generate', '-q'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')[1]).toMatch(/group-title="News" radio="true",Example News HD$/);
  });

  it('loads plugins written in TypeScript (.ts, .mts, .cts), which Node 20 cannot import, and the TypeScript files they import, writing nothing beside them', async () => {
    const dir = workdir();
    writeFileSync(join(dir, 'channels.ndjson'), SEED_NDJSON);
    const attribute = (name: string, value: string): string =>
      `apply(g: { hooks: { entryAttributes: { tap(n: string, f: (a: { name: string; value: string }[]) => unknown): void } } }): void { g.hooks.entryAttributes.tap('${name}', (a) => [...a, { name: '${name}', value: ${value} }]); }`;
    writeFileSync(join(dir, 'suffix.mjs'), `export const suffix = '!';`);
    // TypeScript files import each other by their own names or by the names tsc gives them (./prefix.js).
    writeFileSync(join(dir, 'prefix.ts'), `export const prefix: string = '<';\n`);
    writeFileSync(join(dir, 'typed.ts'), `import { suffix } from './suffix.mjs';\nimport { prefix } from './prefix.js';\ninterface Options { readonly token: string }\nexport default (options: Options) => ({ name: 'typed', workerSafe: true, ${attribute('x-typed', 'prefix + options.token + suffix')} });\n`);
    writeFileSync(join(dir, 'module.mts'), `const value: string = 'm';\nexport const plugin = { name: 'module', ${attribute('x-module', 'value')} };\n`);
    writeFileSync(join(dir, 'common.cts'), `const factory = (options: { token: string }) => ({ name: 'common', ${attribute('x-common', 'options.token')} });\nexport = factory;\n`);
    writeFileSync(
      join(dir, 'm3ugen.config.json'),
      JSON.stringify({ input: 'channels.ndjson', plugins: [['./typed.ts', { token: 'abc' }], './module.mts', ['./common.cts', { token: 'c' }]], proxy_generation: { proxy_id: PROXY } }),
    );
    const result = await runCli(['generate', '-q'], { cwd: dir });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout.split('\n')[1]).toMatch(/group-title="News" x-typed="<abc!" x-module="m" x-common="c",Example News HD$/);
    expect(readdirSync(dir).sort()).toEqual(['channels.ndjson', 'common.cts', 'm3ugen.config.json', 'module.mts', 'prefix.ts', 'suffix.mjs', 'typed.ts']);
    // Worker threads load them too.
    writeFileSync(join(dir, 'many.ndjson'), `${toNdjson(3000)}\n`);
    writeFileSync(join(dir, 'workers.json'), JSON.stringify({ input: 'many.ndjson', plugins: [['./typed.ts', { token: 'w' }]], proxy_generation: { proxy_id: PROXY } }));
    const parallel = await runCli(['generate', '--config', 'workers.json', '--output', 'p.m3u', '--workers', '2'], { cwd: dir });
    expect(parallel.code, parallel.stderr).toBe(0);
    expect(parallel.stderr).toContain('(parallel, 2 worker threads)');
    const lines = readFileSync(join(dir, 'p.m3u'), 'utf8').split('\n');
    expect(lines.filter((line) => line.includes(' x-typed="<w!",'))).toHaveLength(3000);
    rmSync(join(dir, 'many.ndjson'));
    rmSync(join(dir, 'workers.json'));
    rmSync(join(dir, 'p.m3u'));

    writeFileSync(join(dir, 'typed.ts'), `export default (options: { token: string }) => ({ name: 'typo', apply(): void { } );\n`);
    const typo = await runCli(['generate', '-q'], { cwd: dir });
    expect(typo.code).toBe(1);
    expect(typo.stderr).toMatch(/^m3ugen: error: m3ugen\.config\.json: key "plugins\[0\]": plugin "\.\/typed\.ts" failed to load: typed\.ts: invalid TypeScript at line 1, column \d+: /);
    expect(readdirSync(dir)).toHaveLength(7);
  });

  it('says where the syntax error is in a module a config or plugin imports, and a CommonJS one fails as its error, where Node 20 would end the process with its own trace', async () => {
    const dir = workdir();
    writeFileSync(join(dir, 'channels.ndjson'), SEED_NDJSON);
    mkdirSync(join(dir, 'lib'));
    writeFileSync(join(dir, 'lib', 'broken.cjs'), '// the name\nexports.name = ;\n');
    writeFileSync(join(dir, 'lib', 'broken.mjs'), 'export const name = {,};\n');
    // Node gives such a SyntaxError neither file nor position; in CommonJS, it also ended the process (nodejs/node#51603).
    for (const broken of ['./lib/broken.cjs', './lib/broken.mjs']) {
      const where = broken.endsWith('.cjs') ? 'lib/broken.cjs: invalid JavaScript at line 2, column 16: Expression expected.' : 'lib/broken.mjs: invalid JavaScript at line 1, column 22: Property assignment expected.';
      writeFileSync(join(dir, 'm3ugen.config.mjs'), `import { name } from '${broken}';\nexport default { input: 'channels.ndjson', web: { base_url: name } };\n`);
      const config = await runCli(['generate', '--config', 'm3ugen.config.mjs', '-q'], { cwd: dir });
      expect(config).toMatchObject({ code: 1, stdout: '', stderr: `m3ugen: error: m3ugen.config.mjs: cannot load the configuration: it imports ${where}\n` });
      // Through a module of the plugin's own in between.
      writeFileSync(join(dir, 'lib', 'name.mjs'), `export { name } from '${broken.replace('/lib', '')}';\n`);
      writeFileSync(join(dir, 'named.mjs'), `import { name } from './lib/name.mjs';\nexport default () => ({ name, apply() {} });\n`);
      writeFileSync(join(dir, 'm3ugen.toml'), `input = "channels.ndjson"\nplugins = ["./named.mjs"]\n`);
      const plugin = await runCli(['generate', '--config', 'm3ugen.toml', '-q'], { cwd: dir });
      expect(plugin).toMatchObject({ code: 1, stdout: '', stderr: `m3ugen: error: m3ugen.toml: key "plugins[0]": plugin "./named.mjs" failed to load: ${where}\n` });
    }
  });

  it('loads a TypeScript config that imports a TypeScript plugin, writing nothing beside them', async () => {
    const dir = workdir();
    writeFileSync(join(dir, 'channels.ndjson'), SEED_NDJSON);
    writeFileSync(join(dir, 'radio.ts'), `export default (): { name: string; apply(g: { hooks: { header: { tap(n: string, f: (h: string) => string): void } } }): void } => ({ name: 'radio', apply(g) { g.hooks.header.tap('radio', (h) => h + ' x-radio="1"'); } });\n`);
    writeFileSync(join(dir, 'm3ugen.config.ts'), `import radio from './radio.ts';\nexport default { input: 'channels.ndjson', plugins: [radio()], proxy_generation: { proxy_id: '${PROXY}' } };\n`);
    const result = await runCli(['generate', '--config', 'm3ugen.config.ts', '-q'], { cwd: dir });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout.startsWith('#EXTM3U x-radio="1"\n')).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['channels.ndjson', 'm3ugen.config.ts', 'radio.ts']);
  });

  it("keeps transpiled TypeScript in the user's cache folder for the next run, and transpiles an edited file again", async () => {
    const dir = workdir();
    const home = join(dir, 'home');
    // The default folder, ~/.cache/m3ugen (the tests' own M3UGEN_CACHE_DIR removed).
    const env = { HOME: home, XDG_CACHE_HOME: undefined, M3UGEN_CACHE_DIR: undefined };
    writeFileSync(join(dir, 'channels.ndjson'), SEED_NDJSON);
    const radio = (value: string): string =>
      `export default (): { name: string; apply(g: { hooks: { header: { tap(n: string, f: (h: string) => string): void } } }): void } => ({ name: 'radio', apply(g) { g.hooks.header.tap('radio', (h) => h + ' x-radio="${value}"'); } });\n`;
    writeFileSync(join(dir, 'radio.ts'), radio('1'));
    writeFileSync(join(dir, 'm3ugen.config.ts'), `import radio from './radio.ts';\nexport default { input: 'channels.ndjson', plugins: [radio()], proxy_generation: { proxy_id: '${PROXY}' } };\n`);
    const generate = (): ReturnType<typeof runCli> => runCli(['generate', '--config', 'm3ugen.config.ts', '-q'], { cwd: dir, env });

    const first = await generate();
    expect(first).toMatchObject({ code: 0, stderr: '' });
    const cache = join(home, '.cache', 'm3ugen', 'typescript');
    const kept = readdirSync(cache);
    expect(kept).toHaveLength(2); // the config and the plugin
    // The next run takes the kept output: shown by changing it (its first line, the stamp, left as it is).
    const plugin = kept.map((name) => join(cache, name)).find((file) => readFileSync(file, 'utf8').includes('x-radio'))!;
    writeFileSync(plugin, readFileSync(plugin, 'utf8').replace('x-radio="1"', 'x-radio="kept"'));
    expect((await generate()).stdout.startsWith('#EXTM3U x-radio="kept"\n')).toBe(true);
    // An edit to the source is transpiled again, and replaces the kept output.
    writeFileSync(join(dir, 'radio.ts'), radio('2'));
    const edited = await generate();
    expect(edited).toMatchObject({ code: 0, stderr: '' });
    expect(edited.stdout.startsWith('#EXTM3U x-radio="2"\n')).toBe(true);
    expect(edited.stdout.slice(edited.stdout.indexOf('\n'))).toBe(first.stdout.slice(first.stdout.indexOf('\n')));
    expect(readdirSync(cache).sort()).toEqual([...kept].sort());
    expect(readdirSync(dir).sort()).toEqual(['channels.ndjson', 'home', 'm3ugen.config.ts', 'radio.ts']);

    // No cache (M3UGEN_CACHE_DIR=off), or one that cannot be written: the same playlist, nothing said.
    rmSync(home, { recursive: true });
    const off = await runCli(['generate', '--config', 'm3ugen.config.ts', '-q'], { cwd: dir, env: { ...env, M3UGEN_CACHE_DIR: 'off' } });
    expect(off).toMatchObject({ code: 0, stderr: '', stdout: edited.stdout });
    expect(existsSync(home)).toBe(false);
    writeFileSync(join(dir, 'not-a-folder'), '');
    const blocked = await runCli(['generate', '--config', 'm3ugen.config.ts', '-q'], { cwd: dir, env: { ...env, M3UGEN_CACHE_DIR: join(dir, 'not-a-folder') } });
    expect(blocked).toMatchObject({ code: 0, stderr: '', stdout: edited.stdout });
  });

  it('says how to load a JavaScript plugin or config that imports TypeScript, which Node 20 refuses, and the mend works', async () => {
    const dir = workdir();
    writeFileSync(join(dir, 'channels.ndjson'), SEED_NDJSON);
    writeFileSync(join(dir, 'country.ts'), `export const country: string = 'DE';\n`);
    const plugin = `import { country } from './country.ts';\nexport default () => ({ name: 'country', apply(g) { g.hooks.entryAttributes.tap('country', (a) => [...a, { name: 'tvg-country', value: country }]); } });\n`;
    writeFileSync(join(dir, 'country-plugin.mjs'), plugin);
    writeFileSync(join(dir, 'm3ugen.toml'), `input = "channels.ndjson"\nplugins = ["./country-plugin.mjs"]\n`);
    const js = await runCli(['generate', '--config', 'm3ugen.toml', '-q'], { cwd: dir });
    expect(js.code).toBe(1);
    expect(js.stderr).toBe(
      `m3ugen: error: m3ugen.toml: key "plugins[0]": plugin "./country-plugin.mjs" failed to load: ${join(dir, 'country.ts')} is TypeScript, which country-plugin.mjs (JavaScript) cannot import: rename it country-plugin.mts, and the TypeScript it imports loads with it, or import the compiled JavaScript\n`,
    );
    writeFileSync(join(dir, 'country-plugin.mts'), plugin.replace('apply(g)', 'apply(g: any)').replace('(a) =>', '(a: unknown[]) =>'));
    writeFileSync(join(dir, 'm3ugen.toml'), `input = "channels.ndjson"\nplugins = ["./country-plugin.mts"]\n`);
    const mended = await runCli(['generate', '--config', 'm3ugen.toml', '-q'], { cwd: dir });
    expect(mended).toMatchObject({ code: 0, stderr: '' });
    expect(mended.stdout.split('\n')[1]).toContain(' tvg-country="DE",');

    writeFileSync(join(dir, 'm3ugen.config.mjs'), `import { country } from './country.ts';\nexport default { input: 'channels.ndjson', web: { base_url: 'http://' + country.toLowerCase() + '.example' } };\n`);
    const config = await runCli(['generate', '-q'], { cwd: dir });
    expect(config.stderr).toBe(
      `m3ugen: error: m3ugen.config.mjs: cannot load the configuration: ${join(dir, 'country.ts')} is TypeScript, which m3ugen.config.mjs (JavaScript) cannot import: rename it m3ugen.config.mts, and the TypeScript it imports loads with it, or import the compiled JavaScript\n`,
    );
    rmSync(join(dir, 'm3ugen.config.mjs'));
    writeFileSync(join(dir, 'm3ugen.config.mts'), `import { country } from './country.ts';\nexport default { input: 'channels.ndjson', web: { base_url: 'http://' + country.toLowerCase() + '.example' } };\n`);
    const mendedConfig = await runCli(['generate', '-q'], { cwd: dir });
    expect(mendedConfig).toMatchObject({ code: 0, stderr: '' });
    expect(mendedConfig.stdout.split('\n')[2]).toMatch(/^http:\/\/de\.example\/stream\//);
  });

  /** Starts a long run over an earlier playlist and resolves once it is writing its temporary file. */
  async function startLargeRun(env?: Record<string, string>, how: readonly string[] = ['--strategy', 'streaming']) {
    const dir = workdir();
    const input = join(dir, 'big.ndjson');
    const output = join(dir, 'playlist.m3u');
    writeFileSync(input, toNdjson(300_000));
    writeFileSync(output, 'previous playlist\n');
    const run = startCli(['generate', '--input', input, '--output', output, ...how, '--proxy-id', PROXY], { env });
    for (let i = 0; i < 500 && !leftovers(dir).some((name) => statSync(join(dir, name)).size > 0); i++) await new Promise((r) => setTimeout(r, 10));
    expect(leftovers(dir)).toHaveLength(1);
    return { ...run, dir, input, output };
  }

  it('leaves the earlier playlist untouched and no temporary file when killed mid-write (SIGTERM)', async () => {
    const { child, done, dir, output } = await startLargeRun();
    child.kill('SIGTERM');
    const result = await done;
    // Ended by the signal, as without m3ugen's cleanup (a shell says 143; systemd, a clean stop).
    expect(result).toMatchObject({ code: null, signal: 'SIGTERM' });
    expect(readFileSync(output, 'utf8')).toBe('previous playlist\n');
    expect(leftovers(dir)).toEqual([]);
  });

  it('ends a run in worker threads on SIGINT the same way, its workers with it', async () => {
    const { child, done, dir, output } = await startLargeRun(undefined, ['--workers', '2']);
    child.kill('SIGINT');
    expect(await done).toMatchObject({ code: null, signal: 'SIGINT' });
    expect(readFileSync(output, 'utf8')).toBe('previous playlist\n');
    expect(leftovers(dir)).toEqual([]);
  });

  it('also removes the duplicate check\'s key files when killed (SIGTERM)', async () => {
    const keys = workdir();
    // Ids past the first 1,000 go to key files in TMPDIR.
    const { child, done, dir } = await startLargeRun({ M3UGEN_MEMORY_IDS: '1000', TMPDIR: keys });
    for (let i = 0; i < 500 && readdirSync(keys).length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(readdirSync(keys)).toHaveLength(1);
    child.kill('SIGTERM');
    expect(await done).toMatchObject({ code: null, signal: 'SIGTERM' });
    expect(leftovers(dir)).toEqual([]);
    expect(readdirSync(keys)).toEqual([]);
  });

  it('removes the key files a SIGKILLed run left behind on the next run that keeps keys on disk, and keeps those of live runs', async () => {
    const keys = workdir();
    const { child, done } = await startLargeRun({ M3UGEN_MEMORY_IDS: '1000', TMPDIR: keys });
    for (let i = 0; i < 500 && readdirSync(keys).length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    child.kill('SIGKILL');
    await done;
    expect(readdirSync(keys)).toHaveLength(1);
    // A folder of this (test) process, which is alive: not to be touched.
    mkdirSync(join(keys, `m3ugen-ids-${process.pid}-live`));
    const dir = workdir();
    writeFileSync(join(dir, 'channels.ndjson'), toNdjson(10));
    const run = (memoryIds: string): ReturnType<typeof runCli> =>
      runCli(['generate', '--input', join(dir, 'channels.ndjson'), '--output', join(dir, 'out.m3u'), '--proxy-id', PROXY], { env: { TMPDIR: keys, M3UGEN_MEMORY_IDS: memoryIds } });
    // A run whose ids all fit in memory does not list the folder (a shared /tmp can hold 100,000 names).
    expect((await run('1000')).code).toBe(0);
    expect(readdirSync(keys)).toHaveLength(2);
    // One that spills cleans up first.
    expect((await run('4')).code).toBe(0);
    expect(readdirSync(keys)).toEqual([`m3ugen-ids-${process.pid}-live`]);
  });

  it('removes the temporary file a SIGKILLed run left behind on its next run', async () => {
    const { child, done, dir, input, output } = await startLargeRun();
    child.kill('SIGKILL');
    await done;
    expect(readFileSync(output, 'utf8')).toBe('previous playlist\n');
    expect(leftovers(dir)).toHaveLength(1);
    writeFileSync(input, SEED_NDJSON);
    const next = await runCli(['generate', '--input', input, '--output', output, '--proxy-id', PROXY, '-q']);
    expect(next.code).toBe(0);
    expect(readFileSync(output, 'utf8')).toBe(GOLDEN);
    expect(leftovers(dir)).toEqual([]);
  });

  // The test's stdio are sockets, as under systemd (journald): opening /dev/stdout would fail there (ENXIO).
  it('reads --input /dev/stdin and writes --output /dev/stdout and --metrics /dev/stderr through its own streams, even when they are sockets', async () => {
    const result = await runCli(['generate', '--input', '/dev/stdin', '--proxy-id', PROXY, '--quiet', '--output', '/dev/stdout', '--metrics', '/dev/stderr'], { stdin: SEED_NDJSON });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(GOLDEN);
    expect(JSON.parse(result.stderr)).toMatchObject({ channels: 2, bytes: Buffer.byteLength(GOLDEN), input: '-', output: '/dev/stdout' });
  });

  it('ends with a summary line whose counts are written as people read them, as are the warnings\' counts', async () => {
    const dir = workdir();
    const input = join(dir, 'channels.ndjson');
    const output = join(dir, 'playlist.m3u');
    writeFileSync(input, toNdjson(1234).replaceAll(/,"tvg_logo":"[^"]*"/g, ''));
    const result = await runCli(['generate', '--input', input, '--output', output, '--proxy-id', PROXY, '--workers', '1']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('m3ugen: warning: 1,234 channels without tvg_logo (written as ""), the first at line 1\n');
    const summary = result.stderr.split('\n').find((line) => line.startsWith('m3ugen: 1,234 channels, '));
    expect(summary).toMatch(/^m3ugen: 1,234 channels, [\d.]+ KB in [\d,]+ ms \(in-memory\) → /);
    expect(summary?.endsWith(` → ${output}`)).toBe(true);
    writeFileSync(input, toNdjson(1));
    const one = await runCli(['generate', '--input', input, '--output', output, '--proxy-id', PROXY]);
    expect(one.stderr).toMatch(/^m3ugen: 1 channel, \d+ B in [\d,]+ ms \(in-memory\) → /m);
  });

  it('says each kind of warning in words, with its count and the line of its first record, after the run', async () => {
    const dir = workdir();
    const record = (n: number, channel: Record<string, unknown>) => JSON.stringify({ assigned_number: n, channel: { tvg_id: 't', tvg_name: `T${n}`, tvg_logo: 'l', group_title: 'g', ...channel } });
    writeFileSync(join(dir, 'c.ndjson'), [record(1, { id: '550e8400-e29b-41d4-a716-446655440001', channel_name: '  ' }), record(2, { id: 'news-2', channel_name: 'B', tvg_logo: null })].join('\n'));
    const result = await runCli(['generate', '--input', 'c.ndjson', '--proxy-id', PROXY], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stderr.split('\n').filter((line) => line.startsWith('m3ugen: warning: '))).toEqual([
      'm3ugen: warning: 1 channel with a blank channel_name (written as its tvg_name, its id or "Channel N"), at line 1',
      'm3ugen: warning: 1 channel id is not a UUID (use --strict to reject it), at line 2',
      'm3ugen: warning: 1 channel without tvg_logo (written as ""), at line 2',
    ]);
  });

  it('says the key a missing field\'s first record has in its place (an export spelling it "group-title"), also from worker threads and with --verbose', async () => {
    const dir = workdir();
    // Line 1 has group_title; from line 2 on the writer spells it as M3U spells the attribute.
    const lines = toNdjson(3000).trimEnd().split('\n').map((line, i) => (i === 0 ? line : line.replace('"group_title":', '"group-title":')));
    writeFileSync(join(dir, 'c.ndjson'), `${lines.join('\n')}\n`);
    const expected = 'm3ugen: warning: 2,999 channels without group_title (written as ""), the first at line 2; its record has "group-title" (misspelt?)';
    for (const workers of ['1', '2']) {
      const result = await runCli(['generate', '--input', 'c.ndjson', '--output', `p${workers}.m3u`, '--proxy-id', PROXY, '--workers', workers], { cwd: dir, env: { M3UGEN_PART_RECORDS: '256' } });
      expect(result.code, result.stderr).toBe(0);
      const warnings = result.stderr.split('\n').filter((line) => line.startsWith('m3ugen: warning: '));
      expect(warnings.filter((line) => line.includes('group_title')), `--workers ${workers}`).toEqual([expected]);
      // The fixture's records that lack a logo or a name have nothing like it: nothing is said of them.
      expect(warnings.filter((line) => line.includes('misspelt'))).toEqual([expected]);
      expect(result.stderr.includes('(parallel, 2 worker threads)')).toBe(workers === '2');
    }
    const verbose = await runCli(['generate', '--input', 'c.ndjson', '--proxy-id', PROXY, '--verbose'], { cwd: dir });
    expect(verbose.stderr).toContain('\n[debug] warning: c.ndjson: line 3000: group_title is missing; written as ""; the record has "group-title" (misspelt?)\n');
    expect(verbose.stderr).toContain(`\n${expected}\n`);
    // The camelCase spelling in a snake_case record is not read (one spelling per record): it is named all the same.
    writeFileSync(join(dir, 'mixed.ndjson'), `${lines[0]!.replace('"tvg_logo":', '"tvgLogo":')}\n`);
    const mixed = await runCli(['validate', '--input', 'mixed.ndjson'], { cwd: dir });
    expect(mixed.stderr).toContain('m3ugen: warning: 1 channel without tvg_logo (written as ""), at line 1; its record has "tvgLogo" (misspelt?)\n');
  });

  it("says a plugin's own warnings in its words, the first one's message with the count, also from worker threads", async () => {
    const dir = workdir();
    writeFileSync(join(dir, 'c.ndjson'), toNdjson(3000));
    writeFileSync(
      join(dir, 'warner.mjs'),
      `export default () => ({ name: 'warner', workerSafe: true, apply(generator) {
  generator.hooks.beforeRun.tap('warner', (run) => run.warn({ code: 'warner:guide', message: 'guide.xml answered 503' }));
  generator.hooks.entryAttributes.tap('warner', (list, nc, index, run) => {
    if (index % 1000 === 7) run.warn({ code: 'warner:stale-logo', message: \`logo of channel \${nc.assignedNumber} is a week old\`, channelIndex: index });
    return list;
  });
} });\n`,
    );
    writeFileSync(join(dir, 'm3ugen.config.toml'), `input = "c.ndjson"\nplugins = ["./warner.mjs"]\n[proxy_generation]\nproxy_id = "${PROXY}"\n`);
    for (const workers of ['1', '2']) {
      const result = await runCli(['generate', '--output', join(dir, `p${workers}.m3u`), '--metrics', join(dir, `m${workers}.json`), '--workers', workers], { cwd: dir });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr.split('\n').filter((line) => line.includes('(warner:') || line.includes(' × warner:')), `--workers ${workers}`).toEqual([
        'm3ugen: warning: guide.xml answered 503 (warner:guide)',
        'm3ugen: warning: 3 × warner:stale-logo, the first at line 8: logo of channel 8 is a week old (--verbose says each)',
      ]);
      expect(result.stderr.includes('(parallel, 2 worker threads)')).toBe(workers === '2');
      const metrics = JSON.parse(readFileSync(join(dir, `m${workers}.json`), 'utf8')) as { warningCounts: Record<string, number>; warningMessages: Record<string, string> };
      expect(metrics.warningCounts).toMatchObject({ 'warner:guide': 1, 'warner:stale-logo': 3 });
      expect(metrics.warningMessages).toMatchObject({ 'warner:guide': 'guide.xml answered 503', 'warner:stale-logo': 'logo of channel 8 is a week old' });
    }
  });

  it('writes --metrics - to stdout when the playlist goes to a file, and refuses it when the playlist goes to stdout', async () => {
    const dir = workdir();
    const output = join(dir, 'playlist.m3u');
    const toFile = await runCli(['generate', '--input', '-', '--proxy-id', PROXY, '--quiet', '--output', output, '--metrics', '-'], { stdin: SEED_NDJSON });
    expect(toFile.code).toBe(0);
    expect(readFileSync(output, 'utf8')).toBe(GOLDEN);
    expect(JSON.parse(toFile.stdout)).toMatchObject({ channels: 2, output });
    expect(readdirSync(dir)).toEqual(['playlist.m3u']);
    const both = await runCli(['generate', '--input', '-', '--proxy-id', PROXY, '--metrics', '-'], { stdin: SEED_NDJSON });
    expect(both).toMatchObject({ code: 2, stdout: '' });
    expect(both.stderr).toContain('m3ugen: the metrics and the playlist would both go to stdout');
    // validate writes neither: a config that sends the metrics to stdout is fine for it.
    writeFileSync(join(dir, 'channels.ndjson'), SEED_NDJSON);
    writeFileSync(join(dir, 'm3ugen.config.toml'), 'input = "channels.ndjson"\nmetrics = "-"\n');
    const validated = await runCli(['validate', '--config', join(dir, 'm3ugen.config.toml')]);
    expect(validated).toMatchObject({ code: 0, stdout: expect.stringContaining('ok: ') });
  });

  it('refuses to write the playlist or the metrics over its input or config, through any name, or both into one file', async () => {
    const dir = workdir();
    const input = join(dir, 'channels.ndjson');
    const config = join(dir, 'm3ugen.config.toml');
    writeFileSync(input, SEED_NDJSON);
    writeFileSync(config, '[web]\nbase_url = "http://localhost:8080"\n');
    symlinkSync(input, join(dir, 'link.m3u'));
    const run = (...args: string[]) => runCli(['generate', '--input', input, '--proxy-id', PROXY, '--quiet', ...args]);
    const refused = [
      [['--output', input], `the playlist would replace the input "${input}": choose another output file`],
      [['--output', join(dir, 'link.m3u')], `the playlist would replace the input "${input}": choose another output file`],
      [['--output', join(dir, 'out.m3u'), '--metrics', input], `the metrics would replace the input "${input}": choose another metrics file`],
      [['--config', config, '--output', config], `the playlist would replace the config file`],
      [['--output', join(dir, 'out.m3u'), '--metrics', join(dir, 'sub', '..', 'out.m3u')], `the playlist and the metrics would both be written to "${join(dir, 'out.m3u')}"`],
    ] as const;
    for (const [args, message] of refused) {
      const result = await run(...args);
      expect(result, args.join(' ')).toMatchObject({ code: 2, stdout: '' });
      expect(result.stderr).toContain(`m3ugen: ${message}`);
      expect(result.stderr).not.toContain('Usage:');
    }
    expect(readFileSync(input, 'utf8')).toBe(SEED_NDJSON);
    expect(readFileSync(config, 'utf8')).toContain('base_url');
    expect(readdirSync(dir).sort()).toEqual(['channels.ndjson', 'link.m3u', 'm3ugen.config.toml']);
    // Devices are written in place: both to /dev/null is fine.
    expect((await run('--output', '/dev/null', '--metrics', '/dev/null')).code).toBe(0);
  });

  it("refuses to write over a file the config's plugins read: a template, a plugin's module", async () => {
    const dir = workdir();
    const input = join(dir, 'channels.ndjson');
    const config = join(dir, 'm3ugen.config.toml');
    const template = '#EXTINF:-1<%= it.attributes %>,<%= it.name %>';
    const plugin = "export default { name: 'noop', apply() {} };\n";
    writeFileSync(input, SEED_NDJSON);
    writeFileSync(join(dir, 'extinf.eta'), template);
    writeFileSync(join(dir, 'noop.mjs'), plugin);
    writeFileSync(config, 'plugins = [["@m3ugen/extinf-template", { extinfFile = "extinf.eta" }], "./noop.mjs"]\n');
    const run = (...args: string[]) => runCli(['generate', '--config', config, '--input', input, '--proxy-id', PROXY, '--quiet', ...args]);
    const refused = [
      [['--output', join(dir, 'extinf.eta')], 'the playlist would replace "extinf.eta", which plugin "@m3ugen/extinf-template" reads (extinfFile): choose another output file'],
      [['--output', join(dir, 'out.m3u'), '--metrics', join(dir, 'noop.mjs')], 'the metrics would replace the plugin "./noop.mjs": choose another metrics file'],
    ] as const;
    for (const [args, message] of refused) {
      const result = await run(...args);
      expect(result, args.join(' ')).toMatchObject({ code: 2, stdout: '' });
      expect(result.stderr).toContain(`m3ugen: ${message}`);
    }
    expect(readFileSync(join(dir, 'extinf.eta'), 'utf8')).toBe(template);
    expect(readFileSync(join(dir, 'noop.mjs'), 'utf8')).toBe(plugin);
    expect((await run('--output', join(dir, 'out.m3u'))).code).toBe(0);
  });

  it('finishes its run, metrics included, when nobody reads stderr (a closed pipe), and still fails a bad one', async () => {
    const dir = workdir();
    const input = join(dir, 'channels.ndjson');
    writeFileSync(input, toNdjson(300));
    const run = (extra: string[]) =>
      new Promise<number | null>((resolve, reject) => {
        const args = ['generate', '--input', input, '--output', join(dir, 'out.m3u'), '--metrics', join(dir, 'metrics.json'), '--proxy-id', PROXY, ...extra];
        const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
        child.stderr!.destroy(); // every line the command writes there now fails with EPIPE
        child.on('error', reject);
        child.on('close', resolve);
      });
    // The summary line, and with --verbose a line per channel during the run.
    expect(await run([])).toBe(0);
    expect(await run(['--verbose'])).toBe(0);
    expect(readFileSync(join(dir, 'out.m3u'), 'utf8').split('\n').length).toBe(2 + 300 * 2);
    expect(JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8'))).toMatchObject({ channels: 300 });
    writeFileSync(input, '{"broken\n');
    expect(await run([])).toBe(1);
  });

  it('stops quietly with 0 when the reader of stdout goes away, as `| head -2` does', async () => {
    const dir = workdir();
    const input = join(dir, 'channels.ndjson');
    writeFileSync(input, toNdjson(50_000));
    const child = spawn(process.execPath, [BIN, 'generate', '--input', input, '--proxy-id', PROXY, '--strategy', 'streaming'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const first = await new Promise<string>((resolve) => child.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString('utf8'))));
    child.stdout!.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(first.startsWith('#EXTM3U\n')).toBe(true);
    expect(code).toBe(0);
    expect(stderr).not.toMatch(/error|EPIPE/);
  });

  it('says clearly when the output cannot be written', async () => {
    const result = await runCli(['generate', '--input', '-', '--output', '/nonexistent-dir/playlist.m3u', '-q'], { stdin: SEED_NDJSON });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('m3ugen: error: cannot write the output "/nonexistent-dir/playlist.m3u": its folder does not exist\n');
  });
});

describe('exit codes', () => {
  let badConfig: string;
  beforeAll(() => {
    badConfig = join(workdir(), 'm3ugen.toml');
    writeFileSync(badConfig, '[proxy_generation.memory]\nmax_memory_mb = "lots"\n');
  });

  it.each([
    ['an unknown command → 2', ['frobnicate'], 2, 'm3ugen: unknown command "frobnicate"\n', 'usage'],
    ['a mistyped command → 2, with the command it resembles', ['generat'], 2, 'm3ugen: unknown command "generat" (did you mean "generate"?)\n', 'usage'],
    ['no command → 2', [], 2, 'm3ugen: missing command', 'usage'],
    ['an unknown flag → 2', ['generate', '--colour'], 2, 'm3ugen: unknown option "--colour"\n', 'usage'],
    ['the input without its flag → 2, with the flag', ['generate', 'c.ndjson'], 2, 'm3ugen: unexpected argument "c.ndjson" (the input is given as --input c.ndjson)\n', 'usage'],
    ['a stray argument beside the input → 2', ['validate', '--input', 'c.ndjson', 'extra'], 2, 'm3ugen: unexpected argument "extra"\n', 'usage'],
    ['a mistyped flag → 2, with the flag it resembles', ['generate', '--inptu', 'c.ndjson'], 2, 'm3ugen: unknown option "--inptu" (did you mean --input?)', 'usage'],
    ["a config key's spelling → 2, with the flag's", ['generate', '--base_url', 'http://x'], 2, 'm3ugen: unknown option "--base_url" (did you mean --base-url?)', 'usage'],
    ['the start of a flag → 2, with the flag', ['generate', '--max-memory', '64'], 2, 'm3ugen: unknown option "--max-memory" (did you mean --max-memory-mb?)', 'usage'],
    ['a flag without its value → 2', ['generate', '--input'], 2, 'm3ugen: --input needs a value', 'usage'],
    ['a value for a switch → 2', ['generate', '--quiet=yes'], 2, 'm3ugen: --quiet takes no value', 'usage'],
    ['a value starting with a dash → 2, with how to give it', ['generate', '-i', '-', '--max-memory-mb', '-5'], 2, 'm3ugen: --max-memory-mb needs a value, and one starting with "-" is given as --max-memory-mb=VALUE\n', 'usage'],
    ['… also after a short flag, naming the long one', ['generate', '-i', '-', '-o', '-x.m3u'], 2, 'm3ugen: -o needs a value, and one starting with "-" is given as --output=VALUE\n', 'usage'],
    ['no input anywhere → 2', ['generate'], 2, 'm3ugen: no input: pass --input FILE (or - for stdin), or set "input" in the config', 'usage'],
    ['a bad --max-memory-mb → 2', ['generate', '-i', '-', '--max-memory-mb', 'lots'], 2, 'm3ugen: --max-memory-mb expects a positive number, got "lots"', 'hint'],
    ['a bad --base-url → 2', ['generate', '-i', '-', '--base-url', 'ftp://x'], 2, 'm3ugen: --base-url: expected an absolute http(s) URL', 'hint'],
    ['an unknown --strategy → 2', ['generate', '-i', '-', '--strategy', 'turbo'], 2, 'm3ugen: --strategy: unknown strategy "turbo"; available: auto, in-memory, streaming', 'hint'],
    ['a misspelt --strategy → 2, with the one meant', ['generate', '-i', '-', '--strategy', 'streamng'], 2, 'm3ugen: --strategy: unknown strategy "streamng" (did you mean "streaming"?); available: auto, in-memory, streaming', 'hint'],
    ['a --strategy cut short → 2, with the one meant', ['generate', '-i', '-', '--strategy', 'stream'], 2, 'm3ugen: --strategy: unknown strategy "stream" (did you mean "streaming"?); available: auto, in-memory, streaming', 'hint'],
    ['a bad --workers → 2', ['generate', '-i', '-', '--workers', '0'], 2, 'm3ugen: --workers expects "auto" or a whole number >= 1, got "0"\n', 'hint'],
    ['a misspelt --workers auto → 2, with "auto"', ['generate', '-i', '-', '--workers', 'atuo'], 2, 'm3ugen: --workers expects "auto" or a whole number >= 1, got "atuo" (did you mean "auto"?)\n', 'hint'],
    ['--quiet with --verbose → 2', ['validate', '-i', '-', '-q', '-v'], 2, 'm3ugen: --quiet and --verbose exclude each other', 'hint'],
    ['a missing input file → 1', ['generate', '-i', 'missing.ndjson'], 1, 'm3ugen: error: missing.ndjson: cannot read the input: no such file', 'none'],
  ])('%s', async (_name, args, code, message, after) => {
    const result = await runCli(args as string[]);
    expect(result.code).toBe(code);
    expect(result.stderr).toContain(message);
    // A command line of the wrong shape gets the usage; a refused value, which says what to change, one line pointing at --help.
    expect(result.stderr.includes('\nUsage:\n  m3ugen generate'), 'usage text').toBe(after === 'usage');
    expect(result.stderr.endsWith('\nRun "m3ugen --help" for the usage.\n'), 'hint line').toBe(after === 'hint');
  });

  it('warns that a file named m3ugen.toml is not searched for, and reads it when given with --config', async () => {
    const dir = workdir();
    writeFileSync(join(dir, 'package.json'), '{}'); // the search stops here
    writeFileSync(join(dir, 'c.ndjson'), SEED_NDJSON);
    writeFileSync(join(dir, 'm3ugen.toml'), `input = "c.ndjson"\n[web]\nbase_url = "https://tv.example"\n`);
    const searched = await runCli(['generate', '--input', 'c.ndjson', '--proxy-id', PROXY], { cwd: dir });
    expect(searched.code).toBe(0);
    expect(searched.stdout.split('\n')[2]).toMatch(/^http:\/\/localhost:8080\//);
    expect(searched.stderr).toContain('m3ugen: warning: m3ugen.toml is not read as a config file (so the defaults apply): pass --config m3ugen.toml, or rename it m3ugen.config.toml\n');
    const given = await runCli(['generate', '--config', 'm3ugen.toml', '--proxy-id', PROXY], { cwd: dir });
    expect(given).toMatchObject({ code: 0, stdout: GOLDEN.replaceAll('http://localhost:8080/stream', 'https://tv.example/stream') });
    expect(given.stderr).not.toContain('not read');
    // With --quiet and no --input, the usage error says it, since no warning did.
    const quiet = await runCli(['generate', '-q'], { cwd: dir });
    expect(quiet.code).toBe(2);
    expect(quiet.stderr.split('\n')[0]).toBe(
      'm3ugen: no input: pass --input FILE (or - for stdin), or set "input" in the config; m3ugen.toml here is not read as a config: pass --config m3ugen.toml, or rename it m3ugen.config.toml',
    );
  });

  it('an invalid config → 1, naming the file and key', async () => {
    const result = await runCli(['generate', '--config', badConfig, '-i', '-']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${badConfig}: key "proxy_generation.memory.max_memory_mb": expected a positive number, got "lots"`);
  });

  it('an invalid config with several problems → 1, listing each key on its own line, in generate and validate', async () => {
    const config = join(workdir(), 'm3ugen.toml');
    writeFileSync(config, 'input = ""\n[proxy_generation]\nenable_memory_tracking = "yes"\nmemory = { max_memory_mb = -1 }\n');
    for (const command of ['generate', 'validate']) {
      const result = await runCli([command, '--config', config]);
      expect(result, command).toMatchObject({ code: 1, stdout: '' });
      expect(result.stderr).toBe(
        [
          `m3ugen: error: ${config}: 3 problems:`,
          '  key "input": expected a non-empty string, got ""',
          '  key "proxy_generation.enable_memory_tracking": expected true or false, got "yes"',
          '  key "proxy_generation.memory.max_memory_mb": expected a positive number, got -1',
          '',
        ].join('\n'),
      );
    }
  });

  it('names the config file and key of names and URL options only a run checks (strategy, URL scheme, pattern), in generate and validate', async () => {
    const dir = workdir();
    const config = join(dir, 'm3ugen.toml');
    const cases = [
      ['[proxy_generation]\nstrategy = "fastest"\n', 'key "proxy_generation.strategy": unknown strategy "fastest"; available: auto, in-memory, streaming'],
      ['[proxy_generation]\nurl_scheme = "hls"\n', 'key "proxy_generation.url_scheme": unknown URL scheme "hls"; available: proxy, direct, pattern'],
      ['[proxy_generation]\nurl_scheme = "patern"\n', 'key "proxy_generation.url_scheme": unknown URL scheme "patern" (did you mean "pattern"?); available: proxy, direct, pattern'],
      // Both names wrong: both said, so the file is mended in one go.
      [
        '[proxy_generation]\nstrategy = "streeming"\nurl_scheme = "patern"\n',
        '2 problems:\n  key "proxy_generation.strategy": unknown strategy "streeming" (did you mean "streaming"?); available: auto, in-memory, streaming\n  key "proxy_generation.url_scheme": unknown URL scheme "patern" (did you mean "pattern"?); available: proxy, direct, pattern\n',
      ],
      ['[proxy_generation]\nurl_scheme = "pattern"\nurl = { pattern = "{base}/live/{channel_id}" }\n', 'key "proxy_generation.url.pattern": unknown placeholder {base} (did you mean {base_url}?); known: {base_url}'],
      ['[proxy_generation]\nurl_scheme = "pattern"\nurl = { pattern = "{base_url}/{proxy_id}/{channel_id}" }\n', 'key "proxy_generation.proxy_id": the URL pattern uses {proxy_id}, but no proxy ULID is set'],
    ];
    for (const [toml, message] of cases) {
      writeFileSync(config, toml!);
      for (const command of ['generate', 'validate']) {
        const result = await runCli([command, '--config', config, '--input', '-'], { stdin: SEED_NDJSON });
        expect(result, `${command}: ${toml}`).toMatchObject({ code: 1, stdout: '' });
        expect(result.stderr).toContain(`m3ugen: error: ${config}: ${message}`);
      }
    }
    // A flag that sets the option takes it over, errors included.
    const flagged = await runCli(['generate', '--config', config, '--input', '-', '--proxy-id', PROXY, '-q'], { stdin: SEED_NDJSON });
    expect(flagged).toMatchObject({ code: 0, stderr: '' });
  });

  it('--help and --version → 0', async () => {
    expect((await runCli(['--help'])).stdout).toContain('m3ugen generate [--config FILE]');
    expect((await runCli(['--version'])).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('a command\'s --help (or m3ugen help COMMAND) prints its flags and runs nothing → 0', async () => {
    for (const [argv, usage] of [
      [['generate', '--help'], 'Usage: m3ugen generate [flags]'],
      [['validate', '--input', 'nowhere.ndjson', '-h'], 'Usage: m3ugen validate [flags]'],
      [['help', 'generate'], 'Usage: m3ugen generate [flags]'],
    ] as const) {
      const result = await runCli(argv);
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout).toMatch(new RegExp(`^${usage.replace(/[[\]]/g, '\\$&')}\n`));
      expect(result.stdout).toMatch(/^ {2}-i, --input FILE\|- +the channel records/m);
    }
    expect((await runCli(['help'])).stdout).toContain('m3ugen generate [--config FILE]');
  });
});

describe('m3ugen validate', () => {
  it('accepts the example and says its warnings as generate does', async () => {
    const result = await runCli(['validate', '--config', 'examples/basic/m3ugen.toml']);
    expect(result).toMatchObject({ code: 0, stdout: 'ok: examples/basic/channels.ndjson: 40 channels valid, 4 warnings (config examples/basic/m3ugen.toml)\n' });
    expect(result.stderr.trim().split('\n')).toEqual(['m3ugen: warning: 3 channels without tvg_logo (written as ""), the first at line 5', 'm3ugen: warning: 1 channel without tvg_name (written as ""), at line 31']);
  });

  it('warns of a missing proxy ULID, lists each warning with --verbose, and says none with --quiet', async () => {
    const dir = workdir();
    writeFileSync(join(dir, 'c.ndjson'), `${JSON.stringify({ assigned_number: 1, channel: { id: '550e8400-e29b-41d4-a716-446655440001', channel_name: 'A', tvg_logo: 'http://l/a.png' } })}\n`);
    const normal = await runCli(['validate', '--input', 'c.ndjson'], { cwd: dir });
    expect(normal).toMatchObject({ code: 0, stdout: expect.stringContaining('1 channel valid, 4 warnings') });
    expect(normal.stderr).toContain('m3ugen: warning: no proxy ULID is set');
    expect(normal.stderr).toContain('m3ugen: warning: 1 channel without tvg_id (written as ""), at line 1\n');
    const verbose = await runCli(['validate', '--input', 'c.ndjson', '--verbose'], { cwd: dir });
    expect(verbose.stderr).toContain('warning: c.ndjson: line 1: tvg_name is missing; written as ""');
    const quiet = await runCli(['validate', '--input', 'c.ndjson', '--quiet'], { cwd: dir });
    expect(quiet).toMatchObject({ code: 0, stderr: '' });
  });

  it('takes the flags of a generate line but those about what it writes, and checks them as generate does', async () => {
    const dir = workdir();
    writeFileSync(join(dir, 'c.ndjson'), `${toNdjson(2)}\n`);
    const flagged = await runCli(['validate', '--input', 'c.ndjson', '--proxy-id', PROXY, '--base-url', 'https://tv.example/iptv/', '--strategy', 'streaming', '--max-memory-mb', '64'], { cwd: dir });
    expect(flagged).toMatchObject({ code: 0, stdout: 'ok: c.ndjson: 2 channels valid, 0 warnings (no config file)\n', stderr: '' });
    const badUrl = await runCli(['validate', '--input', 'c.ndjson', '--base-url', 'ftp://tv.example'], { cwd: dir });
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toContain('m3ugen: --base-url: expected an absolute http(s) URL');
    const output = await runCli(['validate', '--input', 'c.ndjson', '--output', 'p.m3u'], { cwd: dir });
    expect(output.code).toBe(2);
    expect(output.stderr).toContain('"--output" is not an option of "m3ugen validate"');
    expect(existsSync(join(dir, 'p.m3u'))).toBe(false);
  });

  it('lists every invalid record and exits 1', async () => {
    const dir = workdir();
    writeFileSync(join(dir, 'c.ndjson'), `${toNdjson(2)}\n{"assigned_number": -1, "channel": {"id": "a", "channel_name": "A"}}\n[]\n`);
    const result = await runCli(['validate', '--input', 'c.ndjson'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('m3ugen: error: c.ndjson: line 3: field "assigned_number": expected a channel number >= 0, got number -1');
    expect(result.stderr).toContain('m3ugen: error: c.ndjson: line 4: expected a channel record (an object), got an array');
    expect(result.stderr).toContain('m3ugen: error: c.ndjson: 2 invalid records, 2 valid (no config file)');
  });

  it('says how far it got when the input itself cannot be read on (a cut gzip file), not which record stopped it', async () => {
    const dir = workdir();
    const zipped = gzipSync(`${toNdjson(2000)}\n`);
    writeFileSync(join(dir, 'c.ndjson.gz'), zipped.subarray(0, zipped.length >> 1));
    const result = await runCli(['validate', '--input', 'c.ndjson.gz', '--quiet'], { cwd: dir });
    expect(result.code).toBe(1);
    const [reason, summary] = result.stderr.trim().split('\n');
    expect(reason).toBe('m3ugen: error: c.ndjson.gz: the input is not valid gzip data: it ends before its compressed data does (a cut file?)');
    expect(summary).toMatch(/^m3ugen: error: c\.ndjson\.gz: the check stopped after [\d,]+ records: the input could not be read on \(no config file\)$/);
  });

  it('lists every repeated id and number with the invalid records, in line order, each naming the record it repeats, and checks on past them', async () => {
    const dir = workdir();
    const record = (n: number, id: string) => JSON.stringify({ assigned_number: n, channel: { id, channel_name: `C${n}` } });
    const lines = [record(1, 'a'), record(2, 'a'), '{"assigned_number": 3, "channel": {}}', 'not json', record(1, 'b'), record(2, 'a'), record(7, 'c')];
    writeFileSync(join(dir, 'c.ndjson'), `${lines.join('\n')}\n`);
    const result = await runCli(['validate', '--input', 'c.ndjson', '--quiet'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      'm3ugen: error: c.ndjson: line 2: field "channel.id": duplicate channel id "a": line 1 has the same id',
      'm3ugen: error: c.ndjson: line 3: field "channel.id": required field is missing',
      'm3ugen: error: c.ndjson: line 4: invalid JSON at column 2: unexpected "o"',
      'm3ugen: error: c.ndjson: line 5: field "assigned_number": duplicate channel number 1: line 1 has the same number',
      // One record, two faults: listed twice, counted once.
      'm3ugen: error: c.ndjson: line 6: field "channel.id": duplicate channel id "a": line 1 has the same id',
      'm3ugen: error: c.ndjson: line 6: field "assigned_number": duplicate channel number 2: line 2 has the same number',
      'm3ugen: error: c.ndjson: 5 invalid records, 2 valid (no config file)',
    ]);
    // Past the first 20 records listed, the rest are counted; the earlier records are named in one more reading of the file.
    const many = [record(1, 'a'), ...Array.from({ length: 30 }, (_, i) => record(i + 2, 'a'))];
    writeFileSync(join(dir, 'c.ndjson'), `${many.join('\n')}\n`);
    const crowded = await runCli(['validate', '--input', 'c.ndjson', '--quiet'], { cwd: dir });
    const said = crowded.stderr.trim().split('\n');
    expect(said).toHaveLength(22);
    expect(said[19]).toBe('m3ugen: error: c.ndjson: line 21: field "channel.id": duplicate channel id "a": line 1 has the same id');
    expect(said.slice(20)).toEqual(['m3ugen: error: … and 10 more invalid records', 'm3ugen: error: c.ndjson: 30 invalid records, 1 valid (no config file)']);
  });

  it('counts a record the reader refused, which stops the check, among those read (a JSON array with a syntax error)', async () => {
    const dir = workdir();
    const record = (n: number, name?: string) => JSON.stringify({ assigned_number: n, channel: { id: `550e8400-e29b-41d4-a716-${String(n).padStart(12, '0')}`, channel_name: name } });
    writeFileSync(join(dir, 'c.json'), `[\n${record(1, 'A')},\n${record(2)},\n${record(3, 'C').replace('"channel_name"', '"x" "channel_name"')},\n${record(4, 'D')}\n]\n`);
    const result = await runCli(['validate', '--input', 'c.json', '--proxy-id', '01ARZ3NDEKTSV4RRFFQ69G5FAV'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      'm3ugen: error: c.json: record 1: field "channel.channel_name": required field is missing',
      'm3ugen: error: c.json: line 4: invalid JSON at column 81: unexpected "\\""',
      'm3ugen: error: c.json: 2 invalid records in the first 3; line 4 stopped the check, later records were not read (no config file)',
    ]);
  });
});

describe('m3ugen init', () => {
  it('writes a first config that validate and generate then find by themselves, and never replaces a file', async () => {
    const dir = workdir();
    writeFileSync(join(dir, 'channels.ndjson'), SEED_NDJSON);
    const init = await runCli(['init', '--input', 'channels.ndjson', '--base-url', 'http://tv.example', '--proxy-id', PROXY], { cwd: dir });
    expect(init).toMatchObject({ code: 0, stdout: 'wrote m3ugen.config.toml\n' });
    expect(init.stderr).toBe('m3ugen: then: m3ugen validate, and m3ugen generate\n');
    const written = readFileSync(join(dir, 'm3ugen.config.toml'), 'utf8');
    const validated = await runCli(['validate'], { cwd: dir });
    expect(validated).toMatchObject({ code: 0 });
    expect(validated.stdout).toMatch(/^ok: channels\.ndjson: \d+ channels valid/);
    const generated = await runCli(['generate', '-q'], { cwd: dir });
    expect(generated.stdout).toContain(`http://tv.example/stream/${PROXY}/`);

    const again = await runCli(['init', '--input', 'other.ndjson'], { cwd: dir });
    expect(again).toMatchObject({ code: 1, stdout: '', stderr: 'm3ugen: error: m3ugen.config.toml already exists: it is left as it is (edit it, or name another file with --config)\n' });
    expect(readFileSync(join(dir, 'm3ugen.config.toml'), 'utf8')).toBe(written);
  });

  it('says what the config still needs, and when a search would find another config first', async () => {
    const dir = workdir();
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'pipeline', m3ugen: { input: 'channels.ndjson' } }));
    const init = await runCli(['init', '--config', 'm3ugen.config.toml'], { cwd: dir });
    expect(init.code).toBe(0);
    expect(init.stderr.split('\n')).toEqual([
      'm3ugen: warning: a search from here finds package.json before m3ugen.config.toml: run with --config m3ugen.config.toml, or remove the "m3ugen" key of package.json',
      'm3ugen: set "input" in it to the channel records (or pass --input to generate)',
      'm3ugen: set "proxy_id" in it to the proxy\'s ULID, which stream URLs carry',
      'm3ugen: then: m3ugen validate --config m3ugen.config.toml, and m3ugen generate --config m3ugen.config.toml',
      '',
    ]);
    expect(await runCli(['init', '--config', 'm3ugen.yaml'], { cwd: dir })).toMatchObject({ code: 2 });
    expect(await runCli(['init', '--strict'], { cwd: dir })).toMatchObject({ code: 2, stderr: expect.stringContaining('"--strict" is not an option of "m3ugen init"') });
  });
});

describe('the README main job', () => {
  it('generates the basic example with `pnpm m3ugen generate --config examples/basic/m3ugen.toml`', async () => {
    expect(existsSync(join(ROOT, 'examples/basic/channels.ndjson'))).toBe(true);
    const result = await runCli(['generate', '--config', 'examples/basic/m3ugen.toml']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(readFileSync(join(ROOT, 'examples/basic/expected.m3u'), 'utf8'));
  });
});

describe('URL schemes from the config', () => {
  it('builds pattern URLs from [proxy_generation.url]', async () => {
    const dir = workdir();
    writeFileSync(join(dir, 'channels.ndjson'), SEED_NDJSON);
    writeFileSync(
      join(dir, 'm3ugen.config.toml'),
      'input = "channels.ndjson"\n[proxy_generation]\nurl_scheme = "pattern"\n[proxy_generation.url]\npattern = "{base_url}/live/{channel_id}.ts?token={token}"\nparams = { token = "s3cret" }\n',
    );
    const result = await runCli(['generate', '-q'], { cwd: dir });
    expect(result.stdout.split('\n')[2]).toBe('http://localhost:8080/live/550e8400-e29b-41d4-a716-446655440001.ts?token=s3cret');
  });

  it('refuses a pattern left for the proxy scheme (url_scheme not set), naming the config key, rather than ignore it', async () => {
    const dir = workdir();
    writeFileSync(join(dir, 'channels.ndjson'), SEED_NDJSON);
    writeFileSync(join(dir, 'm3ugen.config.toml'), 'input = "channels.ndjson"\n[proxy_generation.url]\npattern = "{base_url}/live/{channel_id}.ts"\n');
    const result = await runCli(['generate', '-q'], { cwd: dir });
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toBe(
      'm3ugen: error: m3ugen.config.toml: key "proxy_generation.url.pattern": the "proxy" URL scheme reads no URL options; "pattern" is read by the "pattern" scheme, which is not the one chosen\n',
    );
  });

  it('writes the channels\' own stream_url with url_scheme = "direct"', async () => {
    const dir = workdir();
    writeFileSync(join(dir, 'channels.ndjson'), SEED_NDJSON);
    writeFileSync(join(dir, 'm3ugen.config.toml'), 'input = "channels.ndjson"\n[proxy_generation]\nurl_scheme = "direct"\n');
    const result = await runCli(['generate', '-q'], { cwd: dir });
    expect(result.stdout.split('\n')[2]).toBe('http://upstream.example/live/1.ts');
  });
});
