import type { M3uStrategy, StrategyContract } from '@m3ugen/core';
import { describe, expect, it } from 'vitest';
import { checkChannels } from './check-channels.js';
import { assertStrategy, checkStrategy, type StrategyCheckName } from './check-strategy.js';
import { CheckError, type CheckReport } from './report.js';

const bounded: StrategyContract = {
  estimateMemoryBytes: () => 64 * 1024,
  supportedPressure: ['optimal', 'moderate', 'high', 'critical'],
  canTakeOverMidStage: true,
  boundedMemory: true,
  preference: 0,
  automatic: false,
};

/** A strategy that writes each batch as it is rendered, with `write` in place of awaiting `run.output.write`. */
function batchWriter(name: string, write: (run: Parameters<M3uStrategy['generate']>[0], text: string, bytes: number) => Promise<void> | void, contract = bounded): M3uStrategy {
  return {
    name,
    description: 'writes each batch as it is rendered',
    contract,
    async generate(run) {
      if (run.handover === undefined) await write(run, run.renderHeader(), Number.NaN);
      else for (const chunk of run.handover.chunks) await write(run, chunk, Number.NaN);
      for (let batch = await run.source.nextBatch(); batch !== undefined; batch = await run.source.nextBatch()) {
        const { text, bytes } = run.renderBatch(batch);
        await write(run, text, bytes);
      }
    },
  };
}

const awaited = batchWriter('awaited', async (run, text, bytes) => {
  await run.output.write(text, Number.isNaN(bytes) ? undefined : bytes);
});

function failed(report: CheckReport<StrategyCheckName>): StrategyCheckName[] {
  return report.checks.filter((check) => check.problems.length > 0).map((check) => check.name);
}

