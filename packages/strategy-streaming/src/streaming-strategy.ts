import { writeChunks, type M3uPlugin, type M3uStrategy, type StrategyContract } from '@m3ugen/core';

/**
 * Characters per write, at most: 64 KiB of ASCII; at most three bytes a
 * character, so under 200 KB for any text. The strategy also holds the text
 * of the batch it is writing (about 300 bytes a channel).
 */
export const STREAMING_CHUNK_CHARS = 64 * 1024;

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

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
    const output = run.output;
    const write = async (chunk: string, bytes?: number): Promise<void> => {
      const pending = output.write(chunk, bytes);
      if (pending !== undefined) await pending;
    };
    // Batches are gathered into writes of at most STREAMING_CHUNK_CHARS; a larger batch is cut.
    let buffer = '';
    let bufferBytes = 0;
    if (run.handover === undefined) {
      buffer = run.renderHeader();
      bufferBytes = Buffer.byteLength(buffer, 'utf8');
    } else {
      await writeChunks(output, run.handover.chunks);
    }
    let lastYield = performance.now();
    for (let batch = await run.source.nextBatch(); batch !== undefined; batch = await run.source.nextBatch()) {
      const { text, bytes } = run.renderBatch(batch);
      if (buffer.length + text.length <= STREAMING_CHUNK_CHARS) {
        buffer += text;
        bufferBytes += bytes;
      } else {
        if (buffer !== '') await write(buffer, bufferBytes);
        buffer = '';
        bufferBytes = 0;
        if (text.length <= STREAMING_CHUNK_CHARS) {
          buffer = text;
          bufferBytes = bytes;
        } else {
          for (let at = 0; at < text.length; ) {
            let cut = Math.min(text.length, at + STREAMING_CHUNK_CHARS);
            // Never between the halves of a surrogate pair: each write is encoded on its own.
            if (cut < text.length && isHighSurrogate(text.charCodeAt(cut - 1))) cut--;
            await write(text.slice(at, cut));
            at = cut;
          }
        }
      }
      const channelsDone = batch.firstIndex + batch.end - batch.start;
      const change = run.checkpoint(channelsDone);
      if (change !== undefined) return run.switchTo(change, { chunks: [buffer], channelsDone });
      if (performance.now() - lastYield >= STREAMING_YIELD_INTERVAL_MS) {
        await run.yieldToEventLoop();
        lastYield = performance.now();
      }
    }
    await writeChunks(output, [buffer], [bufferBytes]);
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
