import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { main } from '../main.js';

const record = (n: number): string =>
  JSON.stringify({ assigned_number: n, channel: { id: `550e8400-e29b-41d4-a716-${String(n).padStart(12, '0')}`, channel_name: `C${n}`, tvg_id: `c${n}`, tvg_name: `C${n}`, tvg_logo: 'http://l/c.png', group_title: 'G' } });

/** What a terminal on stderr receives. */
function terminal(): PassThrough & { isTTY: true; columns: number; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  return Object.assign(stream, { isTTY: true as const, columns: 120, text: () => text });
}

/**
 * A folder with `channels.ndjson` (`count` records) and a config whose
 * plugin holds the run 400 ms before it starts, past the bar's 300 ms delay,
 * so a small file shows the bar as a long run's would.
 */
function slowStart(count: number, extra = ''): string {
  const dir = mkdtempSync(join(tmpdir(), 'm3ugen-generate-'));
  writeFileSync(join(dir, 'channels.ndjson'), Array.from({ length: count }, (_, i) => `${record(i + 1)}\n`).join(''));
  writeFileSync(
    join(dir, 'm3ugen.config.mjs'),
    `const slow = { name: 'slow', apply(generator) { generator.hooks.beforeRun.tap('slow', () => new Promise((done) => setTimeout(done, 400))); } };
export default { input: 'channels.ndjson', plugins: [slow], web: { base_url: 'http://tv.example' }, proxy_generation: { proxy_id: '01ARZ3NDEKTSV4RRFFQ69G5FAV'${extra} } };\n`,
  );
  return dir;
}

const io = (stderr: PassThrough): { stdin: Readable; stdout: PassThrough; stderr: PassThrough } => ({ stdin: Readable.from([]), stdout: new PassThrough(), stderr });

