import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { makeChannels } from './support/channels.js';
import { runCli } from './support/cli.js';

/**
 * One test per kind of bad input (issue: reliability). Each runs the built
 * command, checks the exact message names file, record and field, that it
 * exits 1, and that the playlist published before is untouched with no
 * temporary file left.
 */
const PROXY = '01ARZ3NDEKTSV4RRFFQ69G5FAV';
const PREVIOUS = '#EXTM3U\n# the playlist published before\n';

const record = (n: number, channel: Record<string, unknown> = {}): string =>
  JSON.stringify({ assigned_number: n, channel: { id: `550e8400-e29b-41d4-a716-${String(n).padStart(12, '0')}`, channel_name: `Channel ${n}`, ...channel } });

/** Runs generate on `input` (written as `name`, beside `files`) into a folder holding an earlier playlist. */
async function generate(name: string, input: string | Buffer, extra: string[] = [], env?: Record<string, string>, files: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'm3ugen-bad-'));
  writeFileSync(join(dir, name), input);
  for (const [file, content] of Object.entries(files)) writeFileSync(join(dir, file), content);
  writeFileSync(join(dir, 'playlist.m3u'), PREVIOUS);
  const result = await runCli(['generate', '--input', name, '--output', 'playlist.m3u', '--proxy-id', PROXY, ...extra], { cwd: dir, env });
  expect(readFileSync(join(dir, 'playlist.m3u'), 'utf8')).toBe(PREVIOUS);
  expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  expect(result.code).toBe(1);
  return result.stderr.trim();
}

