import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { toChannelSource, type ChannelSource, type MemoryProbe, type NumberedChannel, type StrategyChoice, type StrategySwitch } from '@m3ugen/core';
import { createGenerator } from '@m3ugen/preset-default';
import { openChannelReader } from '@m3ugen/reader';
import { describe, expect, it } from 'vitest';
import { makeChannels } from './support/channels.js';

const MB = 1024 * 1024;
const PROXY = '01ARZ3NDEKTSV4RRFFQ69G5FAV';

/** A probe reporting `rssMb[i]` at the i-th reading (the last value repeats). */
function scriptedProbe(rssMb: number[]): MemoryProbe & { readings: number } {
  const probe = Object.assign(
    () => ({ rssBytes: (rssMb[Math.min(probe.readings++, rssMb.length - 1)] ?? 0) * MB, heapUsedBytes: 0, heapLimitBytes: 4096 * MB }),
    { readings: 0 },
  );
  return probe;
}

function generatorWith(probe: MemoryProbe, memory: Record<string, unknown> = {}) {
  const chosen: StrategyChoice[] = [];
  const switched: StrategySwitch[] = [];
  const generator = createGenerator({ proxyId: PROXY, memory: { probe, sampleIntervalMs: 0, maxMemoryMb: 512, ...memory } });
  generator.hooks.strategyChosen.tap('test', (choice) => void chosen.push(choice));
  generator.hooks.strategySwitched.tap('test', (change) => void switched.push(change));
  return { generator, chosen, switched };
}

async function* slowly(channels: readonly NumberedChannel[]): AsyncGenerator<NumberedChannel> {
  for (const nc of channels) yield nc;
}

describe('automatic selection with the built-in strategies', () => {
  const channels = makeChannels(50);

  it.each([
    [100, 'optimal', 'in-memory'],
    [330, 'moderate', 'in-memory'],
    [400, 'high', 'streaming'],
    [440, 'critical', 'streaming'],
    [500, 'emergency', 'streaming'],
  ] as const)('%i MB of 512 → %s → %s', async (rss, level, strategy) => {
    const { generator, chosen } = generatorWith(scriptedProbe([rss]));
    const { metrics } = await generator.generate(channels);
    expect(chosen[0]).toMatchObject({ strategy, pressure: level });
    expect(metrics.strategy).toBe(strategy);
  });

  it('follows the preset: 80% is high with "default" but critical with "conservative"', async () => {
    const rss = 0.8 * 512;
    const normal = generatorWith(scriptedProbe([rss]));
    await normal.generator.generate(channels);
    expect(normal.chosen[0]?.pressure).toBe('high');
    const conservative = generatorWith(scriptedProbe([rss]), { preset: 'conservative' });
    await conservative.generator.generate(channels);
    expect(conservative.chosen[0]?.pressure).toBe('critical');
  });

  it('streams inputs larger than the large-input threshold', async () => {
    const { generator, chosen } = generatorWith(scriptedProbe([10]), { largeInputThreshold: 49 });
    await generator.generate(channels);
    expect(chosen[0]?.strategy).toBe('streaming');
    expect(chosen[0]?.reason).toContain('too large for in-memory');
  });

  it('streams inputs whose in-memory estimate exceeds the memory left under max_memory_mb', async () => {
    // 50 channels × 2 KB = 100 KB; with 511.95 MB in use only ~50 KB are left.
    const { generator, chosen } = generatorWith(scriptedProbe([0]), { maxMemoryMb: 0.05 });
    await generator.generate(channels);
    expect(chosen[0]?.strategy).toBe('streaming');
  });

  it('uses the input size only when memory tracking is off (the probe is never read)', async () => {
    const probe = scriptedProbe([500]);
    const { generator, chosen } = generatorWith(probe, { enableTracking: false });
    const { metrics } = await generator.generate(channels);
    expect(probe.readings).toBe(0);
    expect(chosen[0]).toMatchObject({ strategy: 'in-memory', pressure: 'optimal' });
    expect(metrics.strategySwitches).toEqual([]);
  });

  it('honours an explicit strategy even when automatic selection would differ', async () => {
    const { generator, chosen } = generatorWith(scriptedProbe([400]));
    await generator.generate(channels, { strategy: 'in-memory' });
    expect(chosen[0]).toMatchObject({ strategy: 'in-memory', reason: 'requested by the strategy option' });
  });
});

