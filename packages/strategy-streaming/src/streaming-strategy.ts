import { checkOptionNames, writeChunks, type M3uPlugin, type M3uStrategy, type StrategyContract } from '@m3ugen/core';

/**
 * Characters per write, at most: 64 KiB of ASCII; at most three bytes a
 * character, so under 200 KB for any text. (Text of
 * {@link STREAMING_RENDER_CHANNELS} channels larger than this, e.g. very long
 * names, is cut into writes of this size.)
 */
export const STREAMING_CHUNK_CHARS = 64 * 1024;

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/**
 * Channels rendered at a time. Their text (about 40 KB for typical channels)
 * stays a small, short-lived string, which keeps the heap, and so the
 * process, small; an EntryCache keeps entries in runs of this size.
 */
export const STREAMING_RENDER_CHANNELS = 128;

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
 * StreamingM3uStrategy: renders {@link STREAMING_RENDER_CHANNELS} channels at
 * a time and writes their text; when the output is full it renders the next
 * channels before waiting for it to drain (backpressure), and yields to the
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
    /**
     * The wait the latest write asked for (the output was full), not yet
     * awaited: the next chunk is rendered first, while the output takes this
     * one (a file stream writes in another thread), and the wait is awaited
     * before that chunk is written, so no more is buffered than the output's
     * limit plus one chunk.
     */
    let full: Promise<void> | undefined;
    const write = async (chunk: string, bytes?: number): Promise<void> => {
      if (full !== undefined) await full;
      full = output.write(chunk, bytes) ?? undefined;
      // Awaited before the next write or at the end; a run that fails first must not leave it unhandled.
      full?.catch(() => undefined);
    };
    // Each run of STREAMING_RENDER_CHANNELS entries is one write (cut if over STREAMING_CHUNK_CHARS).
    if (run.handover === undefined) await write(run.renderHeader());
    else await writeChunks(output, run.handover.chunks);
    let lastYield = performance.now();
    for (let batch = await run.source.nextBatch(); batch !== undefined; batch = await run.source.nextBatch()) {
      for (let from = batch.start; from < batch.end; from += STREAMING_RENDER_CHANNELS) {
        const to = Math.min(batch.end, from + STREAMING_RENDER_CHANNELS);
        const { text, bytes } = run.renderBatch({ channels: batch.channels, start: from, end: to, firstIndex: batch.firstIndex + from - batch.start });
        if (text.length <= STREAMING_CHUNK_CHARS) {
          await write(text, bytes);
          continue;
        }
        for (let at = 0; at < text.length; ) {
          let cut = Math.min(text.length, at + STREAMING_CHUNK_CHARS);
          // Never between the halves of a surrogate pair: each write is encoded on its own.
          if (cut < text.length && isHighSurrogate(text.charCodeAt(cut - 1))) cut--;
          await write(text.slice(at, cut));
          at = cut;
        }
      }
      const channelsDone = batch.firstIndex + batch.end - batch.start;
      const change = run.checkpoint(channelsDone);
      if (change !== undefined) {
        if (full !== undefined) await full;
        return run.switchTo(change, { chunks: [], channelsDone });
      }
      if (performance.now() - lastYield >= STREAMING_YIELD_INTERVAL_MS) {
        await run.yieldToEventLoop();
        lastYield = performance.now();
      }
    }
    if (full !== undefined) await full;
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
export function streamingStrategy(options: Readonly<Record<string, never>> = {}): M3uPlugin {
  // Listed in a config with options, it would otherwise take them without a word.
  checkOptionNames(options, []);
  return {
    name: '@m3ugen/strategy-streaming',
    workerSafe: true,
    apply(generator) {
      generator.strategies.register(streamingM3uStrategy);
    },
  };
}