describe('bad input is reported with file, record and field, exits 1, and publishes nothing', () => {
  it('invalid JSON in a .json file names the line and column', async () => {
    expect(await generate('channels.json', `[\n${record(1)},\n${record(2)}\n${record(3)}]`)).toBe(
      'm3ugen: error: channels.json: line 4: invalid JSON at column 1: unexpected "{"',
    );
  });

  it.each([['auto'], ['streaming']])('invalid JSON deep in a .json file, read as a stream, names its line and column and publishes nothing (strategy %s)', async (strategy) => {
    const records = Array.from({ length: 4000 }, (_, i) => record(i + 1));
    records[2999] = record(3000).replace('"channel_name"', '"channel_name" "X"');
    const column = records[2999]!.indexOf(' "X"') + 2;
    expect(await generate('channels.json', `[\n${records.join(',\n')}\n]\n`, ['--strategy', strategy])).toBe(
      `m3ugen: error: channels.json: line 3001: invalid JSON at column ${column}: unexpected "\\""`,
    );
  });

  it.each([
    ['--input', ['--input', 'https://export.example/channels.ndjson']],
    ['the config\'s "input"', []],
  ])('a URL given as the input (by %s) is said to be one, with how to read it, not a missing file "https:/…"', async (_by, flags) => {
    const dir = mkdtempSync(join(tmpdir(), 'm3ugen-bad-'));
    writeFileSync(join(dir, 'm3ugen.config.toml'), 'input = "https://export.example/channels.ndjson"\n');
    const result = await runCli(['generate', ...flags, '--proxy-id', PROXY], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      "m3ugen: error: https://export.example/channels.ndjson: cannot read the input: it is a URL, and the input is read from a file or a stream: download it (curl -fsS 'https://export.example/channels.ndjson' | m3ugen generate --input -), or from code pass a fetch() response's body as the stream option\n",
    );
  });

  it('a truncated NDJSON line names its line', async () => {
    expect(await generate('channels.ndjson', `${record(1)}\n${record(2)}\n{"assigned_number": 3, "channel": {"id": "550e`)).toBe(
      'm3ugen: error: channels.ndjson: line 3: invalid JSON at column 47: unterminated string',
    );
  });

  it.each([['channels.ndjson', 'line 4'], ['channels.json', 'record 3']])('a channel the direct URL scheme cannot use is named by its place in %s, after a skipped record too', async (name, where) => {
    const records = ['{"assigned_number": "one"}', record(1, { stream_url: 'http://up/1.ts' }), record(2, { stream_url: 'http://up/2.ts' }), record(3)];
    const input = name.endsWith('.json') ? `[${records.join(',\n')}]` : `${records.join('\n')}\n`;
    expect(await generate(name, input, ['--skip-invalid', '--quiet'], undefined, { 'm3ugen.config.toml': '[proxy_generation]\nurl_scheme = "direct"\n' })).toBe(
      `m3ugen: error: ${name}: ${where}: field "channel.stream_url": required by the direct URL scheme, but missing`,
    );
  });

  it.each([[[]], [['--workers', '2']]])('a plugin failing on one channel names the record\'s line, so the channel can be found (%j)', async (extra) => {
    const config = 'plugins = [["@m3ugen/extinf-template", { extinf = "#EXTINF:-1,<%= it.channel.tvgLogo.length %>" }]]\n';
    const input = `${record(1, { tvg_logo: 'http://l/1.png' })}\n${record(2)}\n`;
    expect(await generate('channels.ndjson', input, ['--quiet', ...extra], undefined, { 'm3ugen.config.toml': config })).toBe(
      'm3ugen: error: channels.ndjson: line 2: plugin "@m3ugen/extinf-template" failed in hook "extinfLine" at channel index 1: extinf template (inline): line 1: Cannot read properties of undefined (reading \'length\')',
    );
  });

  it('a field of the wrong type names the field and the value', async () => {
    expect(await generate('channels.ndjson', `${record(1)}\n${record(2, { tvg_logo: 5 })}\n`)).toBe(
      'm3ugen: error: channels.ndjson: line 2: field "channel.tvg_logo": expected a string or null, got number 5',
    );
  });

  it.each([[[]], [['--strategy', 'streaming']], [['--workers', '2']]])('bytes that are not UTF-8 name the line and field, not a silent U+FFFD (%j)', async (extra) => {
    const latin1 = Buffer.from(`${record(2, { tvg_name: 'Caf\xe9' })}\n`, 'latin1');
    const input = Buffer.concat([Buffer.from(`${record(1)}\n`), latin1, Buffer.from(`${record(3)}\n`)]);
    expect(await generate('channels.ndjson', input, extra)).toBe(
      'm3ugen: error: channels.ndjson: line 2: field "channel.tvg_name": invalid UTF-8: byte 0xE9 is not part of a character; the input must be encoded in UTF-8',
    );
  });

  it('a missing required field names it', async () => {
    expect(await generate('channels.ndjson', `${record(1)}\n{"assigned_number": 2, "channel": {"channel_name": "No id"}}\n`)).toBe(
      'm3ugen: error: channels.ndjson: line 2: field "channel.id": required field is missing',
    );
  });

  it('a duplicate channel id names the later record and the earlier one', async () => {
    const same = '550e8400-e29b-41d4-a716-000000000001';
    expect(await generate('channels.ndjson', `${record(1)}\n${record(2)}\n\n${record(3, { id: same })}\n`)).toBe(
      `m3ugen: error: channels.ndjson: line 4: field "channel.id": duplicate channel id "${same}": line 1 has the same id`,
    );
  });

  it('a duplicate read from stdin, which cannot be read twice, names only the later record', async () => {
    const same = '550e8400-e29b-41d4-a716-000000000001';
    const result = await runCli(['generate', '--input', '-', '--proxy-id', PROXY, '--quiet'], { stdin: `${record(1)}\n${record(2, { id: same })}\n` });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(`m3ugen: error: stdin: line 2: field "channel.id": duplicate channel id "${same}": an earlier record has the same id`);
  });

  it('a duplicate read from a named pipe, which cannot be read twice either, fails at once and names only the later record', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'm3ugen-bad-'));
    const fifo = join(dir, 'channels.ndjson');
    execFileSync('mkfifo', [fifo]);
    const same = '550e8400-e29b-41d4-a716-000000000001';
    // Opening the pipe to write waits for the command to open it to read; nobody writes a second time.
    const written = writeFile(fifo, `${record(1)}\n${record(2, { id: same })}\n`);
    const result = await runCli(['generate', '--input', fifo, '--output', join(dir, 'playlist.m3u'), '--proxy-id', PROXY, '--quiet']);
    await written;
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(`m3ugen: error: ${fifo}: line 2: field "channel.id": duplicate channel id "${same}": an earlier record has the same id`);
    expect(readdirSync(dir)).toEqual(['channels.ndjson']);
  });

  it('a gzip file cut short says so, after the records before the cut were checked', async () => {
    const zipped = gzipSync(`${Array.from({ length: 50 }, (_, i) => record(i + 1)).join('\n')}\n`);
    expect(await generate('channels.ndjson.gz', zipped.subarray(0, zipped.length - 8))).toBe(
      'm3ugen: error: channels.ndjson.gz: the input is not valid gzip data: it ends before its compressed data does (a cut file?)',
    );
  });

  it('a line that starts with the bytes of a gzip signature is the same error in worker threads, where it starts a part, as in one thread', async () => {
    const input = Buffer.concat([
      Buffer.from(`${Array.from({ length: 256 }, (_, i) => record(i + 1)).join('\n')}\n`),
      Buffer.from([0x1f, 0x8b]),
      Buffer.from(`${record(257)}\n${record(258)}\n`),
    ]);
    const expected = 'm3ugen: error: channels.ndjson: line 257: invalid UTF-8: byte 0x8B is not part of a character; the input must be encoded in UTF-8';
    expect(await generate('channels.ndjson', input, ['--workers', '1'])).toBe(expected);
    expect(await generate('channels.ndjson', input, ['--workers', '2'], { M3UGEN_PART_RECORDS: '256' })).toBe(expected);
  });

  describe('two errors in one batch of the reader: the first in input order is the one reported', () => {
    // Record 301 repeats record 11's id; record 311, read in the same batch, has a bad field.
    const input = `${Array.from({ length: 600 }, (_, i) =>
      i === 300 ? record(301, { id: '550e8400-e29b-41d4-a716-000000000011' }) : i === 310 ? record(311, { channel_name: 42 }) : record(i + 1),
    ).join('\n')}\n`;
    const expected = 'm3ugen: error: channels.ndjson: line 301: field "channel.id": duplicate channel id "550e8400-e29b-41d4-a716-000000000011": line 11 has the same id';

    it('in one thread', async () => {
      expect(await generate('channels.ndjson', input, ['--workers', '1'])).toBe(expected);
    });

    it('in worker threads, the duplicate in another part than the id it repeats', async () => {
      expect(await generate('channels.ndjson', input, ['--workers', '2'], { M3UGEN_PART_RECORDS: '256' })).toBe(expected);
    });

    it('from a JSON array with an invalid record skipped before them, naming both records by their place in the array', async () => {
      const records = input.trim().split('\n');
      const array = `[{"assigned_number": -1},\n${records.join(',\n')}]`;
      expect(await generate('channels.json', array, ['--skip-invalid', '--quiet'])).toBe(
        expected.replace('channels.ndjson: line 301', 'channels.json: record 301').replace('line 11 has', 'record 11 has'),
      );
    });

    it('from a JSON array', async () => {
      const array = `[${input.trim().split('\n').join(',\n')}]`;
      expect(await generate('channels.json', array)).toBe(expected.replace('channels.ndjson: line 301', 'channels.json: record 300').replace('line 11 has', 'record 10 has'));
    });
  });

  describe('past the ids the duplicate check keeps in memory (M3UGEN_MEMORY_IDS=3: the rest go to disk)', () => {
    const spill = { M3UGEN_MEMORY_IDS: '3' };
    const lines = (count: number, edit: (n: number) => string | undefined = () => undefined) =>
      `${Array.from({ length: count }, (_, i) => edit(i + 1) ?? record(i + 1)).join('\n')}\n`;
    const idOf = (n: number) => `550e8400-e29b-41d4-a716-${String(n).padStart(12, '0')}`;

    it('finds a duplicate between two ids on disk and names the later record', async () => {
      const input = lines(20, (n) => (n === 16 ? record(16, { id: idOf(10) }) : undefined));
      expect(await generate('channels.ndjson', input, [], spill)).toBe(
        `m3ugen: error: channels.ndjson: line 16: field "channel.id": duplicate channel id "${idOf(10)}": line 10 has the same id`,
      );
    });

    it('finds it in gzip-compressed input too, reading it again to name the earlier record', async () => {
      const input = gzipSync(lines(20, (n) => (n === 16 ? record(16, { id: idOf(10) }) : undefined)));
      expect(await generate('channels.ndjson.gz', input, [], spill)).toBe(
        `m3ugen: error: channels.ndjson.gz: line 16: field "channel.id": duplicate channel id "${idOf(10)}": line 10 has the same id`,
      );
    });

    it('names the temporary folder, not the output, when the ids cannot go to disk', async () => {
      expect(await generate('channels.ndjson', lines(20), [], { ...spill, TMPDIR: '/nonexistent-m3ugen-tmp' })).toBe(
        'm3ugen: error: the duplicate check cannot keep ids on disk in "/nonexistent-m3ugen-tmp" (set TMPDIR to another folder): the folder does not exist',
      );
    });

    it('finds a duplicate of an id kept in memory', async () => {
      const input = lines(20, (n) => (n === 12 ? record(12, { id: idOf(2) }) : undefined));
      expect(await generate('channels.ndjson', input, [], spill)).toBe(
        `m3ugen: error: channels.ndjson: line 12: field "channel.id": duplicate channel id "${idOf(2)}": line 2 has the same id`,
      );
    });

    it('reports that duplicate before an invalid record in a later batch, as a run in memory would', async () => {
      // Records are read 256 at a time: line 290 fails while reading, after line 12 was rendered.
      const input = lines(300, (n) => (n === 12 ? record(12, { id: idOf(5) }) : n === 290 ? record(290, { channel_name: 7 }) : undefined));
      const expected = `m3ugen: error: channels.ndjson: line 12: field "channel.id": duplicate channel id "${idOf(5)}": line 5 has the same id`;
      expect(await generate('channels.ndjson', input, [], spill)).toBe(expected);
      expect(await generate('channels.ndjson', input)).toBe(expected);
    });
  });

  it('a duplicate channel number names the later record and the earlier one', async () => {
    expect(await generate('channels.json', JSON.stringify([JSON.parse(record(1)), JSON.parse(record(2)), { ...JSON.parse(record(3)), assigned_number: 2 }]))).toBe(
      'm3ugen: error: channels.json: record 2: field "assigned_number": duplicate channel number 2: record 1 has the same number',
    );
  });

  it('a negative channel number', async () => {
    expect(await generate('channels.ndjson', `${record(1)}\n{"assigned_number": -4, "channel": {"id": "a", "channel_name": "A"}}\n`)).toBe(
      'm3ugen: error: channels.ndjson: line 2: field "assigned_number": expected a channel number >= 0, got number -4',
    );
  });

  it('a non-integer channel number', async () => {
    expect(await generate('channels.ndjson', `{"assigned_number": 1.5, "channel": {"id": "a", "channel_name": "A"}}\n`)).toBe(
      'm3ugen: error: channels.ndjson: line 1: field "assigned_number": expected an integer, got number 1.5',
    );
  });

  it('an invalid base_url in the config names the file and key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'm3ugen-bad-'));
    writeFileSync(join(dir, 'channels.ndjson'), record(1));
    writeFileSync(join(dir, 'm3ugen.config.toml'), 'input = "channels.ndjson"\n[web]\nbase_url = "tv.example/iptv"\n');
    const result = await runCli(['generate'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('m3ugen.config.toml: key "web.base_url": expected an absolute http(s) URL');
  });

  it('an invalid proxy ULID in the config names the file and key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'm3ugen-bad-'));
    writeFileSync(join(dir, 'channels.ndjson'), record(1));
    writeFileSync(join(dir, 'm3ugen.config.json'), JSON.stringify({ input: 'channels.ndjson', proxy_generation: { proxy_id: '01ARZ3NDEKTSV4RRFFQ69G5FA!' } }));
    const result = await runCli(['generate'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('m3ugen.config.json: key "proxy_generation.proxy_id": expected a ULID');
  });

  it('a config file with a syntax error names the file, line and column', async () => {
    expect(await generate('channels.ndjson', record(1), [], undefined, { 'm3ugen.config.mjs': 'export default {\n  web: { base_url: "https://tv.example" }\n  strategy: "streaming",\n};\n' })).toBe(
      "m3ugen: error: m3ugen.config.mjs: invalid JavaScript at line 3, column 3: ',' expected.",
    );
  });

  it('a plugin with a syntax error names the plugin file, line and column', async () => {
    const files = { 'm3ugen.config.toml': 'plugins = ["./plugin.mjs"]\n', 'plugin.mjs': "export default {\n  name: 'mine'\n  apply() {},\n};\n" };
    expect(await generate('channels.ndjson', record(1), [], undefined, files)).toBe(
      'm3ugen: error: m3ugen.config.toml: key "plugins[0]": plugin "./plugin.mjs" failed to load: plugin.mjs: invalid JavaScript at line 3, column 3: \',\' expected.',
    );
  });

  it('a syntax error in a module the plugin imports is named with that module, line and column (the plugin\'s own file is fine)', async () => {
    const files = {
      'm3ugen.config.toml': 'plugins = ["./plugin.mjs"]\n',
      'plugin.mjs': "import './helper.mjs';\nexport default { name: 'mine', apply() {} };\n",
      'helper.mjs': 'export const a = {\n  b: 1\n  c: 2 };\n',
    };
    expect(await generate('channels.ndjson', record(1), [], undefined, files)).toBe(
      'm3ugen: error: m3ugen.config.toml: key "plugins[0]": plugin "./plugin.mjs" failed to load: helper.mjs: invalid JavaScript at line 3, column 3: \',\' expected.',
    );
  });

  it('a broken package.json in the working folder is named too (cosmiconfig reads it for its own settings)', async () => {
    expect(await generate('channels.ndjson', record(1), [], undefined, { 'package.json': '{ "name": "site", }\n' })).toBe(
      'm3ugen: error: package.json: invalid JSON at line 1, column 19: a comma before "}": JSON takes none after the last member',
    );
  });

  it('an unreadable input file says why', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'm3ugen-bad-'));
    mkdirSync(join(dir, 'channels.ndjson'));
    const folder = await runCli(['generate', '--input', 'channels.ndjson'], { cwd: dir });
    expect([folder.code, folder.stderr.trim()]).toEqual([1, 'm3ugen: error: channels.ndjson: cannot read the input: is a directory']);
    const missing = await runCli(['generate', '--input', 'nope.ndjson'], { cwd: dir });
    expect([missing.code, missing.stderr.trim()]).toEqual([1, 'm3ugen: error: nope.ndjson: cannot read the input: no such file']);
  });

  it('a metrics path that cannot be written fails before the run, so nothing is published', async () => {
    expect(await generate('channels.ndjson', record(1), ['--metrics', 'reports/metrics.json'])).toBe(
      'm3ugen: error: cannot write the metrics file "reports/metrics.json": its folder does not exist',
    );
  });

  it('an unwritable output path says why', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'm3ugen-bad-'));
    writeFileSync(join(dir, 'channels.ndjson'), record(1));
    mkdirSync(join(dir, 'out.m3u'));
    const isDir = await runCli(['generate', '--input', 'channels.ndjson', '--output', 'out.m3u'], { cwd: dir });
    expect([isDir.code, isDir.stderr.trim()]).toEqual([1, 'm3ugen: error: cannot write the output "out.m3u": is a directory']);
    const noFolder = await runCli(['generate', '--input', 'channels.ndjson', '--output', 'missing/out.m3u'], { cwd: dir });
    expect([noFolder.code, noFolder.stderr.trim()]).toEqual([1, 'm3ugen: error: cannot write the output "missing/out.m3u": its folder does not exist']);
  });
});

