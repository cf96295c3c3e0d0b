import { PassThrough, Writable } from 'node:stream';
import { EntryCache, OptionError, type M3uPlugin, type NumberedChannel } from '@m3ugen/core';
import { createGenerator } from '@m3ugen/preset-default';
import { describe, expect, it } from 'vitest';
import { makeChannels } from './support/channels.js';

const PROXY = '01ARZ3NDEKTSV4RRFFQ69G5FAV';
const channels = makeChannels(5000);

/** Aborts `controller` once `after` channels have been rendered. */
const abortAfter = (controller: AbortController, after: number): M3uPlugin => ({
  name: 'abort-after',
  apply(generator) {
    generator.hooks.entryAttributes.tap('abort-after', (list, _nc, index) => {
      if (index === after) controller.abort(new Error(`stopped at ${after}`));
      return list;
    });
  },
});

/** An input that counts what was read and says whether it was closed. */
function counted(records: readonly NumberedChannel[], stallAfter = Number.POSITIVE_INFINITY) {
  const state = { read: 0, closed: false };
  async function* input(): AsyncGenerator<NumberedChannel> {
    try {
      for (const nc of records) {
        if (state.read === stallAfter) await new Promise(() => {}); // an upstream that stops answering
        state.read++;
        yield nc;
      }
    } finally {
      state.closed = true;
    }
  }
  return { input: input(), state };
}

describe('a run given an AbortSignal', () => {
  it.each(['in-memory', 'streaming'] as const)('stops the %s strategy before the next batch, rejecting with the reason, writing no more and closing the input', async (strategy) => {
    const controller = new AbortController();
    const generator = createGenerator({ proxyId: PROXY, plugins: [abortAfter(controller, 1000)] });
    const { input, state } = counted(channels);
    const output = new PassThrough();
    let written = '';
    output.setEncoding('utf8').on('data', (chunk: string) => (written += chunk));
    const run = generator.generate(input, { strategy, output, signal: controller.signal });
    await expect(run).rejects.toThrow('stopped at 1000');
    await expect(run).rejects.toBe(controller.signal.reason);
    expect(state.closed).toBe(true);
    expect(state.read).toBeLessThan(channels.length);
    // What was written stops at an entry's end, and the output is left open for the caller to discard.
    expect(output.writableEnded).toBe(false);
    expect(written.split('\n').length).toBeLessThan(2 * 1000 + 3);
  });

  it('refuses to start once aborted, closing the input, and a timeout ends a run whose input stopped answering', async () => {
    const generator = createGenerator({ proxyId: PROXY });
    const { input, state } = counted(channels);
    await expect(generator.generate(input, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    // Closed before it started: nothing read, and nothing left to read.
    expect(state.read).toBe(0);
    expect(await input.next()).toEqual({ done: true, value: undefined });
    const stalled = counted(channels, 300);
    await expect(generator.generate(stalled.input, { signal: AbortSignal.timeout(50) })).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  it('ends the wait for an output that stopped taking writes', async () => {
    const generator = createGenerator({ proxyId: PROXY });
    const stuck = new Writable({ highWaterMark: 1024, write: () => {} }); // never calls back: never drains
    const controller = new AbortController();
    const run = generator.generate(channels, { strategy: 'streaming', output: stuck, signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('stops stream() too, and starts a cache over', async () => {
    const controller = new AbortController();
    const cache = new EntryCache();
    const generator = createGenerator({ proxyId: PROXY, plugins: [abortAfter(controller, 2000)] });
    const chunks: string[] = [];
    const reading = (async () => {
      for await (const chunk of generator.stream(channels, { strategy: 'streaming', cache, signal: controller.signal })) chunks.push(chunk);
    })();
    await expect(reading).rejects.toThrow('stopped at 2000');
    expect(cache.stats.size).toBe(0);
    // The same input runs to its end without a signal, or with one never aborted.
    const whole = await generator.generate(channels, { strategy: 'streaming', signal: new AbortController().signal });
    expect(whole.metrics.channels).toBe(channels.length);
  });

  it('refuses a signal that is not an AbortSignal, naming the option', async () => {
    const generator = createGenerator({ proxyId: PROXY });
    await expect(generator.generate(channels, { signal: { aborted: false } as unknown as AbortSignal })).rejects.toThrow(OptionError);
    await expect(generator.generate(channels, { signal: 'soon' as unknown as AbortSignal })).rejects.toThrow(
      'option "signal": expected an AbortSignal, such as AbortSignal.timeout(60_000) or an AbortController\'s signal; got "soon"',
    );
  });
});
