// The worker-thread path of `m3ugen generate` (packages/cli/src/parallel):
// every run here is made twice, with --workers 1 and --workers 2, on parts of
// 256 records, and must give the same bytes, metrics, warnings and errors.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { makeChannels } from './support/channels.js';
import { BIN, ROOT, runCli, withoutRunTime, type CliResult } from './support/cli.js';
import { writeIndexAttributePlugin, writeWarningLogPlugin } from './support/plugins.js';

const PROXY = '01ARZ3NDEKTSV4RRFFQ69G5FAV';
const SMALL_PARTS = { M3UGEN_PART_RECORDS: '256' };

function record(n: number, overrides: { id?: string; name?: unknown; number?: number } = {}): string {
  const nc = makeChannels(n)[n - 1]!;
  return JSON.stringify({
    assigned_number: overrides.number ?? nc.assignedNumber,
    channel: { id: overrides.id ?? nc.channel.id, channel_name: overrides.name ?? nc.channel.channelName, tvg_logo: nc.channel.tvgLogo, group_title: nc.channel.groupTitle },
  });
}

/** `count` records as NDJSON lines, with the edge cases a line splitter gets wrong. */
function awkwardLines(count: number): string[] {
  const channels = makeChannels(count, 7);
  return channels.map((nc, i) => {
    const name = i % 97 === 0 ? `Ünïcødé 📺 ${i}` : i % 89 === 0 ? '  ' : nc.channel.channelName;
    const id = i % 83 === 0 ? `not-a-uuid-${i}` : nc.channel.id;
    return JSON.stringify({ assigned_number: nc.assignedNumber, channel: { id, channel_name: name, tvg_logo: nc.channel.tvgLogo, group_title: nc.channel.groupTitle } });
  });
}

type EditedRecord = { assigned_number: number; channel: { id: string } };

/** Changes records of `lines` (NDJSON) in place by line; `field` reads a record as it was before any change. */
function recordEditor(lines: string[]): { field: (line: number) => EditedRecord; edit: (line: number, change: { id?: string; number?: number }) => void } {
  const original = [...lines];
  const field = (line: number): EditedRecord => JSON.parse(original[line - 1]!) as EditedRecord;
  const edit = (line: number, change: { id?: string; number?: number }): void => {
    const parsed = field(line);
    if (change.id !== undefined) parsed.channel.id = change.id;
    if (change.number !== undefined) parsed.assigned_number = change.number;
    lines[line - 1] = JSON.stringify(parsed);
  };
  return { field, edit };
}

/** `m3ugen validate` of `lines` (as c.ndjson, parts of 256 records) in one thread and in two, without and with strict mode: checks that the two agree and gives one thread's results. */
async function validateBothWays(lines: readonly string[]): Promise<{ plain: CliResult; strict: CliResult }> {
  const dir = mkdtempSync(join(tmpdir(), 'm3ugen-parallel-'));
  writeFileSync(join(dir, 'c.ndjson'), lines.join('\n'));
  writeFileSync(join(dir, 'strict.toml'), '[proxy_generation]\nstrict = true\n');
  const check = (workers: number, ...extra: string[]): Promise<CliResult> =>
    runCli(['validate', '--input', 'c.ndjson', '--proxy-id', PROXY, '--workers', String(workers), '--quiet', ...extra], { cwd: dir, env: SMALL_PARTS });
  const [one, two, strictOne, strictTwo] = await Promise.all([check(1), check(2), check(1, '--config', 'strict.toml'), check(2, '--config', 'strict.toml')]);
  expect(two).toEqual(one);
  expect(strictTwo).toEqual(strictOne);
  return { plain: one, strict: strictOne };
}

interface Outcome {
  readonly result: CliResult;
  readonly playlist: string;
  readonly metrics: Record<string, unknown> | undefined;
}

/** `gzip`: the input is a gzip-compressed file, which the main thread cuts into parts as it inflates it. */
async function generate(text: string, workers: number, extra: readonly string[] = [], gzip = false): Promise<Outcome> {
  const dir = mkdtempSync(join(tmpdir(), 'm3ugen-parallel-'));
  const input = join(dir, gzip ? 'channels.ndjson.gz' : 'channels.ndjson');
  const output = join(dir, 'playlist.m3u');
  const metricsFile = join(dir, 'metrics.json');
  writeFileSync(input, gzip ? gzipSync(text) : text);
  writeFileSync(output, 'previous playlist\n');
  const args = ['generate', '--input', input, '--output', output, '--proxy-id', PROXY, '--metrics', metricsFile, '--workers', String(workers), ...extra];
  const result = await runCli(args, { env: SMALL_PARTS });
  const metrics = readdirSync(dir).includes('metrics.json') ? (JSON.parse(readFileSync(metricsFile, 'utf8')) as Record<string, unknown>) : undefined;
  // The file names differ between the two runs; the messages must not otherwise.
  const stderr = result.stderr.replaceAll(input, 'INPUT').replaceAll(output, 'OUTPUT');
  return { result: { ...result, stderr }, playlist: readFileSync(output, 'utf8'), metrics };
}