describe('checkStrategy', () => {
  it('passes the built-in strategies, skipping what their contracts do not claim', async () => {
    const inMemory = await checkStrategy('in-memory');
    expect(inMemory.summary).toContain('every check passed');
    expect(inMemory.passed).toBe(true);
    expect(inMemory.checks.filter((check) => check.skipped !== undefined).map((check) => check.name)).toEqual(['takes-over', 'writes-while-reading']);
    const streaming = await checkStrategy('streaming');
    expect(streaming.passed, streaming.summary).toBe(true);
    expect(streaming.checks.every((check) => check.skipped === undefined)).toBe(true);
  });

  it('passes a third-party strategy that renders through the run and awaits its writes', async () => {
    const report = await assertStrategy(awaited);
    expect(report.checks.map((check) => check.name)).toEqual([
      'same-bytes',
      'chunks',
      'takes-over',
      'under-pressure',
      'backpressure',
      'writes-while-reading',
      'entry-cache',
      'input-errors',
      'output-errors',
      'abort',
    ]);
  });

  it('finds batches written out of order, which the run itself cannot see (the byte count is right)', async () => {
    let held: string | undefined;
    const swapped: M3uStrategy = {
      ...awaited,
      name: 'swapped',
      async generate(run) {
        await run.output.write(run.handover === undefined ? run.renderHeader() : run.handover.chunks.join(''));
        for (let batch = await run.source.nextBatch(); batch !== undefined; batch = await run.source.nextBatch()) {
          const { text } = run.renderBatch(batch);
          // Every second batch goes out before the one rendered before it.
          if (held === undefined) held = text;
          else {
            await run.output.write(text + held);
            held = undefined;
          }
        }
        if (held !== undefined) await run.output.write(held);
        held = undefined;
      },
    };
    const report = await checkStrategy(swapped);
    expect(failed(report)).toContain('same-bytes');
    const sameBytes = report.checks.find((check) => check.name === 'same-bytes');
    expect(sameBytes?.problems[0]).toMatch(/^2 channels in batches of 1, returned: line 2: expected "#EXTINF:-1 tvg-id=\\"channel-0.example\\" .*"\.\.\., got "#EXTINF:-1 tvg-id=\\"channel-1.example\\" /);
  });

  it('finds writes that do not wait for a full output to drain', async () => {
    const eager = batchWriter('eager', (run, text) => {
      // Not awaited: rejections of writes that end up after the run (the output was ended) are dropped.
      void Promise.resolve(run.output.write(text)).catch(() => undefined);
    });
    const report = await checkStrategy(eager);
    expect(failed(report)).toEqual(['backpressure']);
    expect(report.checks.find((check) => check.name === 'backpressure')?.problems[0]).toMatch(/^400 channels into a slow stream: \d+ of \d+ writes came while the stream asked to drain/);
  });

  it('finds a strategy that says its memory is bounded but holds the playlist until the input ends', async () => {
    const hoarder: M3uStrategy = {
      name: 'hoarder',
      description: 'renders everything, then writes',
      contract: bounded,
      async generate(run) {
        let text = run.handover === undefined ? run.renderHeader() : run.handover.chunks.join('');
        for (let batch = await run.source.nextBatch(); batch !== undefined; batch = await run.source.nextBatch()) text += run.renderBatch(batch).text;
        await run.output.write(text);
      },
    };
    const report = await checkStrategy(hoarder);
    expect(failed(report)).toEqual(['writes-while-reading']);
    // The same strategy, honest about its memory, passes.
    expect((await checkStrategy({ ...hoarder, contract: { ...bounded, boundedMemory: false } })).passed).toBe(true);
  });

  it('finds a header written again by a strategy that took over a run', async () => {
    const doubled: M3uStrategy = {
      ...awaited,
      name: 'doubled',
      async generate(run) {
        await run.output.write(run.renderHeader());
        for (const chunk of run.handover?.chunks ?? []) await run.output.write(chunk);
        for (let batch = await run.source.nextBatch(); batch !== undefined; batch = await run.source.nextBatch()) await run.output.write(run.renderBatch(batch).text);
      },
    };
    const report = await checkStrategy(doubled);
    expect(failed(report)).toEqual(['takes-over']);
  });

  it('finds an input error swallowed, and says which error the run ended with instead', async () => {
    const forgiving = batchWriter('forgiving', async (run, text) => {
      await run.output.write(text);
    });
    const swallowing: M3uStrategy = {
      ...forgiving,
      async generate(run) {
        try {
          await forgiving.generate(run);
        } catch {
          // A strategy that "keeps going" publishes a short playlist, or (here) fails with the run's own check.
        }
      },
    };
    const report = await checkStrategy(swallowing);
    expect(failed(report)).toEqual(['input-errors', 'output-errors']);
    expect(report.checks.find((check) => check.name === 'input-errors')?.problems).toEqual([
      'an input that fails at its 3rd batch: the run failed with another error: E_STRATEGY: strategy "forgiving" returned before the end of the input, after 32 channels: a strategy reads run.source until nextBatch() gives undefined',
    ]);
  });

  it('reports a run that never settles instead of hanging', async () => {
    const stuck: M3uStrategy = { ...awaited, name: 'stuck', generate: () => new Promise<void>(() => undefined) };
    const report = await checkStrategy(stuck, { timeoutMs: 50 });
    expect(report.passed).toBe(false);
    expect(report.checks.find((check) => check.name === 'same-bytes')?.problems[0]).toBe(
      "0 channels in batches of 1, returned: the run did not settle within 50 ms (does the strategy await something that never happens?); the check's later runs were not made",
    );
  });

  it('throws a CheckError whose message is the summary, from assertStrategy', async () => {
    const eager = batchWriter('eager', (run, text) => {
      // Not awaited: rejections of writes that end up after the run (the output was ended) are dropped.
      void Promise.resolve(run.output.write(text)).catch(() => undefined);
    });
    const error = await assertStrategy(eager).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(CheckError);
    expect((error as CheckError).message).toMatch(/^strategy "eager": 1 of 10 checks found problems\n {2}same-bytes: ok\n[^]*\n {2}backpressure: FAILED\n {4}400 channels/);
  });

  it('refuses a strategy that writes elsewhere than run.output, which it cannot compare', async () => {
    await expect(checkStrategy({ ...awaited, contract: { ...bounded, writesElsewhere: true } })).rejects.toThrow(
      'strategy "awaited" writes elsewhere (contract.writesElsewhere): the check compares what reaches run.output, so it cannot check this strategy',
    );
  });

  it('says what it got when given neither a strategy nor a name (an import that was undefined)', async () => {
    await expect(checkStrategy(undefined as unknown as string)).rejects.toThrow('checkStrategy: expected a strategy object or the name of one a plugin registers, got nothing');
  });

  it('names a strategy that is not registered, with those that are', async () => {
    await expect(checkStrategy('nope')).rejects.toThrow('strategy "nope" is not registered: pass the strategy object, or the plugin that registers it in options.plugins (registered: in-memory, streaming, m3ugen-check-reference, m3ugen-check-starter)');
  });
});

describe('checkChannels', () => {
  it('gives the same channels for a seed, with unique ids and numbers', () => {
    expect(checkChannels(500, 3)).toEqual(checkChannels(500, 3));
    expect(checkChannels(500, 3)).not.toEqual(checkChannels(500, 4));
    const channels = checkChannels(500, 3);
    expect(new Set(channels.map((nc) => nc.channel.id)).size).toBe(500);
    expect(channels.map((nc) => nc.assignedNumber).sort((a, b) => a - b)).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
    // Values that would break a careless writer's lines are among them.
    const values = channels.flatMap((nc) => Object.values(nc.channel).filter((v): v is string => typeof v === 'string'));
    for (const breaker of ['\n', '\r', '"', ',', '\u2028', '\0']) expect(values.some((v) => v.includes(breaker)), JSON.stringify(breaker)).toBe(true);
  });
});
