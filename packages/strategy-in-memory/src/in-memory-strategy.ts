import { checkOptionNames, writeChunks, type M3uPlugin, type M3uStrategy, type StrategyContract } from '@m3ugen/core';

/**
 * The seed's contract: fastest, about 2 KB per channel (the seed's estimate),
 * chosen at optimal or moderate pressure, keeps running at high, hands over
 * at critical, cannot take over a run mid-stage.
 */
export const inMemoryContract: StrategyContract = Object.freeze({
  estimateMemoryBytes: (channelCount: number) => channelCount * 2048,
  supportedPressure: Object.freeze(['optimal', 'moderate', 'high'] as const),
  selectablePressure: Object.freeze(['optimal', 'moderate'] as const),
  canTakeOverMidStage: false,
  boundedMemory: false,
  preference: 100,
  automatic: true,
});

/**
 * InMemoryM3uStrategy: renders every channel into memory in one pass, then
 * writes the whole playlist. Between batches it asks the run whether to hand
 * over (pressure reached critical, or an input of unknown size grew too
 * large); if so it passes everything rendered so far to the new strategy,
 * which writes it first, so the bytes equal an uninterrupted run.
 *
 * @example
 * ```ts
 * generator.strategies.register(inMemoryM3uStrategy);
 * await generator.generate(channels, { strategy: 'in-memory' });
 * ```
 */
export const inMemoryM3uStrategy: M3uStrategy = Object.freeze<M3uStrategy>({
  name: 'in-memory',
  description: 'renders the whole playlist in memory, then writes it (fastest)',
  contract: inMemoryContract,
  async generate(run) {
    // One part per batch (flat, or a rope of large slices an EntryCache kept), with its UTF-8 length.
    const parts: string[] = [...(run.handover?.chunks ?? [])];
    const partBytes: (number | undefined)[] = new Array<undefined>(parts.length);
    if (run.handover === undefined) parts.push(run.renderHeader());
    for (let batch = await run.source.nextBatch(); batch !== undefined; batch = await run.source.nextBatch()) {
      const { text, bytes } = run.renderBatch(batch);
      parts.push(text);
      partBytes[parts.length - 1] = bytes;
      const channelsDone = batch.firstIndex + batch.end - batch.start;
      const change = run.checkpoint(channelsDone);
      if (change !== undefined) return run.switchTo(change, { chunks: parts, channelsDone });
    }
    await writeChunks(run.output, parts, partBytes);
  },
});

/**
 * Registers {@link inMemoryM3uStrategy} as `in-memory`.
 *
 * @example
 * ```ts
 * const generator = new M3uGenerator({ plugins: [inMemoryStrategy(), streamingStrategy(), urlBuilder()] });
 * ```
 */
export function inMemoryStrategy(options: Readonly<Record<string, never>> = {}): M3uPlugin {
  // Listed in a config with options, it would otherwise take them without a word.
  checkOptionNames(options, []);
  return {
    name: '@m3ugen/strategy-in-memory',
    workerSafe: true,
    apply(generator) {
      generator.strategies.register(inMemoryM3uStrategy);
    },
  };
}
