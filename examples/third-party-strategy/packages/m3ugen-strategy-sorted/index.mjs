// @ts-check
/**
 * m3ugen-strategy-sorted: a strategy as a third party ships it. It writes the
 * playlist in channel-number order even when the upstream delivers channels
 * out of order. Entries are still rendered by the run's renderer, so every
 * hook, plugin and escaping rule applies exactly as with the built-ins.
 */

/** @typedef {import('@m3ugen/core').M3uStrategy} M3uStrategy */
/** @typedef {import('@m3ugen/core').M3uPlugin} M3uPlugin */
/** @typedef {import('@m3ugen/core').NumberedChannel} NumberedChannel */

/** @type {M3uStrategy} */
export const sortedStrategy = Object.freeze({
  name: 'sorted',
  description: 'writes channels in assigned-number order (holds the input in memory)',
  contract: Object.freeze({
    // The input is held to sort it: about the size of a channel record plus its rendered entry.
    estimateMemoryBytes: (channelCount) => channelCount * 1024,
    supportedPressure: Object.freeze(['optimal', 'moderate', 'high']),
    canTakeOverMidStage: false,
    boundedMemory: false,
    preference: 0,
    // It changes the order, so it is only used when a config or caller asks for it by name.
    automatic: false,
  }),
  /** @param {import('@m3ugen/core').StrategyRun} run */
  async generate(run) {
    /** @type {{ channel: NumberedChannel, index: number }[]} */
    const all = [];
    for (let batch = await run.source.nextBatch(); batch !== undefined; batch = await run.source.nextBatch()) {
      for (let i = batch.start; i < batch.end; i++) all.push({ channel: /** @type {NumberedChannel} */ (batch.channels[i]), index: batch.firstIndex + i - batch.start });
      run.checkpoint(batch.firstIndex + batch.end - batch.start);
    }
    // Array.prototype.sort is stable: equal numbers keep their input order.
    all.sort((a, b) => a.channel.assignedNumber - b.channel.assignedNumber);
    let text = run.renderHeader();
    for (const { channel, index } of all) {
      text += run.renderEntry(channel, index);
      if (text.length >= 64 * 1024) {
        await run.output.write(text);
        text = '';
      }
    }
    await run.output.write(text);
  },
});

/**
 * The plugin factory m3ugen calls for a `plugins` entry.
 * @returns {M3uPlugin}
 */
export default function sortedStrategyPlugin() {
  return {
    name: 'm3ugen-strategy-sorted',
    apply(generator) {
      generator.strategies.register(sortedStrategy);
    },
  };
}