describe('a plugin that throws', () => {
  it('is reported with its name, the hook, the channel index and the record\'s line; the earlier playlist stays', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'm3ugen-plugin-fault-'));
    writeFileSync(join(dir, 'channels.ndjson'), `${record(1)}\n${record(2)}\n${record(3)}\n`);
    writeFileSync(
      join(dir, 'fragile.mjs'),
      `export default () => ({ name: 'fragile', apply(g) { g.hooks.entryAttributes.tap('fragile', (a, nc, index) => { if (index === 2) throw new Error('no logo service'); return a; }); } });`,
    );
    writeFileSync(join(dir, 'm3ugen.config.json'), JSON.stringify({ input: 'channels.ndjson', output: 'playlist.m3u', plugins: ['./fragile.mjs'], proxy_generation: { proxy_id: PROXY } }));
    writeFileSync(join(dir, 'playlist.m3u'), PREVIOUS);
    const result = await runCli(['generate'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe('m3ugen: error: channels.ndjson: line 3: plugin "fragile" failed in hook "entryAttributes" at channel index 2: no logo service');
    expect(readFileSync(join(dir, 'playlist.m3u'), 'utf8')).toBe(PREVIOUS);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

/** A real full disk: a 64 KiB tmpfs. Mounting needs root, which the CI machines have; elsewhere the case is skipped. */
const fullDisk = mkdtempSync(join(tmpdir(), 'm3ugen-full-'));
let mounted = false;
try {
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', fullDisk], { stdio: 'ignore' });
  mounted = true;
} catch {
  mounted = false;
}
afterAll(() => {
  if (mounted) execFileSync('umount', [fullDisk], { stdio: 'ignore' });
});

describe('a full disk', () => {
  it.skipIf(!mounted)('gives a clear message and keeps the earlier playlist', async () => {
    const input = join(mkdtempSync(join(tmpdir(), 'm3ugen-full-input-')), 'channels.ndjson');
    writeFileSync(input, makeChannels(2000).map((nc) => JSON.stringify({ assigned_number: nc.assignedNumber, channel: { id: nc.channel.id, channel_name: nc.channel.channelName } })).join('\n'));
    writeFileSync(join(fullDisk, 'playlist.m3u'), PREVIOUS);
    const result = await runCli(['generate', '--input', input, '--output', join(fullDisk, 'playlist.m3u'), '--proxy-id', PROXY, '-q']);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(`m3ugen: error: cannot write the output "${join(fullDisk, 'playlist.m3u')}": no space left on the device`);
    expect(readFileSync(join(fullDisk, 'playlist.m3u'), 'utf8')).toBe(PREVIOUS);
    expect(readdirSync(fullDisk).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
