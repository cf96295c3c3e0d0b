// Random NDJSON files, rendered with --workers 1 and --workers 2 on random
// part sizes: the exit code, the messages, the playlist and the metrics must
// be the same. Each file mixes what a line splitter or a per-part check gets
// wrong (blank lines, CRLF, a BOM, non-ASCII and control characters, warnings)
// with at most one error, anywhere: a bad record, invalid JSON, or an id or
// number an earlier record had, possibly in an earlier part. Some files are
// gzip-compressed, which the main thread cuts into parts as it inflates them.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runCli, withoutRunTime } from './support/cli.js';
import { writeIndexAttributePlugin, writeWarningLogPlugin } from './support/plugins.js';

const PROXY = '01ARZ3NDEKTSV4RRFFQ69G5FAV';

/** A URL scheme whose builder reads the index and does not say what it reads: a part after skipped records must be rendered again. */
const INDEX_URL_PLUGIN = `export default () => ({
  name: 'index-url',
  workerSafe: true,
  apply(generator) {
    generator.urlSchemes.register({ name: 'index-url', description: 'the channel index in the path', create: () => (nc, index) => 'http://tv.example/at/' + index + '/' + nc.channel.id });
  },
});
`;

const uuid = (n: number): string => `550e8400-e29b-41d4-a716-${n.toString(16).padStart(12, '0')}`;

const lineKind = fc.constantFrom('plain', 'plain', 'plain', 'plain', 'non-ascii', 'control', 'not-uuid', 'sparse', 'blank-name');
const errorKind = fc.constantFrom('none', 'bad-field', 'bad-json', 'duplicate-id', 'duplicate-number');

const fileArbitrary = fc.record({
  count: fc.integer({ min: 257, max: 1_400 }),
  kinds: fc.array(lineKind, { minLength: 1_400, maxLength: 1_400 }),
  blankAfter: fc.uniqueArray(fc.integer({ min: 0, max: 1_399 }), { maxLength: 6 }),
  crlf: fc.boolean(),
  bom: fc.boolean(),
  finalNewline: fc.boolean(),
  error: errorKind,
  errorAt: fc.nat(),
  earlierAt: fc.nat(),
  partBatches: fc.integer({ min: 1, max: 3 }),
  gzip: fc.boolean(),
});

type File = typeof fileArbitrary extends fc.Arbitrary<infer T> ? T : never;

function recordLine(i: number, kind: string): string {
  const n = i + 1;
  const channel: Record<string, unknown> = { id: uuid(n), channel_name: `Channel ${n}`, tvg_id: `ch-${n}`, tvg_logo: `http://logos.example/${n}.png`, group_title: `Group ${n % 7}` };
  if (kind === 'non-ascii') channel['channel_name'] = `Télé ✓ 📺 ${n}`;
  if (kind === 'control') channel['channel_name'] = `Bad\r\n#EXTINF:-1,injected ${n}\u0000`;
  if (kind === 'not-uuid') channel['id'] = `id-${n}`;
  if (kind === 'sparse') delete channel['tvg_logo'];
  if (kind === 'blank-name') channel['channel_name'] = ' ';
  return JSON.stringify({ assigned_number: n, channel });
}

