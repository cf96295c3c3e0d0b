import { PassThrough, Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { main } from '../main.js';

const record = (n: number): string =>
  JSON.stringify({ assigned_number: n, channel: { id: `550e8400-e29b-41d4-a716-${String(n).padStart(12, '0')}`, channel_name: `C${n}`, tvg_id: `c${n}`, tvg_name: `C${n}`, tvg_logo: 'http://l/c.png', group_title: 'G' } });

/** NDJSON records `from`…`to`, one per line. */
const lines = (from: number, to: number): string => Array.from({ length: to - from + 1 }, (_, i) => `${record(from + i)}\n`).join('');

/** What a terminal on stderr receives. */
function terminal(): PassThrough & { isTTY: true; columns: number; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  return Object.assign(stream, { isTTY: true as const, columns: 120, text: () => text });
}

describe('m3ugen validate on a terminal', () => {
  it('shows how many channels it has checked while it runs, and clears the bar before its result', async () => {
    // The bar waits 300 ms before it draws: the input's second half comes after a longer pause.
    const stdin = Readable.from(
      (async function* () {
        yield lines(1, 600);
        await sleep(400);
        yield lines(601, 1200);
      })(),
    );
    const stdout = new PassThrough();
    let out = '';
    stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    const stderr = terminal();
    const code = await main(['validate', '--input', '-', '--proxy-id', '01ARZ3NDEKTSV4RRFFQ69G5FAV'], { stdin, stdout, stderr });
    expect(code).toBe(0);
    expect(out).toBe('ok: stdin: 1,200 channels valid, 0 warnings (no config file)\n');
    expect(stderr.text()).toMatch(/^\rm3ugen: [\d,]+ channels checked\u001b\[K/);
    expect(stderr.text()).not.toContain('written');
    expect(stderr.text().endsWith('\r\u001b[K')).toBe(true);
  });

  it('with --strict lists every id that is not a UUID, as invalid records, where a strict run stops at the first', async () => {
    const notUuid = (n: number, id: string): string => record(n).replace(/"id":"[^"]+"/, `"id":"${id}"`);
    const input = `${notUuid(1, 'news-1')}\n${record(2)}\n${notUuid(3, 'sport-3')}\n{"assigned_number": 4}\n${record(5)}\n`;
    const run = async (...flags: string[]) => {
      const stderr = terminal();
      const stdout = new PassThrough();
      let out = '';
      stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
      const code = await main(['validate', '--input', '-', '--proxy-id', '01ARZ3NDEKTSV4RRFFQ69G5FAV', ...flags], { stdin: Readable.from([input]), stdout, stderr });
      return { code, out, err: stderr.text() };
    };
    const strict = await run('--strict');
    expect(strict.code).toBe(1);
    expect(strict.err).toBe(
      [
        'm3ugen: error: stdin: line 1: field "channel.id": expected a UUID (strict mode), got "news-1"',
        'm3ugen: error: stdin: line 3: field "channel.id": expected a UUID (strict mode), got "sport-3"',
        'm3ugen: error: stdin: line 4: field "channel": required field is missing',
        'm3ugen: error: stdin: 3 invalid records, 2 valid (no config file)',
        '',
      ].join('\n'),
    );
    // Without --strict they are warnings, counted.
    const lenient = await run();
    expect(lenient.err).toContain('m3ugen: warning: 2 channel ids are not UUIDs (use --strict to reject them), the first at line 1\n');
    expect(lenient.err).toContain('m3ugen: error: stdin: 1 invalid record, 4 valid (no config file)\n');
  });

  it('names standard input "stdin" in its summary, as in the errors of its records', async () => {
    const stderr = terminal();
    const stdout = new PassThrough();
    const code = await main(['validate', '--input', '-', '--quiet'], { stdin: Readable.from([`not json\n${record(1)}\n`]), stdout, stderr });
    expect(code).toBe(1);
    expect(stderr.text()).toBe('m3ugen: error: stdin: line 1: invalid JSON at column 2: unexpected "o"\nm3ugen: error: stdin: 1 invalid record, 1 valid (no config file)\n');
  });

  it('names a JSON array record in --verbose warnings as its errors do, past the records skipped before it', async () => {
    const stderr = terminal();
    const missingLogo = JSON.stringify({ assigned_number: 3, channel: { id: '550e8400-e29b-41d4-a716-000000000003', channel_name: 'C3', tvg_id: 'c3', tvg_name: 'C3', group_title: 'G' } });
    const stdin = Readable.from([`[${record(1)}, {"assigned_number": -2}, ${missingLogo}]`]);
    const code = await main(['validate', '--input', '-', '--verbose', '--proxy-id', '01ARZ3NDEKTSV4RRFFQ69G5FAV'], { stdin, stdout: new PassThrough(), stderr });
    expect(code).toBe(1);
    expect(stderr.text()).toContain('[debug] warning: stdin: record 2: tvg_logo is missing; written as ""\n');
    expect(stderr.text()).toContain('m3ugen: error: stdin: record 1: field "assigned_number"');
  });
});
