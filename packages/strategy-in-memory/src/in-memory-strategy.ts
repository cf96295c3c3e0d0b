import { writeChunks, type M3uPlugin, type M3uStrategy, type StrategyContract } from '@m3ugen/core';

/**
 * Rendered text is kept in parts of about this many characters: small ropes
 * flatten cheaply, and no single string nears V8's length limit.
 */
const PART_CHARS = 64 * 1024;

/**
 * Makes V8 copy a rope of concatenated entries into one flat string now,
 * while its pieces are young: kept as ropes, millions of small nodes would
 * reach the old generation and cost far more in garbage collection than the
 * copy (measured in docs/performance.md). Reading a character flattens.
 */
function flatten(text: string): string {
  text.charCodeAt(0);
  return text;
}

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
    const render = run.renderEntry;
    const parts: string[] = [...(run.handover?.chunks ?? [])];
    let text = run.handover === undefined ? run.renderHeader() : '';
    for (let batch = await run.source.nextBatch(); batch !== undefined; batch = await run.source.nextBatch()) {
      const { channels, start, end } = batch;
      const offset = batch.firstIndex - start;
      for (let i = start; i < end; i++) {
        text += render(channels[i]!, offset + i);
        if (text.length >= PART_CHARS) {
          parts.push(flatten(text));
          text = '';
        }
      }
      const change = run.checkpoint(offset + end);
      if (change !== undefined) {
        parts.push(text);
        return run.switchTo(change, { chunks: parts, channelsDone: offset + end });
      }
    }
    parts.push(text);
    await writeChunks(run.output, parts);
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
export function inMemoryStrategy(): M3uPlugin {
  return {
    name: '@m3ugen/strategy-in-memory',
    apply(generator) {
      generator.strategies.register(inMemoryM3uStrategy);
    },
  };
}
