import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PassThrough, Writable } from 'node:stream';
import { createGenerator } from '@m3ugen/preset-default';
import { describe, expect, it } from 'vitest';
import { makeChannels } from './support/channels.js';

const PROXY = '01ARZ3NDEKTSV4RRFFQ69G5FAV';
const diskFull = (): Error => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' });

/** A consumer whose writes all fail: at once (as a synchronous file write does) or a moment later (as a socket's does). */
function failingWritable(when: 'at once' | 'later'): Writable {
  return new Writable({
    write(_chunk, _encoding, callback) {
      if (when === 'at once') callback(diskFull());
      else setImmediate(() => callback(diskFull()));
    },
  });
}

describe('a consumer that fails to take the playlist', () => {
  // The command writes stdout with end: false; a full disk behind it must still fail the run, not exit 0.
  for (const strategy of ['in-memory', 'streaming'] as const) {
    for (const when of ['at once', 'later'] as const) {
      for (const end of [true, false]) {
        it(`fails the ${strategy} run when every write fails ${when} (end: ${end})`, async () => {
          const generator = createGenerator({ proxyId: PROXY });
          await expect(generator.generate(makeChannels(300), { strategy, output: failingWritable(when), end })).rejects.toThrow('ENOSPC');
        });
      }
    }
  }

  it('fails the run when a write is accepted but fails afterwards, as a socket does', async () => {
    // A few channels fit under highWaterMark: write() returns true and the error arrives only with its callback.
    const generator = createGenerator({ proxyId: PROXY });
    for (const strategy of ['in-memory', 'streaming'] as const) {
      await expect(generator.generate(makeChannels(3), { strategy, output: failingWritable('later'), end: false })).rejects.toThrow('ENOSPC');
    }
  });

  it('resolves once a slow consumer has taken every chunk, when the caller keeps it open', async () => {
    let taken = 0;
    const output = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        setTimeout(() => {
          taken += chunk.length;
          callback();
        }, 1);
      },
    });
    const { metrics } = await createGenerator({ proxyId: PROXY }).generate(makeChannels(300), { strategy: 'streaming', output, end: false });
    expect(taken).toBe(metrics.bytes);
    expect(output.writableEnded).toBe(false);
  });
});

describe('a consumer that is gone', () => {
  for (const strategy of ['in-memory', 'streaming'] as const) {
    it(`rejects a run (${strategy}) into a writable an earlier run ended, instead of waiting forever`, async () => {
      const generator = createGenerator({ proxyId: PROXY });
      const output = new PassThrough().resume();
      await generator.generate(makeChannels(3), { strategy, output });
      await expect(generator.generate(makeChannels(3), { strategy, output })).rejects.toThrow('the output stream was already ended');
    });

    it(`rejects a run (${strategy}) whose writable is destroyed without an error while it waits for it to drain`, async () => {
      // A slow consumer destroyed mid-run, as an HTTP response is when its client goes away: it never drains, never errors.
      const output = new Writable({ highWaterMark: 1024, write: (_chunk, _encoding, callback) => void setTimeout(callback, 5) });
      setTimeout(() => output.destroy(), 30);
      await expect(createGenerator({ proxyId: PROXY }).generate(makeChannels(5000), { strategy, output })).rejects.toThrow('destroyed');
    });
  }
});

describe('a consumer kept for many runs', () => {
  it('collects no listener per run (a long-lived socket, or stdout, got a MaxListenersExceededWarning at the 11th)', async () => {
    const generator = createGenerator({ proxyId: PROXY });
    const output = new PassThrough().resume();
    const before = output.listenerCount('error');
    for (let run = 0; run < 12; run++) await generator.generate(makeChannels(3), { output, end: false });
    expect(output.listenerCount('error')).toBe(before);
    expect(output.listenerCount('drain') + output.listenerCount('close')).toBe(0);
  });
});

describe('process.stdout as the output', () => {
  // In a process of its own: ending the test worker's stdout would cut vitest off.
  const preset = fileURLToPath(new URL('../packages/preset-default/dist/index.js', import.meta.url));
  const script = `
import { createGenerator } from ${JSON.stringify(preset)};
const channels = [{ assignedNumber: 1, channel: { id: '550e8400-e29b-41d4-a716-000000000001', channelName: 'A' } }];
const generator = createGenerator({ proxyId: '${PROXY}' });
await generator.generate(channels, { output: process.stdout });
await generator.generate(channels, { output: process.stdout, strategy: 'streaming' });
console.log('printed after both runs');
`;
  const run = (stdout: 'pipe' | number) => spawnSync(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', stdout, 'pipe'], encoding: 'utf8', timeout: 20_000 });
  const expectBothRuns = (text: string) => {
    expect(text.match(/^#EXTM3U$/gm)).toHaveLength(2);
    expect(text.endsWith('printed after both runs\n')).toBe(true);
  };

  it('is not ended by a run, so the program can print and run again (a pipe)', () => {
    const child = run('pipe');
    expect(child).toMatchObject({ status: 0, stderr: '' });
    expectBothRuns(child.stdout);
  });

  it('is not ended by a run when it is a file either', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'm3ugen-stdout-')), 'out.m3u');
    const fd = openSync(path, 'w');
    try {
      expect(run(fd)).toMatchObject({ status: 0, stderr: '' });
    } finally {
      closeSync(fd);
    }
    expectBothRuns(readFileSync(path, 'utf8'));
  });
});