function render(file: File): string {
  const lines = Array.from({ length: file.count }, (_, i) => recordLine(i, file.kinds[i]!));
  // The error's record (never the first, so there is an earlier one), and an earlier record it repeats.
  const at = 1 + (file.errorAt % (file.count - 1));
  const earlier = file.earlierAt % at;
  if (file.error === 'bad-field') lines[at] = JSON.stringify({ assigned_number: at + 1, channel: { id: uuid(at + 1), channel_name: 42 } });
  if (file.error === 'bad-json') lines[at] = `{"assigned_number": ${at + 1}, "channel": {`;
  if (file.error === 'duplicate-id') lines[at] = lines[at]!.replace(/"id":"[^"]*"/, `"id":${JSON.stringify(JSON.parse(lines[earlier]!).channel.id)}`);
  if (file.error === 'duplicate-number') lines[at] = lines[at]!.replace(/^\{"assigned_number":\d+/, `{"assigned_number":${earlier + 1}`);
  for (const after of [...file.blankAfter].sort((a, b) => b - a)) if (after < lines.length) lines.splice(after + 1, 0, after % 2 === 0 ? '' : '  \t');
  let text = lines.join(file.crlf ? '\r\n' : '\n') + (file.finalNewline ? '\n' : '');
  if (file.bom) text = `\uFEFF${text}`;
  return text;
}

/** Writes the input file, gzip-compressed if `gzip`; returns its path. */
function writeInput(dir: string, text: string, gzip: boolean): string {
  const input = join(dir, gzip ? 'channels.ndjson.gz' : 'channels.ndjson');
  writeFileSync(input, gzip ? gzipSync(text) : text);
  return input;
}

/** What `m3ugen generate` with `workers` threads did, timings and names of the run taken out, for comparing runs with and without workers. */
async function runWith(dir: string, input: string, workers: number, config: (log: string) => string, partRecords: number, extra: readonly string[] = []) {
  const output = join(dir, `out-${workers}.m3u`);
  const metrics = join(dir, `m-${workers}.json`);
  const log = join(dir, `warnings-${workers}.txt`);
  writeFileSync(log, '');
  writeFileSync(join(dir, `m3ugen-${workers}.toml`), config(log));
  const result = await runCli(['generate', '--config', join(dir, `m3ugen-${workers}.toml`), '--input', input, '--output', output, '--proxy-id', PROXY, '--metrics', metrics, '--workers', String(workers), ...extra], {
    env: { M3UGEN_PART_RECORDS: String(partRecords) },
  });
  const files = readdirSync(dir);
  const report = files.includes(`m-${workers}.json`) ? (JSON.parse(readFileSync(metrics, 'utf8')) as Record<string, unknown>) : undefined;
  const strategy = report?.['strategy'];
  if (report !== undefined) for (const key of ['durationMs', 'channelsPerSecond', 'peakRssBytes', 'peakHeapUsedBytes', 'runId', 'output', 'strategy', 'initialStrategy', 'strategySwitches']) delete report[key];
  return {
    code: result.code,
    stderr: withoutRunTime(result.stderr.replaceAll(output, 'OUTPUT')),
    playlist: files.includes(`out-${workers}.m3u`) ? readFileSync(output, 'utf8') : undefined,
    report,
    warnings: readFileSync(log, 'utf8'),
    strategy,
  };
}

describe('m3ugen generate --workers, on random files', () => {
  it('gives what one thread gives: exit code, messages, playlist and metrics', async () => {
    const errorsSeen = new Set<string>();
    const gzipErrorsSeen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fileArbitrary, async (file) => {
        const dir = mkdtempSync(join(tmpdir(), 'm3ugen-parallel-random-'));
        const input = writeInput(dir, render(file), file.gzip);
        writeIndexAttributePlugin(dir);
        writeWarningLogPlugin(dir);
        const run = (workers: number) => runWith(dir, input, workers, (log) => `plugins = ["./index-attribute.mjs", ["./warning-log.mjs", { log = ${JSON.stringify(log)} }]]\n`, 256 * file.partBatches);
        const [one, two] = await Promise.all([run(1), run(2)]);
        expect({ ...two, strategy: undefined }).toEqual({ ...one, strategy: undefined });
        if (two.code === 0) expect(two.strategy).toBe('parallel');
        // Exactly the files with an error fail (each error kind here is an error wherever it falls).
        expect(one.code === 0).toBe(file.error === 'none');
        errorsSeen.add(file.error);
        if (file.gzip) gzipErrorsSeen.add(file.error);
        if (one.code === 0) {
          expect(one.playlist!.split('\n')).toHaveLength(1 + 2 * file.count + 1);
          expect(one.playlist).toContain(` x-index="${file.count - 1}"`);
          expect(one.warnings).not.toBe('');
        }
      }),
      // endOnFailure: shrinking would start two processes per step; the counterexample is printed as found.
      { numRuns: 16, seed: 20261129, endOnFailure: true },
    );
    // The fixed seed covers every kind of error, and files without one.
    expect([...errorsSeen].sort()).toEqual(['bad-field', 'bad-json', 'duplicate-id', 'duplicate-number', 'none']);
    expect(gzipErrorsSeen.has('none') && gzipErrorsSeen.size >= 3).toBe(true);
  }, 120_000);

  it('skipping invalid records (--skip-invalid), gives what one thread gives, with a URL or a tap that reads the index too', async () => {
    const seen = new Set<string>();
    const skippedFile = fc.record({
      count: fc.integer({ min: 257, max: 1_400 }),
      kinds: fc.array(lineKind, { minLength: 1_400, maxLength: 1_400 }),
      invalid: fc.uniqueArray(fc.integer({ min: 0, max: 1_399 }), { maxLength: 40 }),
      invalidKind: fc.array(fc.constantFrom('bad-field', 'no-id', 'number-text', 'not-object'), { minLength: 40, maxLength: 40 }),
      error: fc.constantFrom('none', 'none', 'duplicate-id', 'duplicate-number'),
      errorAt: fc.nat(),
      earlierAt: fc.nat(),
      urlReadsIndex: fc.boolean(),
      partBatches: fc.integer({ min: 1, max: 3 }),
      tapReadsIndex: fc.boolean(),
      gzip: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(skippedFile, async (file) => {
        const dir = mkdtempSync(join(tmpdir(), 'm3ugen-parallel-skip-'));
        const lines = Array.from({ length: file.count }, (_, i) => recordLine(i, file.kinds[i]!));
        const at = 1 + (file.errorAt % (file.count - 1));
        const earlier = file.earlierAt % at;
        if (file.error === 'duplicate-id') lines[at] = lines[at]!.replace(/"id":"[^"]*"/, `"id":${JSON.stringify(JSON.parse(lines[earlier]!).channel.id)}`);
        if (file.error === 'duplicate-number') lines[at] = lines[at]!.replace(/^\{"assigned_number":\d+/, `{"assigned_number":${earlier + 1}`);
        // Invalid records in place of some (never the error's or the one it repeats), each skipped.
        const invalid = file.invalid.filter((i) => i < file.count && i !== at && i !== earlier);
        invalid.forEach((i, k) => {
          const kind = file.invalidKind[k]!;
          if (kind === 'bad-field') lines[i] = JSON.stringify({ assigned_number: i + 1, channel: { id: uuid(i + 1), channel_name: 42 } });
          if (kind === 'no-id') lines[i] = JSON.stringify({ assigned_number: i + 1, channel: { channel_name: 'No id' } });
          if (kind === 'number-text') lines[i] = JSON.stringify({ assigned_number: 'seven', channel: { id: uuid(i + 1), channel_name: 'Seven' } });
          if (kind === 'not-object') lines[i] = '[1, 2]';
        });
        const input = writeInput(dir, `${lines.join('\n')}\n`, file.gzip);
        writeFileSync(join(dir, 'index-url.mjs'), INDEX_URL_PLUGIN);
        writeIndexAttributePlugin(dir);
        writeWarningLogPlugin(dir);
        const tap = file.tapReadsIndex ? '"./index-attribute.mjs", ' : '';
        const config = (log: string): string =>
          `plugins = [${tap}"./index-url.mjs", ["./warning-log.mjs", { log = ${JSON.stringify(log)} }]]\n` + (file.urlReadsIndex ? '[proxy_generation]\nurl_scheme = "index-url"\n' : '');
        const [one, two] = await Promise.all([1, 2].map((workers) => runWith(dir, input, workers, config, 256 * file.partBatches, ['--skip-invalid'])));
        // A skipped record's warning is raised as its batch is read, which falls elsewhere in a part: the same warnings, maybe a few places
        // apart; and of the records skipped near one that stops the run, those read before it was reached are said.
        const compared = (run: typeof one) => ({
          ...run,
          strategy: undefined,
          warnings: run!.warnings.split('\n').sort(),
          stderr: run!.code === 0 ? run!.stderr : run!.stderr.trimEnd().split('\n').at(-1),
        });
        expect(compared(two)).toEqual(compared(one));
        if (two!.code === 0) expect(two!.strategy).toBe('parallel');
        expect(one!.code === 0).toBe(file.error === 'none');
        if (one!.code === 0) {
          expect(one!.report!['skippedRecords']).toBe(invalid.length);
          expect(one!.playlist!.split('\n')).toHaveLength(1 + 2 * (file.count - invalid.length) + 1);
          if (file.urlReadsIndex) expect(one!.playlist).toContain(`http://tv.example/at/${file.count - invalid.length - 1}/`);
          if (file.tapReadsIndex) expect(one!.playlist).toContain(` x-index="${file.count - invalid.length - 1}"`);
        }
        seen.add(`${file.error}${invalid.length > 0 ? '+skips' : ''}${file.urlReadsIndex ? '+index-url' : ''}${file.tapReadsIndex ? '+index-tap' : ''}${file.gzip ? '+gzip' : ''}`);
      }),
      { numRuns: 14, seed: 20261130, endOnFailure: true },
    );
    // The fixed seed covers skips with and without an error, and with the URL that reads the index.
    expect([...seen].filter((kind) => kind.includes('+skips')).length).toBeGreaterThanOrEqual(4);
    expect([...seen].some((kind) => kind.startsWith('none+skips+index-url'))).toBe(true);
    expect([...seen].some((kind) => kind.startsWith('none+skips') && kind.includes('+index-tap'))).toBe(true);
    expect([...seen].some((kind) => kind.startsWith('none+skips') && kind.includes('+index') && kind.endsWith('+gzip'))).toBe(true);
  }, 120_000);
});
