import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { parseNumberedChannel, toChannelSource, type NumberedChannel } from '@m3ugen/core';
import { createGenerator } from '@m3ugen/preset-default';
import { describe, expect, it } from 'vitest';

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
/** The seed's "Example M3U Output", copied byte for byte from the seed document. */
const GOLDEN = fixture('seed-example.m3u');
const channels: NumberedChannel[] = (JSON.parse(fixture('seed-example.channels.json')) as unknown[]).map((record, index) =>
  parseNumberedChannel(record, { file: 'seed-example.channels.json', index }),
);
const options = { baseUrl: 'http://localhost:8080', proxyId: '01ARZ3NDEKTSV4RRFFQ69G5FAV' } as const;

describe("the seed's Example M3U Output", () => {
  it.each(['in-memory', 'streaming', 'auto'])('is reproduced byte for byte by strategy %s', async (strategy) => {
    const { playlist, warnings } = await createGenerator(options).generate(channels, { strategy });
    expect(playlist).toBe(GOLDEN);
    expect(warnings.total).toBe(0);
  });

  it('is UTF-8 without BOM, \\n line endings and one trailing newline', () => {
    expect(GOLDEN.startsWith('#EXTM3U\n')).toBe(true);
    expect(GOLDEN).not.toContain('\r');
    expect(GOLDEN.endsWith('\n') && !GOLDEN.endsWith('\n\n')).toBe(true);
  });

  it('is the same through a Writable and through the async iterable of chunks', async () => {
    let written = '';
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        written += chunk.toString('utf8');
        callback();
      },
    });
    const result = await createGenerator(options).generate(channels, { strategy: 'streaming', output: sink });
    expect(written).toBe(GOLDEN);
    expect(result.metrics.bytes).toBe(Buffer.byteLength(GOLDEN));

    let iterated = '';
    for await (const chunk of createGenerator(options).stream(channels)) iterated += chunk;
    expect(iterated).toBe(GOLDEN);
  });

  it('is the same when the run switches from in-memory to streaming after the first channel', async () => {
    let samples = 0;
    const generator = createGenerator({
      ...options,
      memory: {
        sampleIntervalMs: 0,
        // optimal when the strategy is selected, critical (88% of 512 MB) at the first checkpoint
        probe: () => ({ rssBytes: samples++ < 1 ? 0 : 450 * 1024 * 1024, heapUsedBytes: 0, heapLimitBytes: 4e9 }),
      },
    });
    const { playlist, metrics } = await generator.generate(toChannelSource(channels, 1));
    expect(metrics.strategySwitches).toEqual([
      { from: 'in-memory', to: 'streaming', reason: 'memory pressure reached critical', pressure: 'critical', atChannel: 1 },
    ]);
    expect(playlist).toBe(GOLDEN);
  });
});