describe('m3ugen generate on a terminal', () => {
  it('draws a bar from how far through an NDJSON file it has read, whose channel count is only known at its end', async () => {
    const dir = slowStart(3000);
    const stderr = terminal();
    const code = await main(['generate', '--config', join(dir, 'm3ugen.config.mjs'), '--output', join(dir, 'p.m3u'), '--strategy', 'streaming'], io(stderr));
    expect(code).toBe(0);
    expect(stderr.text()).toMatch(/^\rm3ugen: \[[#.]{24}\] \d{1,3}% [\d,]+ channels · [\d.]+ [KM]?B written · streaming\u001b\[K/);
    expect(readFileSync(join(dir, 'p.m3u'), 'utf8').split('\n')).toHaveLength(2 * 3000 + 2);
  });

  it('says where a run switched strategy with the count grouped as the other counts are', async () => {
    const dir = slowStart(3000, ', memory: { large_input_threshold: 1000 }');
    const stderr = terminal();
    // From stdin, whose size is not known: the run starts in memory and hands over.
    const stdin = Readable.from([readFileSync(join(dir, 'channels.ndjson'))]);
    const code = await main(['generate', '--config', join(dir, 'm3ugen.config.mjs'), '--input', '-', '--output', join(dir, 'p.m3u')], { ...io(stderr), stdin });
    expect(code).toBe(0);
    expect(stderr.text()).toMatch(/m3ugen: switched from in-memory to streaming after \d{1,3},\d{3} channels: input passed 1,000 channels\n/);
  });

  it('starts a file that holds more than large_input_threshold channels with streaming, by its size, with the same bytes', async () => {
    const dir = slowStart(3000, ', memory: { large_input_threshold: 1000 }');
    const fromStdin = join(dir, 'stdin.m3u');
    const ndjson = readFileSync(join(dir, 'channels.ndjson'));
    const stdin = Readable.from([ndjson]);
    expect(await main(['generate', '--config', join(dir, 'm3ugen.config.mjs'), '--input', '-', '--output', fromStdin, '-q'], { ...io(new PassThrough()), stdin })).toBe(0);
    // A JSON array, pretty-printed: its records are counted by their keys, not its lines.
    const array = JSON.stringify(ndjson.toString('utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as unknown), null, 2);
    writeFileSync(join(dir, 'channels.json'), array);
    writeFileSync(join(dir, 'channels.json.gz'), gzipSync(array));
    writeFileSync(join(dir, 'channels.ndjson.gz'), gzipSync(ndjson));
    for (const input of ['channels.ndjson', 'channels.ndjson.gz', 'channels.json', 'channels.json.gz']) {
      const stderr = new PassThrough();
      let text = '';
      stderr.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      const metrics = join(dir, `metrics-${input}.json`);
      const output = join(dir, `${input}.m3u`);
      const args = ['generate', '--config', join(dir, 'm3ugen.config.mjs'), '--input', join(dir, input), '--output', output, '--metrics', metrics, '--verbose'];
      expect(await main(args, io(stderr))).toBe(0);
      expect(text).toContain('[debug] strategy streaming: pressure optimal, about 3,000 channels: too large for in-memory\n');
      expect(JSON.parse(readFileSync(metrics, 'utf8'))).toMatchObject({ initialStrategy: 'streaming', strategy: 'streaming', strategySwitches: [], channels: 3000 });
      expect(readFileSync(output, 'utf8')).toBe(readFileSync(fromStdin, 'utf8'));
    }
  });
});

describe('m3ugen validate on a terminal, from a file', () => {
  it('draws the same bar, of channels checked', async () => {
    const dir = slowStart(3000);
    const stderr = terminal();
    const code = await main(['validate', '--config', join(dir, 'm3ugen.config.mjs')], io(stderr));
    expect(code).toBe(0);
    expect(stderr.text()).toMatch(/^\rm3ugen: \[[#.]{24}\] \d{1,3}% [\d,]+ channels checked\u001b\[K/);
  });
});

describe('m3ugen generate to stdout', () => {
  it('says a full disk behind stdout as --output FILE says it, not in Node\'s words, and exits 1', async () => {
    const full = new Writable({
      write(_chunk, _encoding, callback) {
        callback(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' }));
      },
    });
    const stderr = new PassThrough();
    let text = '';
    stderr.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    const stdin = Readable.from([`${record(1)}\n`]);
    const code = await main(['generate', '--input', '-', '--quiet'], { stdin, stdout: full, stderr });
    expect(code).toBe(1);
    expect(text).toBe('m3ugen: error: cannot write the playlist to stdout: no space left on the device\n');
  });
});

describe('m3ugen generate --input - at a terminal', () => {
  const typed = (isTTY: boolean): Readable => Object.assign(Readable.from([`${record(1)}\n`]), { isTTY });
  const run = async (argv: string[], stdin: Readable): Promise<{ code: number; stderr: string; stdout: string }> => {
    const stderr = new PassThrough();
    const stdout = new PassThrough();
    let errors = '';
    let out = '';
    stderr.setEncoding('utf8').on('data', (chunk: string) => (errors += chunk));
    stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    const code = await main(argv, { stdin, stdout, stderr });
    return { code, stderr: errors, stdout: out };
  };
  const hint = 'm3ugen: reading channels from the terminal: type or paste JSON records, one per line, then press Ctrl-D\n';

  it('says it waits for typed records before reading them, and not when --quiet or when stdin is a pipe', async () => {
    const argv = ['generate', '--input', '-', '--proxy-id', '01ARZ3NDEKTSV4RRFFQ69G5FAV'];
    const atTerminal = await run(argv, typed(true));
    expect(atTerminal.code).toBe(0);
    expect(atTerminal.stderr.startsWith(hint)).toBe(true);
    expect(atTerminal.stdout.split('\n')).toHaveLength(4);
    expect((await run([...argv, '--quiet'], typed(true))).stderr).toBe('');
    expect((await run(argv, typed(false))).stderr).not.toContain('terminal');
  });
});
