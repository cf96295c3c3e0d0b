import { writeChunks, type M3uPlugin, type M3uStrategy, type StrategyContract } from '@m3ugen/core';

/**
 * Characters buffered before a write: 64 KiB of ASCII; at most three bytes a
 * character, so under 200 KB for any text, plus one entry.
 */
export const STREAMING_CHUNK_CHARS = 64 * 1024;

/** The strategy lets timers and I/O run at least this often (the seed yields every 100 channels; time is cheaper). */
export const STREAMING_YIELD_INTERVAL_MS = 10;

/** Fixed memory, every pressure level, can take over mid-stage. */
export const streamingContract: StrategyContract = Object.freeze({
  estimateMemoryBytes: () => 4 * STREAMING_CHUNK_CHARS,
  supportedPressure: Object.freeze(['optimal', 'moderate', 'high', 'critical', 'emergency'] as const),
  canTakeOverMidStage: true,
  boundedMemory: true,
  preference: 50,
  automatic: true,
});

/**
 * StreamingM3uStrategy: renders into a bounded buffer and writes it whenever
 * it fills, waiting for the output to drain (backpressure), and yields to the
 * event loop regularly. Memory does not grow with the number of channels.
 * Takes over from another strategy by writing the handed-over text first.
 *
 * @example
 * ```ts
 * await generator.generate(channels, { strategy: 'streaming', output: createWriteStream('playlist.m3u') });
 * for await (const chunk of generator.stream(channels, { strategy: 'streaming' })) res.write(chunk);
 * ```
 */
export const streamingM3uStrategy: M3uStrategy = Object.freeze<M3uStrategy>({
  name: 'streaming',
  description: 'renders through a bounded buffer into the output, honouring backpressure (constant memory)',
  contract: streamingContract,
  async generate(run) {
    const render = run.renderEntry;
    const output = run.output;
    let buffer = '';
    if (run.handover === undefined) buffer = run.renderHeader();
    else await writeChunks(output, run.handover.chunks);
    let lastYield = performance.now();
    for (let batch = await run.source.nextBatch(); batch !== undefined; batch = await run.source.nextBatch()) {
      const { channels, start, end } = batch;
      const offset = batch.firstIndex - start;
      for (let i = start; i < end; i++) {
        buffer += render(channels[i]!, offset + i);
        if (buffer.length >= STREAMING_CHUNK_CHARS) {
          const pending = output.write(buffer);
          buffer = '';
          if (pending !== undefined) await pending;
        }
      }
      const change = run.checkpoint(offset + end);
      if (change !== undefined) return run.switchTo(change, { chunks: [buffer], channelsDone: offset + end });
      if (performance.now() - lastYield >= STREAMING_YIELD_INTERVAL_MS) {
        await run.yieldToEventLoop();
        lastYield = performance.now();
      }
    }
    await writeChunks(output, [buffer]);
  },
});

/**
 * Registers {@link streamingM3uStrategy} as `streaming`.
 *
 * @example
 * ```ts
 * const generator = new M3uGenerator({ plugins: [streamingStrategy(), urlBuilder()] });
 * ```
 */
export function streamingStrategy(): M3uPlugin {
  return {
    name: '@m3ugen/strategy-streaming',
    apply(generator) {
      generator.strategies.register(streamingM3uStrategy);
    },
  };
}