/** A config whose plugin gives each entry its channel index (`x-index`), which a part must count from its first record. */
function writeIndexConfig(): string {
  const dir = mkdtempSync(join(tmpdir(), 'm3ugen-parallel-'));
  writeIndexAttributePlugin(dir);
  writeFileSync(join(dir, 'm3ugen.toml'), 'plugins = ["./index-attribute.mjs"]\n');
  return join(dir, 'm3ugen.toml');
}

/** Metrics that must match: everything but timings, memory, the run id, paths and the strategy's name. */
function comparable(metrics: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (metrics === undefined) return undefined;
  const { durationMs, channelsPerSecond, peakRssBytes, peakHeapUsedBytes, runId, input, output, strategy, initialStrategy, ...rest } = metrics;
  return rest;
}

async function bothWays(text: string, extra: readonly string[] = [], gzip = false): Promise<{ one: Outcome; two: Outcome }> {
  const [one, two] = await Promise.all([generate(text, 1, extra, gzip), generate(text, 2, extra, gzip)]);
  return { one, two };
}

describe('m3ugen generate --workers', () => {
  it('writes the same bytes, metrics and warnings as one thread, through BOM, CRLF, blank lines and non-ASCII text', async () => {
    const lines = awkwardLines(2_000);
    lines[0] = `\uFEFF${lines[0]!}`;
    for (let i = 5; i < lines.length; i += 37) lines[i] = `${lines[i]!}\r`;
    lines.splice(700, 0, '', '   ', '\u00a0');
    lines.splice(1_500, 0, '');
    const { one, two } = await bothWays(lines.join('\n'));
    expect(one.result.code).toBe(0);
    expect(two.metrics?.['strategy']).toBe('parallel');
    expect(two.result.stderr).toContain('(parallel, 2 worker threads) → OUTPUT');
    expect(two.playlist).toBe(one.playlist);
    expect(two.playlist.split('\n')).toHaveLength(1 + 2 * 2_000 + 1);
    expect(comparable(two.metrics)).toEqual(comparable(one.metrics));
    expect(one.metrics?.['warningCounts']).toMatchObject({ 'non-uuid-id:id': 25, 'blank-name:channel_name': 22 });
    expect(withoutRunTime(two.result.stderr)).toBe(withoutRunTime(one.result.stderr));
  });

  it('renders a gzip-compressed file in worker threads, with the bytes, metrics and warnings of one thread, through BOM, CRLF and blank lines', async () => {
    const lines = awkwardLines(2_000);
    lines[0] = `\uFEFF${lines[0]!}`;
    for (let i = 5; i < lines.length; i += 37) lines[i] = `${lines[i]!}\r`;
    // Blank lines before part boundaries: each part's first record index counts only records.
    for (const at of [1_700, 1_200, 700, 250]) lines.splice(at, 0, '', '  \t', '\r');
    const { one, two } = await bothWays(lines.join('\n'), ['--config', writeIndexConfig()], true);
    expect(one.result.code).toBe(0);
    expect(two.result.stderr).toContain('(parallel, 2 worker threads) → OUTPUT');
    expect(two.playlist).toBe(one.playlist);
    expect(two.playlist).toContain(' x-index="1999",');
    expect(comparable(two.metrics)).toEqual(comparable(one.metrics));
    expect(withoutRunTime(two.result.stderr)).toBe(withoutRunTime(one.result.stderr));
  });

  it('handles a file without a final newline and parts of exactly one batch', async () => {
    const { one, two } = await bothWays(awkwardLines(512).join('\n'));
    expect(two.playlist).toBe(one.playlist);
    expect(two.metrics?.['channels']).toBe(512);
  });

  const failures: [string, () => string[], string[]?][] = [
    ['a bad record in a later part', () => {
      const lines = awkwardLines(1_200);
      lines[900] = record(901, { name: 42 });
      return lines;
    }],
    ['invalid JSON in a later part', () => {
      const lines = awkwardLines(1_200);
      lines[1_000] = '{"assigned_number": 1001, "channel": {';
      return lines;
    }],
    ['an id of part 0 again in part 3', () => {
      const lines = awkwardLines(1_200);
      lines[800] = record(801, { id: makeChannels(10, 7)[9]!.channel.id });
      return lines;
    }],
    ['a number of part 1 again in part 2', () => {
      const lines = awkwardLines(1_200);
      lines[600] = record(601, { number: 300 });
      return lines;
    }],
    ['a duplicate id inside one part', () => {
      const lines = awkwardLines(1_200);
      lines[700] = record(701, { id: makeChannels(690, 7)[689]!.channel.id });
      return lines;
    }],
    ['a duplicate id of an earlier part before a record the renderer rejects (--strict, not a UUID) in the same part', () => {
      const lines = makeChannels(1_200).map((_, i) => record(i + 1));
      lines[520] = record(521, { id: makeChannels(3)[2]!.channel.id });
      lines[530] = record(531, { id: 'not-a-uuid' });
      return lines;
    }, ['--strict']],
    ['a line longer than the reader reads (16 MiB), in part 2', () => {
      const lines = awkwardLines(1_200);
      lines[600] = `{"assigned_number": 601, "channel": {"id": "${'x'.repeat(17 << 20)}"}}`;
      return lines;
    }],
    ['a duplicate id in part 1 before a line longer than the reader reads in part 2: the duplicate is first', () => {
      const lines = awkwardLines(1_200);
      lines[300] = record(301, { id: makeChannels(3, 7)[2]!.channel.id });
      lines[600] = `{"assigned_number": 601, "channel": {"id": "${'x'.repeat(17 << 20)}"}}`;
      return lines;
    }],
    ['invalid JSON after a duplicate id in the same batch (the batch is read before it is rendered)', () => {
      const lines = awkwardLines(1_200);
      lines[260] = record(261, { id: makeChannels(3, 7)[2]!.channel.id });
      lines[300] = '{oops';
      return lines;
    }],
  ];
  for (const [name, make, extra] of failures) {
    it.each([false, true])(`fails like one thread on ${name}, and publishes nothing (gzip-compressed: %s)`, async (gzip) => {
      const { one, two } = await bothWays(make().join('\n'), extra, gzip);
      expect(one.result.code).toBe(1);
      expect(two.result.code).toBe(1);
      expect(two.result.stderr).toBe(one.result.stderr);
      expect(two.result.stderr).toMatch(/^m3ugen: error: INPUT: line \d+: /);
      expect(two.playlist).toBe('previous playlist\n');
    });
  }

  it("fires the main thread's warning hook for the same records, in the same order, up to a duplicate in a later part", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'm3ugen-parallel-'));
    writeWarningLogPlugin(dir);
    const lines = awkwardLines(1_200);
    // Part 3 (records 768–1023) warns at 801 (blank name) and 830 (not a UUID) before record 850
    // repeats record 0's id, which is not a UUID either: that warning comes before the error too.
    lines[850] = record(851, { id: 'not-a-uuid-0' });
    writeFileSync(join(dir, 'channels.ndjson'), lines.join('\n'));
    const run = async (workers: number): Promise<{ result: CliResult; log: string[] }> => {
      const log = join(dir, `warnings-${workers}.txt`);
      writeFileSync(join(dir, `m3ugen-${workers}.toml`), `plugins = [["./warning-log.mjs", { log = ${JSON.stringify(log)} }]]\n`);
      const args = ['generate', '--config', join(dir, `m3ugen-${workers}.toml`), '--input', join(dir, 'channels.ndjson'), '--output', join(dir, `out-${workers}.m3u`), '--proxy-id', PROXY, '--workers', String(workers)];
      const result = await runCli(args, { env: SMALL_PARTS });
      return { result, log: readFileSync(log, 'utf8').trimEnd().split('\n') };
    };
    const [one, two] = await Promise.all([run(1), run(2)]);
    expect(one.result.code).toBe(1);
    expect(two.result.code).toBe(1);
    expect(two.result.stderr).toBe(one.result.stderr);
    const codeAndIndex = (line: string): string => line.split(' ').slice(0, 2).join(' ');
    expect(one.log.map(codeAndIndex)).toEqual(expect.arrayContaining(['blank-name 801', 'non-uuid-id 830']));
    expect(one.log.at(-1)).toBe('non-uuid-id 850 {"field":"id","message":"channel at index 850: id \\"not-a-uuid-0\\" is not a UUID","reason":"id \\"not-a-uuid-0\\" is not a UUID","value":"not-a-uuid-0","line":851}');
    expect(two.log).toEqual(one.log);
  });

  it("with --skip-invalid, gives the warning hook each warning's line and record index as one thread does, after the records skipped", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'm3ugen-parallel-'));
    writeWarningLogPlugin(dir);
    // Invalid records in the first part; warnings (blank names, ids that are not UUIDs) in every part.
    const lines = awkwardLines(1_200);
    for (const at of [5, 100]) lines.splice(at, 0, '{"assigned_number": 0, oops');
    writeFileSync(join(dir, 'channels.ndjson'), lines.join('\n'));
    const run = async (workers: number): Promise<string[]> => {
      const log = join(dir, `warnings-${workers}.txt`);
      writeFileSync(join(dir, `m3ugen-${workers}.toml`), `plugins = [["./warning-log.mjs", { log = ${JSON.stringify(log)} }]]\n`);
      const args = ['generate', '--config', join(dir, `m3ugen-${workers}.toml`), '--input', join(dir, 'channels.ndjson'), '--output', join(dir, `out-${workers}.m3u`), '--proxy-id', PROXY, '--skip-invalid', '--workers', String(workers), '-q'];
      expect((await runCli(args, { env: SMALL_PARTS })).code).toBe(0);
      return readFileSync(log, 'utf8').trimEnd().split('\n');
    };
    const [one, two] = await Promise.all([run(1), run(2)]);
    // Line 999 holds the channel at index 996: two records were skipped before it.
    expect(one).toContainEqual(expect.stringMatching(/^non-uuid-id 996 .*"line":999,"recordIndex":998\}$/));
    // Where a skipped record's warning falls among the others may differ (decisions.md #15); the warnings themselves may not.
    expect([...two].sort()).toEqual([...one].sort());
  });

  it("with nobody taking each warning, counts them by kind as one thread does, each kind's first message in its place, after records skipped", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'm3ugen-parallel-'));
    // A plugin's own kind of warning, first raised in a later part: the summary quotes the first.
    writeFileSync(
      join(dir, 'stale-logo.mjs'),
      `export default () => ({ name: 'stale-logo', workerSafe: true, apply(generator) {
  let run;
  generator.hooks.beforeRun.tap('stale-logo', (info) => { run = info; });
  generator.hooks.entryAttributes.tap('stale-logo', (list, nc, index) => {
    if (index >= 700 && index % 3 === 1) run.warn({ code: 'stale-logo', message: nc.channel.channelName + ' has a stale logo', channelIndex: index });
    return list;
  });
} });\n`,
    );
    writeFileSync(join(dir, 'plugin.toml'), 'plugins = ["./stale-logo.mjs"]\n');
    writeFileSync(join(dir, 'none.toml'), '');
    // Ids that are not UUIDs only from channel 700 on, so that kind's first is in a later part; invalid records in
    // the first part and a later one shift the indexes of the channels after them.
    const lines = Array.from({ length: 1_200 }, (_, i) => record(i + 1, i >= 700 && i % 50 === 0 ? { id: `not-a-uuid-${i}` } : {}));
    const channel700 = (JSON.parse(lines[700]!) as { channel: { channel_name: string } }).channel.channel_name;
    for (const at of [3, 600]) lines.splice(at, 0, '{"assigned_number": 0, oops');
    writeFileSync(join(dir, 'channels.ndjson'), lines.join('\n'));
    const run = async (config: string, workers: number): Promise<{ stderr: string; metrics: Record<string, unknown> }> => {
      const metrics = join(dir, `metrics-${config}-${workers}.json`);
      const output = `out-${config}-${workers}.m3u`;
      const args = ['generate', '--config', join(dir, `${config}.toml`), '--input', join(dir, 'channels.ndjson'), '--output', join(dir, output), '--proxy-id', PROXY, '--skip-invalid', '--workers', String(workers), '--metrics', metrics];
      const result = await runCli(args, { env: SMALL_PARTS });
      expect(result.code).toBe(0);
      return { stderr: withoutRunTime(result.stderr.replaceAll(output, 'OUT')), metrics: JSON.parse(readFileSync(metrics, 'utf8')) as Record<string, unknown> };
    };
    for (const config of ['plugin', 'none']) {
      const [one, two] = await Promise.all([run(config, 1), run(config, 2)]);
      expect(two.metrics['strategy']).toBe('parallel');
      expect(comparable(two.metrics)).toEqual(comparable(one.metrics));
      expect(two.stderr).toBe(one.stderr);
      expect(readFileSync(join(dir, `out-${config}-2.m3u`), 'utf8')).toBe(readFileSync(join(dir, `out-${config}-1.m3u`), 'utf8'));
      // The first of m3ugen's own kind names the channel's index as one thread numbers it, after the two records skipped.
      expect(one.metrics['warningMessages']).toMatchObject({ 'non-uuid-id:id': 'channel at index 700: id "not-a-uuid-700" is not a UUID' });
      expect(one.metrics['warningCounts']).toMatchObject({ 'non-uuid-id:id': 10 });
      // The metrics give that first whole, at its line; comparable() above held two workers' to one thread's.
      expect(one.metrics['firstWarnings']).toMatchObject({ 'non-uuid-id:id': { channelIndex: 700, line: 703, value: 'not-a-uuid-700' } });
      expect(one.stderr).toContain('m3ugen: warning: 10 channel ids are not UUIDs (use --strict to reject them), the first at line 703\n');
      if (config === 'plugin') {
        expect(one.metrics['warningCounts']).toMatchObject({ 'stale-logo': 167 });
        // Its line counts the records skipped before it, as the input's lines do.
        expect(one.stderr).toContain(`m3ugen: warning: 167 × stale-logo, the first at line 703: ${channel700} has a stale logo`);
      }
    }
  });

  it('raises a run-level warning (no proxy id) once, not once per part', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'm3ugen-parallel-'));
    writeFileSync(join(dir, 'c.ndjson'), awkwardLines(1_200).join('\n'));
    const run = (workers: number): Promise<CliResult> =>
      runCli(['generate', '--input', join(dir, 'c.ndjson'), '--output', join(dir, `out-${workers}.m3u`), '--workers', String(workers), '--metrics', join(dir, `m-${workers}.json`)], { env: SMALL_PARTS });
    const [one, two] = await Promise.all([run(1), run(2)]);
    const lines = (r: CliResult, workers: number): string[] =>
      withoutRunTime(r.stderr.replaceAll(`out-${workers}.m3u`, 'OUT')).trimEnd().split('\n');
    expect(lines(two, 2).filter((line) => line.includes('no proxy ULID'))).toHaveLength(1);
    expect(lines(two, 2)).toEqual(lines(one, 1));
    const counts = (workers: number): unknown => (JSON.parse(readFileSync(join(dir, `m-${workers}.json`), 'utf8')) as Record<string, unknown>)['warningCounts'];
    expect(counts(2)).toEqual(counts(1));
    expect(readFileSync(join(dir, 'out-2.m3u'), 'utf8')).toBe(readFileSync(join(dir, 'out-1.m3u'), 'utf8'));
  });

  it('warns once of a field an attribute reads that no part has, and not of one only a later part has', async () => {
    const lines = awkwardLines(1_200).map((line, i) => {
      const parsed = JSON.parse(line) as { channel: Record<string, unknown> };
      parsed.channel['country'] = 'DE';
      if (i === 1_000) parsed.channel['region'] = 'Bavaria';
      return JSON.stringify(parsed);
    });
    const dir = mkdtempSync(join(tmpdir(), 'm3ugen-parallel-'));
    const config = join(dir, 'm3ugen.config.json');
    const attributes = [
      { name: 'tvg-country', field: 'contry' },
      { name: 'x-region', field: 'region' },
    ];
    writeFileSync(config, JSON.stringify({ plugins: [['@m3ugen/attributes', { attributes }]] }));
    const { one, two } = await bothWays(lines.join('\n'), ['--config', config]);
    expect(two.metrics?.['strategy']).toBe('parallel');
    const absent = 'attribute "tvg-country" reads field "contry", which is missing from every channel (did you mean "country"?)';
    for (const outcome of [one, two]) {
      expect(outcome.result.stderr.split('\n').filter((line) => line.includes('missing from every channel'))).toEqual([`m3ugen: warning: ${absent}`]);
      expect(outcome.metrics?.['warningCounts']).toMatchObject({ 'absent-field:contry': 1 });
      expect(outcome.metrics?.['warningCounts']).not.toHaveProperty('absent-field:region');
    }
    expect(two.playlist).toBe(one.playlist);
    expect(two.playlist).toContain(' x-region="Bavaria",');
    expect(comparable(two.metrics)).toEqual(comparable(one.metrics));
  });

  it('fails, publishing nothing, when a worker thread crashes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'm3ugen-parallel-'));
    writeFileSync(
      join(dir, 'crash.mjs'),
      `import { isMainThread } from 'node:worker_threads';
export default () => ({
  name: 'crash-in-worker',
  workerSafe: true,
  apply() {
    // A microtask, not a timer: it throws as soon as apply() returns, whatever the speed of the worker's parts.
    if (!isMainThread) queueMicrotask(() => { throw new Error('a plugin crashed its worker'); });
  },
});
`,
    );
    writeFileSync(join(dir, 'm3ugen.toml'), 'plugins = ["./crash.mjs"]\n');
    writeFileSync(join(dir, 'c.ndjson'), awkwardLines(3_000).join('\n'));
    writeFileSync(join(dir, 'out.m3u'), 'previous playlist\n');
    const result = await runCli(['generate', '--config', join(dir, 'm3ugen.toml'), '--input', join(dir, 'c.ndjson'), '--output', join(dir, 'out.m3u'), '--proxy-id', PROXY, '--workers', '2'], {
      env: SMALL_PARTS,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('m3ugen: error: a plugin crashed its worker');
    expect(readFileSync(join(dir, 'out.m3u'), 'utf8')).toBe('previous playlist\n');
    expect(readdirSync(dir).sort()).toEqual(['c.ndjson', 'crash.mjs', 'm3ugen.toml', 'out.m3u']);
  });

  it('with --skip-invalid, publishes nothing from a file none of whose records is valid, as one thread does', async () => {
    const text = Array.from({ length: 600 }, (_, i) => JSON.stringify({ assigned_number: `n${i}`, channel: {} })).join('\n');
    const { one, two } = await bothWays(text, ['--skip-invalid']);
    expect(two.result).toEqual(one.result);
    expect(two.result.code).toBe(1);
    expect(two.result.stderr).toContain('m3ugen: error: INPUT: none of its 600 records is valid, so nothing is published');
    expect(two.playlist).toBe('previous playlist\n');
  });

  it('with --skip-invalid and a URL that reads the index, renders each part once, with the indexes of one thread', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'm3ugen-parallel-'));
    // Logs each part's run (one create() each, the main thread's run once) from whichever thread runs it.
    writeFileSync(
      join(dir, 'counted-url.mjs'),
      `import { appendFileSync } from 'node:fs';
export default (options) => ({
  name: 'counted-url',
  workerSafe: true,
  apply(generator) {
    generator.urlSchemes.register({ name: 'counted-url', description: 'the index in the path', create: () => {
      appendFileSync(options.log, 'run\\n');
      return (nc, index) => 'http://tv.example/at/' + index + '/' + nc.channel.id;
    } });
  },
});
`,
    );
    const parts = 20;
    // Invalid records in most parts, the first in the first part: every later part's channels are numbered after some.
    const invalid = [10, 300, 301, 1_000, 2_500, 2_501, 2_502, 4_000, 5_000];
    const lines = awkwardLines(parts * 256 - invalid.length);
    for (const at of invalid) lines.splice(at, 0, '{"assigned_number": 0, oops');
    writeFileSync(join(dir, 'c.ndjson'), lines.join('\n'));
    const run = async (workers: number): Promise<{ result: CliResult; runs: number }> => {
      const log = join(dir, `runs-${workers}.txt`);
      writeFileSync(log, '');
      writeFileSync(join(dir, `m3ugen-${workers}.toml`), `plugins = [["./counted-url.mjs", { log = ${JSON.stringify(log)} }]]\n[proxy_generation]\nurl_scheme = "counted-url"\n`);
      const args = ['generate', '--config', join(dir, `m3ugen-${workers}.toml`), '--input', join(dir, 'c.ndjson'), '--output', join(dir, `out-${workers}.m3u`), '--skip-invalid', '--workers', String(workers), '-q'];
      const result = await runCli(args, { env: SMALL_PARTS });
      return { result, runs: readFileSync(log, 'utf8').split('\n').length - 1 };
    };
    const [one, two] = await Promise.all([run(1), run(2)]);
    expect(one.result.code).toBe(0);
    expect(two.result.code).toBe(0);
    expect(readFileSync(join(dir, 'out-2.m3u'), 'utf8')).toBe(readFileSync(join(dir, 'out-1.m3u'), 'utf8'));
    expect(readFileSync(join(dir, 'out-1.m3u'), 'utf8')).toContain(`/at/${parts * 256 - invalid.length - 1}/`);
    expect(one.runs).toBe(1);
    // The main thread's run and each part's: none rendered again for the records skipped before it.
    expect(two.runs).toBe(1 + parts);
  });

  it('validate checks in worker threads as in one thread: the invalid records listed, the ids a strict config refuses, the warnings', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'm3ugen-parallel-'));
    const lines = awkwardLines(1_500);
    for (const at of [40, 700, 1_300]) lines.splice(at, 0, '{"assigned_number": 0, oops');
    writeFileSync(join(dir, 'c.ndjson'), lines.join('\n'));
    writeFileSync(join(dir, 'strict.toml'), '[proxy_generation]\nstrict = true\n');
    const check = (workers: number, ...extra: string[]): Promise<CliResult> =>
      runCli(['validate', '--input', 'c.ndjson', '--proxy-id', PROXY, '--workers', String(workers), ...extra], { cwd: dir, env: SMALL_PARTS });
    for (const extra of [[], ['--config', 'strict.toml']]) {
      const [one, two] = await Promise.all([check(1, ...extra), check(2, ...extra)]);
      expect(two).toEqual(one);
      expect(one.code).toBe(1);
    }
    const strict = await check(2, '--config', 'strict.toml');
    expect(strict.stderr).toContain('m3ugen: error: c.ndjson: line 833: field "channel.id": expected a UUID (strict mode), got "not-a-uuid-830"');
    expect(strict.stderr).toContain('m3ugen: error: c.ndjson: 22 invalid records, 1,481 valid (config strict.toml)');
  });

  it('validate lists every repeated id and number in worker threads as one thread does: inside a part and across parts, both on one record, an id strict mode refuses counted once', async () => {
    const lines = awkwardLines(1_500);
    const { field, edit } = recordEditor(lines);
    const idAt = (line: number): string => field(line).channel.id;
    edit(101, { id: idAt(91) }); // inside the first part of 256 records
    edit(301, { number: 299 }); // inside the second
    edit(601, { id: idAt(5), number: 6 }); // both, across parts
    edit(831, { number: 1 }); // an id that is not a UUID, too (830 is a multiple of 83)
    edit(1_001, { id: idAt(21) }); // across parts
    lines[40] = '{"assigned_number": 0, oops';
    lines[700] = '{"assigned_number": 0, oops';
    const { plain: one, strict: strictOne } = await validateBothWays(lines);
    expect(one.code).toBe(1);
    expect(one.stderr.trimEnd().split('\n')).toEqual([
      'm3ugen: error: c.ndjson: line 41: invalid JSON at column 24: a key without quotes: JSON keys take double quotes',
      `m3ugen: error: c.ndjson: line 101: field "channel.id": duplicate channel id "${idAt(91)}": line 91 has the same id`,
      'm3ugen: error: c.ndjson: line 301: field "assigned_number": duplicate channel number 299: line 299 has the same number',
      `m3ugen: error: c.ndjson: line 601: field "channel.id": duplicate channel id "${idAt(5)}": line 5 has the same id`,
      'm3ugen: error: c.ndjson: line 601: field "assigned_number": duplicate channel number 6: line 6 has the same number',
      'm3ugen: error: c.ndjson: line 701: invalid JSON at column 24: a key without quotes: JSON keys take double quotes',
      'm3ugen: error: c.ndjson: line 831: field "assigned_number": duplicate channel number 1: line 1 has the same number',
      `m3ugen: error: c.ndjson: line 1001: field "channel.id": duplicate channel id "${idAt(21)}": line 21 has the same id`,
      'm3ugen: error: c.ndjson: 7 invalid records, 1,493 valid (no config file)',
    ]);
    // 19 ids are not UUIDs (every 83rd line from the first), one of them on line 831, which is counted once.
    expect(strictOne.stderr).toContain('m3ugen: error: c.ndjson: line 831: field "channel.id": expected a UUID (strict mode), got "not-a-uuid-830"\nm3ugen: error: c.ndjson: line 831: field "assigned_number": duplicate channel number 1');
    expect(strictOne.stderr.trimEnd().split('\n').at(-1)).toBe('m3ugen: error: c.ndjson: 25 invalid records, 1,475 valid (config strict.toml)');
  });

  it('validate counts repeats past the listed ones in worker threads as one thread does, without naming each: both on one record, an id strict mode refuses, records skipped between them', async () => {
    const lines = awkwardLines(3_000);
    const { field, edit } = recordEditor(lines);
    // 100 repeated ids (the first 40 are listed whole, the rest only counted), two of them ids that are not UUIDs (lines 1 and 84's).
    for (let line = 1_001; line <= 1_100; line++) edit(line, { id: field(line - 1_000).channel.id });
    // 50 records with both their id and their number repeated: one invalid record each.
    for (let line = 1_101; line <= 1_150; line++) edit(line, { id: field(line - 900).channel.id, number: field(line - 1_100).assigned_number });
    // Numbers repeated on records whose ids are not UUIDs: in strict mode, one invalid record each.
    edit(1_163, { number: field(5).assigned_number });
    edit(1_246, { number: field(7).assigned_number });
    lines[1_499] = '{"assigned_number": 0, oops';
    lines[2_499] = '{"assigned_number": 0, oops';
    const { plain: one, strict: strictOne } = await validateBothWays(lines);
    // 100 + 50 + 2 repeats and 2 lines that are not JSON.
    expect(one.stderr.trimEnd().split('\n').slice(-2)).toEqual(['m3ugen: error: … and 134 more invalid records', 'm3ugen: error: c.ndjson: 154 invalid records, 2,846 valid (no config file)']);
    // 37 ids that are not UUIDs, less line 1,080's (its id now line 80's), plus the copies on lines 1,001 and 1,084; four of those records repeat too.
    expect(strictOne.stderr.trimEnd().split('\n').at(-1)).toBe('m3ugen: error: c.ndjson: 188 invalid records, 2,812 valid (config strict.toml)');
  });

  it('stops where a cut gzip file cannot be read on, as one thread does: generate publishes nothing, validate counts the records it checked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'm3ugen-parallel-'));
    const lines = awkwardLines(1_500);
    lines.splice(300, 0, '{"assigned_number": 0, oops');
    const whole = gzipSync(lines.join('\n'));
    writeFileSync(join(dir, 'c.ndjson.gz'), whole.subarray(0, Math.floor(whole.length * 0.8)));
    writeFileSync(join(dir, 'out.m3u'), 'previous playlist\n');
    const run = (command: string, workers: number): Promise<CliResult> =>
      runCli([command, '--input', 'c.ndjson.gz', '--proxy-id', PROXY, '--workers', String(workers), ...(command === 'generate' ? ['--output', 'out.m3u', '--skip-invalid'] : [])], { cwd: dir, env: SMALL_PARTS });
    const [generateOne, generateTwo, validateOne, validateTwo] = await Promise.all([run('generate', 1), run('generate', 2), run('validate', 1), run('validate', 2)]);
    expect(generateTwo).toEqual(generateOne);
    expect(generateTwo.code).toBe(1);
    expect(generateTwo.stderr).toContain('m3ugen: error: c.ndjson.gz: the input is not valid gzip data: it ends before its compressed data does (a cut file?)');
    expect(readFileSync(join(dir, 'out.m3u'), 'utf8')).toBe('previous playlist\n');
    expect(validateTwo).toEqual(validateOne);
    // Every whole line before the cut was checked, in both.
    expect(validateTwo.stderr).toMatch(/c\.ndjson\.gz: the check stopped after 1,\d{3} records, 1 of them invalid: the input could not be read on/);
  });

  it('cuts NDJSON from stdin into parts when workers are asked for, plain or gzip, with what one thread gives, failures included', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'm3ugen-parallel-'));
    const viaStdin = (input: Buffer, workers: number): CliResult & { playlist: string | undefined; parallel: boolean } => {
      const output = join(dir, `stdin-${workers}.m3u`);
      rmSync(output, { force: true });
      const args = [BIN, 'generate', '--input', '-', '--output', output, '--proxy-id', PROXY, '--workers', String(workers), '--config', writeIndexConfig()];
      const child = spawnSync(process.execPath, args, { input, encoding: 'utf8', env: { ...process.env, ...SMALL_PARTS } });
      const stderr = withoutRunTime(child.stderr.replaceAll(output, 'OUTPUT'));
      const parallel = child.stderr.includes('(parallel, 2 worker threads) → ');
      return { code: child.status, signal: child.signal, stdout: child.stdout, stderr, playlist: existsSync(output) ? readFileSync(output, 'utf8') : undefined, parallel };
    };
    const lines = awkwardLines(2_000);
    lines[0] = `\uFEFF${lines[0]!}`;
    for (const at of [1_200, 700, 250]) lines.splice(at, 0, '', '  \t');
    const duplicate = [...lines];
    duplicate[900] = record(901, { id: makeChannels(10, 7)[9]!.channel.id });
    const badJson = [...lines];
    badJson[1_500] = '{"assigned_number": 1501, "channel": {';
    const whole = gzipSync(lines.join('\n'));
    const inputs: [string, Buffer][] = [
      ['plain', Buffer.from(lines.join('\n'))],
      ['gzip', whole],
      ['a duplicate id across parts', Buffer.from(duplicate.join('\n'))],
      ['invalid JSON in a later part', gzipSync(badJson.join('\n'))],
      ['a cut gzip stream', whole.subarray(0, Math.floor(whole.length * 0.7))],
    ];
    for (const [what, input] of inputs) {
      const one = viaStdin(input, 1);
      const two = viaStdin(input, 2);
      expect({ ...two, parallel: false }, what).toEqual(one);
      expect(two.code === 0, what).toBe(what === 'plain' || what === 'gzip');
      if (two.code === 0) {
        expect(two.parallel).toBe(true);
        expect(two.playlist).toContain(' x-index="1999",');
      }
    }
  });

  it('is not used for small inputs with --workers auto, nor for stdout', async () => {
    const auto = await generate(awkwardLines(300).join('\n'), 1, ['--workers', 'auto']);
    expect(auto.metrics?.['strategy']).not.toBe('parallel');
    const dir = mkdtempSync(join(tmpdir(), 'm3ugen-parallel-'));
    writeFileSync(join(dir, 'c.ndjson'), awkwardLines(600).join('\n'));
    const toStdout = await runCli(['generate', '--input', join(dir, 'c.ndjson'), '--proxy-id', PROXY, '--workers', '2'], { env: SMALL_PARTS });
    const sequential = await runCli(['generate', '--input', join(dir, 'c.ndjson'), '--proxy-id', PROXY, '--workers', '1', '-q']);
    expect(toStdout.stdout).toBe(sequential.stdout);
    // Asked for by count, so the command says why it could not use them.
    expect(toStdout.stderr).toContain('m3ugen: warning: workers = 2: no worker threads: the output is not a file');
  });

  it.skipIf(!existsSync('/proc/self/fd'))('runs through main() in a process started with node --input-type=module and a V8 flag, and leaves the input closed after each run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'm3ugen-parallel-'));
    writeFileSync(join(dir, 'c.ndjson'), awkwardLines(1_200).join('\n'));
    // An integrator's script calling the exported main() for each run. Worker threads inherit the script's Node options: --input-type
    // stops a worker loading its file, and a V8 flag passed on to workers by name is refused. This thread, which reads nothing, must
    // still close the input it opened.
    const script = `
      import { readdirSync, readlinkSync } from 'node:fs';
      import { PassThrough } from 'node:stream';
      import { main } from ${JSON.stringify(pathToFileURL(join(ROOT, 'packages/cli/dist/index.js')).href)};
      const io = { stdin: new PassThrough(), stdout: new PassThrough().resume(), stderr: new PassThrough().resume() };
      const codes = [];
      codes.push(await main(['generate', '--input', 'c.ndjson', '--output', 'p.m3u', '--proxy-id', '${PROXY}', '--workers', '2', '-q'], io));
      codes.push(await main(['validate', '--input', 'c.ndjson', '--proxy-id', '${PROXY}', '--workers', '2', '-q'], io));
      const open = readdirSync('/proc/self/fd').flatMap((fd) => { try { return [readlinkSync('/proc/self/fd/' + fd)]; } catch { return []; } });
      console.log(JSON.stringify({ codes, open: open.filter((path) => path.endsWith('.ndjson')) }));
    `;
    const child = spawnSync(process.execPath, ['--input-type=module', '--max-semi-space-size=4', '-e', script], { cwd: dir, env: { ...process.env, ...SMALL_PARTS }, encoding: 'utf8' });
    expect(child.stderr).toBe('');
    expect(JSON.parse(child.stdout)).toEqual({ codes: [0, 0], open: [] });
    expect(readFileSync(join(dir, 'p.m3u'), 'utf8').split('\n')).toHaveLength(1 + 2 * 1_200 + 1);
  });

  it('rejects a --workers value that is not a count', async () => {
    const result = await runCli(['generate', '--input', '-', '--workers', '0']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--workers expects "auto" or a whole number >= 1, got "0"');
  });
});
