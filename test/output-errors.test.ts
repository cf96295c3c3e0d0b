import { Writable } from 'node:stream';
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