describe('mid-run switching', () => {
  const channels = makeChannels(40);

  it('in-memory hands over to streaming when pressure reaches critical, with identical bytes', async () => {
    const reference = (await createGenerator({ proxyId: PROXY }).generate(channels, { strategy: 'in-memory' })).playlist;
    // selection: optimal; checkpoints after 4, 8: high (in-memory keeps going); after 12: critical.
    const { generator, switched } = generatorWith(scriptedProbe([100, 400, 400, 450]));
    const { playlist, metrics } = await generator.generate(toChannelSource(channels, 4));
    expect(switched).toEqual([{ from: 'in-memory', to: 'streaming', reason: 'memory pressure reached critical', pressure: 'critical', atChannel: 12 }]);
    expect(metrics).toMatchObject({ initialStrategy: 'in-memory', strategy: 'streaming', strategySwitches: switched, channels: 40 });
    expect(playlist).toBe(reference);
  });

  it('switches a written-to-file run too, without losing or repeating bytes', async () => {
    const reference = (await createGenerator({ proxyId: PROXY }).generate(channels)).playlist;
    const parts: Buffer[] = [];
    const output = new Writable({
      write(chunk: Buffer, _e, callback) {
        parts.push(chunk);
        callback();
      },
    });
    const { generator } = generatorWith(scriptedProbe([100, 450]));
    const { metrics } = await generator.generate(toChannelSource(channels, 5), { output });
    expect(metrics.strategySwitches).toHaveLength(1);
    expect(Buffer.concat(parts).toString('utf8')).toBe(reference);
    expect(metrics.bytes).toBe(Buffer.byteLength(reference));
  });

  it('hands an automatic run of unknown size to streaming once it passes the threshold', async () => {
    const reference = (await createGenerator({ proxyId: PROXY }).generate(channels)).playlist;
    const { generator, switched } = generatorWith(scriptedProbe([10]), { largeInputThreshold: 20 });
    const { playlist } = await generator.generate(slowly(channels));
    expect(switched).toHaveLength(1);
    expect(switched[0]).toMatchObject({ from: 'in-memory', to: 'streaming', reason: 'input passed 20 channels' });
    expect(playlist).toBe(reference);
  });

  it('takes a channel-count hint for streamed input and selects by it up front', async () => {
    const { generator, chosen, switched } = generatorWith(scriptedProbe([10]), { largeInputThreshold: 20 });
    await generator.generate(slowly(channels), { channelCount: 40 });
    expect(chosen[0]?.strategy).toBe('streaming');
    expect(switched).toEqual([]);
  });

  it('selects by an estimated count as by a known one, says it is an estimate, and still hands over when the estimate was low', async () => {
    const reference = (await createGenerator({ proxyId: PROXY }).generate(channels)).playlist;
    const high = generatorWith(scriptedProbe([10]), { largeInputThreshold: 20 });
    const progress: (number | undefined)[] = [];
    high.generator.hooks.progress.tap('test', (info) => void progress.push(info.knownChannelCount));
    const requests: { known: number | undefined; estimated: number | undefined }[] = [];
    high.generator.hooks.selectStrategy.tap('test', (request) => void requests.push({ known: request.knownChannelCount, estimated: request.estimatedChannelCount }));
    const started = await high.generator.generate(slowly(channels), { estimatedChannelCount: 45 });
    expect(requests).toEqual([{ known: undefined, estimated: 45 }]); // a plugin that overrides the choice sees it too
    expect(high.chosen[0]).toMatchObject({ strategy: 'streaming', reason: 'pressure optimal, about 45 channels: too large for in-memory' });
    expect(high.switched).toEqual([]);
    expect(started.playlist).toBe(reference);
    expect(progress.every((count) => count === undefined)).toBe(true); // only selection reads the estimate

    const low = generatorWith(scriptedProbe([10]), { largeInputThreshold: 20 });
    const handed = await low.generator.generate(slowly(channels), { estimatedChannelCount: 10 });
    expect(low.chosen[0]).toMatchObject({ strategy: 'in-memory', reason: 'pressure optimal, about 10 channels: fastest eligible strategy' });
    expect(low.switched[0]).toMatchObject({ from: 'in-memory', to: 'streaming', reason: 'input passed 20 channels' });
    expect(handed.playlist).toBe(reference);

    // A known count wins over an estimate.
    const known = generatorWith(scriptedProbe([10]), { largeInputThreshold: 20 });
    await known.generator.generate(channels.slice(0, 10), { estimatedChannelCount: 45 });
    expect(known.chosen[0]).toMatchObject({ strategy: 'in-memory', reason: 'pressure optimal, 10 channels: fastest eligible strategy' });
  });

  it("selects by a source's own estimate (a reader's of its file), asked only where automatic selection uses it, the option winning", async () => {
    let asked = 0;
    /** A source that estimates `estimate` channels and gives `channels` in batches of 10. */
    const estimating = (estimate: unknown): ChannelSource => {
      const source = toChannelSource(slowly(channels), 10);
      return Object.defineProperty({ nextBatch: () => source.nextBatch() }, 'estimatedCount', {
        get: () => {
          asked++;
          if (estimate instanceof Error) throw estimate;
          return estimate;
        },
      }) as ChannelSource;
    };
    const sized = generatorWith(scriptedProbe([10]), { largeInputThreshold: 20 });
    await sized.generator.generate(estimating(45));
    expect(sized.chosen[0]).toMatchObject({ strategy: 'streaming', reason: 'pressure optimal, about 45 channels: too large for in-memory' });
    await sized.generator.generate(estimating(45), { estimatedChannelCount: 10 });
    expect(sized.chosen[1]).toMatchObject({ strategy: 'in-memory', reason: 'pressure optimal, about 10 channels: fastest eligible strategy' });
    expect(asked).toBe(1);
    await sized.generator.generate(estimating(45), { strategy: 'in-memory' });
    await sized.generator.generate(estimating(45), { channelCount: 50 });
    expect(asked).toBe(1);
    // An estimate that is no count, or a getter that throws, is no estimate: the run goes on as if unsized.
    for (const junk of [-1, 2.5, '45', new Error('cannot tell')]) {
      const { generator, chosen } = generatorWith(scriptedProbe([10]), { largeInputThreshold: 20 });
      await generator.generate(estimating(junk));
      expect(chosen[0], String(junk)).toMatchObject({ strategy: 'in-memory', reason: 'pressure optimal, channel count unknown: fastest eligible strategy' });
    }
  });

  it("starts a large file's run with streaming when a program hands generate() the file's reader, with the same bytes", async () => {
    const many = makeChannels(400);
    const file = join(mkdtempSync(join(tmpdir(), 'm3ugen-selection-')), 'channels.ndjson');
    writeFileSync(file, `${many.map((nc) => JSON.stringify(nc)).join('\n')}\n`);
    const reference = (await createGenerator({ proxyId: PROXY }).generate(many)).playlist;
    const { generator, chosen, switched } = generatorWith(scriptedProbe([10]), { largeInputThreshold: 100 });
    const { playlist } = await generator.generate(await openChannelReader(file));
    expect(chosen[0]).toMatchObject({ strategy: 'streaming', reason: 'pressure optimal, about 400 channels: too large for in-memory' });
    expect(switched).toEqual([]);
    expect(playlist).toBe(reference);
  });

  it.each([
    ['channelCount', -1, 'got number -1'],
    ['estimatedChannelCount', 2.5, 'got number 2.5'],
    ['estimatedChannelCount', '40', 'got "40"'],
  ])('refuses a run option %s of %j, naming it', async (name, value, got) => {
    const { generator } = generatorWith(scriptedProbe([10]));
    await expect(generator.generate(channels, { [name]: value })).rejects.toThrow(`option "${name}": expected a whole number of channels (0 or more), ${got}`);
  });

  it('gives stream() a strategy that writes as it goes, so its chunks come while the input is read, with the same bytes', async () => {
    const many = makeChannels(3000);
    const reference = (await createGenerator({ proxyId: PROXY }).generate(many)).playlist;
    const { generator, chosen } = generatorWith(scriptedProbe([10]));
    let read = 0;
    async function* counted(): AsyncGenerator<NumberedChannel> {
      for (const nc of many) {
        read++;
        yield nc;
      }
    }
    const readWhenChunked: number[] = [];
    let streamed = '';
    for await (const chunk of generator.stream(counted())) {
      readWhenChunked.push(read);
      streamed += chunk;
    }
    expect(chosen[0]).toMatchObject({ strategy: 'streaming', reason: 'pressure optimal, channel count unknown: chunks are read as they are made (stream()), so a strategy that writes as it goes' });
    expect(readWhenChunked[0]).toBeLessThan(many.length);
    expect(streamed).toBe(reference);
    // An explicit strategy is still honoured.
    const { generator: explicit, chosen: explicitChoice } = generatorWith(scriptedProbe([10]));
    for await (const chunk of explicit.stream(many, { strategy: 'in-memory' })) expect(chunk.length).toBeGreaterThan(0);
    expect(explicitChoice[0]?.strategy).toBe('in-memory');
  });
});
