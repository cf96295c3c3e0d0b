import {
  describeValue,
  EntryCache,
  InputError,
  toChannelSource,
  type ChannelSource,
  type M3uGenerator,
  type M3uPlugin,
  type M3uStrategy,
  type NumberedChannel,
} from '@m3ugen/core';
import { checkChannels } from './check-channels.js';
import { CHECK_CONTRACT, checkGenerator, collector, describeError, firstDifference, throughUtf8, watchedSource } from './harness.js';
import { CheckError, Checks, type CheckReport } from './report.js';

/** The checks {@link checkStrategy} runs, in the order it runs them. */
export type StrategyCheckName =
  | 'same-bytes'
  | 'chunks'
  | 'takes-over'
  | 'under-pressure'
  | 'backpressure'
  | 'writes-while-reading'
  | 'entry-cache'
  | 'input-errors'
  | 'output-errors'
  | 'abort';

/** What {@link checkStrategy} is told about the strategy besides its name. */
export interface StrategyCheckOptions {
  /**
   * Plugins the runs need: the one that registers the strategy when it is
   * given by name, and any it relies on. The check adds the default preset
   * (`in-memory`, `streaming`, the proxy URL scheme) itself.
   */
  readonly plugins?: readonly M3uPlugin[] | undefined;
  /**
   * For a strategy whose purpose is another order than the input's (its
   * contract then says `automatic: false`): how it orders channels, as a
   * comparator of two input records for `Array.prototype.sort`; channels it
   * ranks equal keep their input order. Each entry must still be the one
   * the run renders for that channel at its input index.
   */
  readonly order?: ((a: NumberedChannel, b: NumberedChannel) => number) | undefined;
  /** How long one run may take before it counts as hung. Default 10,000 ms. */
  readonly timeoutMs?: number | undefined;
}

const REFERENCE = 'm3ugen-check-reference';
const STARTER = 'm3ugen-check-starter';

/** What each check makes sure of, for the report. */
const DESCRIPTIONS: Readonly<Record<StrategyCheckName, string>> = {
  'same-bytes': "writes the bytes in-memory writes (in its own order, given one), for hostile channels, any batch size, with and without per-channel plugins, returned as a string or written to a stream",
  chunks: "gives the same bytes through generator.stream()",
  'takes-over': 'continues a run another strategy started: writes the handed-over text first, no header of its own, then the rest',
  'under-pressure': 'gives the same bytes when memory turns critical mid-run, whether it hands over or goes on',
  backpressure: "awaits output.write when the output is full: never writes to a stream that asked to drain",
  'writes-while-reading': 'writes entries before the input ends, as a strategy whose memory does not grow must',
  'entry-cache': 'gives the bytes of a full run when an EntryCache is passed and channels changed, moved, left or came since',
  'input-errors': 'passes on the error of an input that fails mid-run, as it is',
  'output-errors': 'passes on the error of an output that fails, as it is',
  abort: "stops when the run's signal aborts: the run rejects with the signal's reason and writes nothing more",
};

/** What the check's own strategies and probe share with it. */
interface Instruments {
  /** Each channel's entry by input index, as the last reference run rendered it, and its header. */
  entries: string[];
  header: string;
  /** Batches the starter renders before handing over. */
  starterBatches: number;
  /** Memory reads as critical from now on. */
  critical: boolean;
  /** The strategy under check, which the starter hands over to. */
  strategy: string;
}

/**
 * The check's plugin: the reference strategy (every entry through
 * renderEntry, kept by index, written in input order: what in-memory
 * writes) and the starter, which renders a few batches and hands over to
 * the strategy under check.
 */
function instrumentsPlugin(instruments: Instruments): M3uPlugin {
  const reference: M3uStrategy = {
    name: REFERENCE,
    description: "the check's reference: each entry through renderEntry, in input order",
    contract: CHECK_CONTRACT,
    async generate(run) {
      instruments.entries = [];
      instruments.header = run.renderHeader();
      let text = instruments.header;
      for (let batch = await run.source.nextBatch(); batch !== undefined; batch = await run.source.nextBatch()) {
        for (let i = batch.start; i < batch.end; i++) {
          const index = batch.firstIndex + i - batch.start;
          const entry = run.renderEntry(batch.channels[i] as NumberedChannel, index);
          instruments.entries[index] = entry;
          text += entry;
        }
      }
      await run.output.write(text);
    },
  };
  const starter: M3uStrategy = {
    name: STARTER,
    description: 'renders a few batches, then hands the run over to the strategy under check',
    contract: CHECK_CONTRACT,
    async generate(run) {
      const chunks = [run.renderHeader()];
      let channelsDone = 0;
      for (let n = 0; n < instruments.starterBatches; n++) {
        const batch = await run.source.nextBatch();
        if (batch === undefined) break;
        chunks.push(run.renderBatch(batch).text);
        channelsDone = batch.firstIndex + batch.end - batch.start;
      }
      await run.switchTo({ to: instruments.strategy, reason: 'the strategy check hands over', pressure: 'optimal' }, { chunks, channelsDone });
    },
  };
  return {
    name: 'm3ugen-plugin-check',
    apply(generator) {
      generator.strategies.register(reference).register(starter);
    },
  };
}

/**
 * Per-channel plugins as integrators write them: a header line, dropped
 * channels, an attribute from the index, and an added line after some
 * entries (a plugin may add lines deliberately).
 */
const busyPlugin: M3uPlugin = {
  name: 'm3ugen-plugin-check-taps',
  apply(generator) {
    const name = 'm3ugen-plugin-check-taps';
    generator.hooks.header.tap(name, (header) => `${header}\n# checked by @m3ugen/plugin-check`);
    generator.hooks.dropChannel.tap(name, (_channel, index) => index % 7 === 3);
    generator.hooks.entryAttributes.tap(name, (attributes, _channel, index) => [...attributes, { name: 'x-check-index', value: String(index) }]);
    generator.hooks.extinfLine.tap(name, (line, channel) => (channel.assignedNumber % 5 === 0 ? `${line}\n#EXTGRP:Fives` : line));
  },
};

/**
 * Runs a strategy through the situations a run puts it in and compares what
 * it writes with what `in-memory` writes for the same channels: hostile
 * values, batch sizes from 1, per-channel plugins that drop channels and
 * add lines, a stream output, `generator.stream()`, a hand-over into it (if
 * its contract says it can take over), memory turning critical mid-run, a
 * slow output (it must await full writes), an `EntryCache`, a failing input,
 * a failing output and an aborted signal. Checks its contract does not
 * claim are skipped and say why.
 *
 * The strategy is given as the object (the check registers it) or by name
 * (a plugin in `options.plugins` registers it). One that writes elsewhere
 * than `run.output` (`contract.writesElsewhere`) cannot be compared, and is
 * refused with a `TypeError`, as is a name nothing registered. Nothing is
 * written to disk; the whole check takes well under a second for a
 * strategy as fast as the built-ins.
 *
 * @example
 * ```ts
 * import { checkStrategy } from '@m3ugen/plugin-check';
 *
 * const report = await checkStrategy(myStrategy);
 * if (!report.passed) console.error(report.summary);
 * ```
 */
export async function checkStrategy(strategy: M3uStrategy | string, options: StrategyCheckOptions = {}): Promise<CheckReport<StrategyCheckName>> {
  // Called from JavaScript too, where a missing import is `undefined`.
  if (typeof strategy !== 'string' && (typeof strategy !== 'object' || strategy === null)) {
    throw new TypeError(`checkStrategy: expected a strategy object or the name of one a plugin registers, got ${describeValue(strategy)}`);
  }
  const timeoutMs = options.timeoutMs ?? 10_000;
  const name = typeof strategy === 'string' ? strategy : strategy.name;
  const instruments: Instruments = { entries: [], header: '', starterBatches: 2, critical: false, strategy: name };
  const own: M3uPlugin[] = typeof strategy === 'string' ? [] : [{ name: `register ${strategy.name}`, apply: (g) => void g.strategies.register(strategy) }];
  const makeGenerator = (busy: boolean): M3uGenerator =>
    checkGenerator({ plugins: [...(options.plugins ?? []), ...own, instrumentsPlugin(instruments), ...(busy ? [busyPlugin] : [])] }, () => instruments.critical);
  const plain = makeGenerator(false);
  const busy = makeGenerator(true);
  const contract = plain.strategies.get(name)?.contract;
  if (contract === undefined) {
    throw new TypeError(`strategy "${name}" is not registered: pass the strategy object, or the plugin that registers it in options.plugins (registered: ${plain.strategies.list().map((s) => s.name).join(', ')})`);
  }
  if (contract.writesElsewhere === true) {
    throw new TypeError(`strategy "${name}" writes elsewhere (contract.writesElsewhere): the check compares what reaches run.output, so it cannot check this strategy`);
  }

  /** Renders `channels` with the reference; returns the text the strategy should write, the first `prefix` entries handed over in input order. */
  const expected = async (generator: M3uGenerator, channels: readonly NumberedChannel[], prefix = 0): Promise<string> => {
    await generator.generate(channels, { strategy: REFERENCE });
    const indexes = channels.map((_, i) => i);
    const order = options.order;
    if (order !== undefined) {
      const rest = indexes.slice(prefix).sort((a, b) => order(channels[a] as NumberedChannel, channels[b] as NumberedChannel) || a - b);
      indexes.splice(prefix, indexes.length - prefix, ...rest);
    }
    let text = instruments.header;
    for (const index of indexes) text += instruments.entries[index] ?? '';
    return text;
  };

  const checks = new Checks<StrategyCheckName>(DESCRIPTIONS, timeoutMs, () => {
    instruments.critical = false;
    instruments.starterBatches = 2;
  });
  const check = checks.run.bind(checks);
  const compare = checks.compare.bind(checks);
  const toStream = async (generator: M3uGenerator, input: Parameters<M3uGenerator['generate']>[0]): Promise<string> => {
    const out = collector();
    await generator.generate(input, { strategy: name, output: out.writable });
    return out.text();
  };

  await check('same-bytes', undefined, async (problem) => {
    for (const generator of [plain, busy]) {
      for (const count of [0, 1, 2, 9, 64, 301]) {
        const channels = checkChannels(count, count + 1);
        const want = await expected(generator, channels);
        for (const size of [1, 7, 64, 1024]) {
          if (size > Math.max(count, 1) * 8) continue;
          const what = `${count} channel${count === 1 ? '' : 's'} in batches of ${size}${generator === busy ? ", with the check's per-channel plugins" : ''}`;
          await compare(`${what}, returned`, want, async () => (await generator.generate(toChannelSource(channels, size), { strategy: name })).playlist, problem);
          await compare(`${what}, to a stream`, throughUtf8(want), () => toStream(generator, toChannelSource(channels, size)), problem);
        }
      }
    }
  });

  await check('chunks', undefined, async (problem) => {
    for (const generator of [plain, busy]) {
      const channels = checkChannels(301, 7);
      const want = await expected(generator, channels);
      await compare(`301 channels${generator === busy ? ", with the check's per-channel plugins" : ''}, iterated`, want, async () => {
        let text = '';
        for await (const chunk of generator.stream(toChannelSource(channels, 16), { strategy: name })) text += chunk;
        return text;
      }, problem);
    }
  });

  await check('takes-over', contract.canTakeOverMidStage ? undefined : 'its contract says it cannot take over a run (canTakeOverMidStage: false)', async (problem) => {
    for (const generator of [plain, busy]) {
      for (const starterBatches of [1, 3]) {
        const channels = checkChannels(150, 11);
        const size = 16;
        const want = await expected(generator, channels, Math.min(channels.length, starterBatches * size));
        instruments.starterBatches = starterBatches;
        await compare(`handed over after ${starterBatches * size} of 150 channels${generator === busy ? ", with the check's per-channel plugins" : ''}`, want, async () => (await generator.generate(toChannelSource(channels, size), { strategy: STARTER })).playlist, problem);
      }
    }
  });

  await check('under-pressure', undefined, async (problem) => {
    for (const generator of [plain, busy]) {
      const channels = checkChannels(200, 13);
      const want = await expected(generator, channels);
      const what = `memory critical from the 3rd batch of 200 channels${generator === busy ? ", with the check's per-channel plugins" : ''}`;
      await compare(what, throughUtf8(want), async () => {
        instruments.critical = false;
        const source = watchedSource(channels, 16, (n) => {
          if (n === 2) instruments.critical = true;
        });
        return toStream(generator, source);
      }, problem);
    }
  });

  await check('backpressure', undefined, async (problem) => {
    const channels = checkChannels(400, 17);
    const want = await expected(plain, channels);
    const out = collector({ slow: true });
    try {
      await checks.settled(plain.generate(toChannelSource(channels, 32), { strategy: name, output: out.writable }));
    } catch (error) {
      problem(`400 channels into a slow stream: the run failed: ${describeError(error)}`);
      return;
    }
    if (out.writesWhileFull() > 0) problem(`400 channels into a slow stream: ${out.writesWhileFull()} of ${out.writes()} writes came while the stream asked to drain (await the promise output.write returns)`);
    if (out.text() !== throughUtf8(want)) problem(`400 channels into a slow stream: ${firstDifference(throughUtf8(want), out.text())}`);
  });

  await check('writes-while-reading', contract.boundedMemory ? undefined : 'its contract does not say its memory is bounded (boundedMemory: false)', async (problem) => {
    const channels = checkChannels(8000, 19);
    const out = collector();
    const header = (await plain.generate([], { strategy: REFERENCE })).playlist;
    let writtenAtLastBatch = -1;
    const source = watchedSource(channels, 256, (_n, last) => {
      if (last) writtenAtLastBatch = out.bytes();
    });
    await checks.settled(plain.generate(source, { strategy: name, output: out.writable }));
    const total = out.bytes();
    if (writtenAtLastBatch <= Buffer.byteLength(header, 'utf8')) {
      problem(`8,000 channels (${total} bytes): nothing past the header was written before the input's last batch was read (it holds the playlist, which a bounded strategy must not)`);
    }
  });

  await check('entry-cache', undefined, async (problem) => {
    for (const generator of [plain, busy]) {
      const cache = new EntryCache();
      const before = checkChannels(300, 23);
      const after = before.map((nc, i) => (i % 10 === 4 ? { ...nc, channel: { ...nc.channel, channelName: `Renamed ${i}` } } : nc));
      after.splice(5, 1);
      after.splice(40, 0, { assignedNumber: 10_000, channel: { id: '00000000-0000-4000-8000-ffffffffffff', channelName: 'Newcomer' } });
      const plugins = generator === busy ? ", with the check's per-channel plugins" : '';
      for (const [what, channels] of [['the first run', before], ['after renames, a removal and an insertion', after], ['the same again', after]] as const) {
        const want = await expected(generator, channels);
        await compare(`300 channels with an EntryCache${plugins}, ${what}`, want, async () => (await generator.generate(toChannelSource(channels, 32), { strategy: name, cache })).playlist, problem);
      }
    }
  });

  await check('input-errors', undefined, async (problem) => {
    const channels = checkChannels(100, 29);
    const failure = new InputError('the check input fails here', { file: 'the check input', index: 32 });
    const inner = toChannelSource(channels, 16);
    let n = 0;
    const source: ChannelSource = { nextBatch: () => (n++ === 2 ? Promise.reject(failure) : inner.nextBatch()) };
    try {
      await checks.settled(plain.generate(source, { strategy: name }));
      problem('an input that fails at its 3rd batch: the run succeeded');
    } catch (error) {
      if (error !== failure) problem(`an input that fails at its 3rd batch: the run failed with another error: ${describeError(error)}`);
    }
  });

  await check('output-errors', undefined, async (problem) => {
    const failure = new Error('the check output fails here');
    const out = collector({ failWith: failure });
    try {
      await checks.settled(plain.generate(toChannelSource(checkChannels(100, 31), 16), { strategy: name, output: out.writable }));
      problem('an output whose every write fails: the run succeeded');
    } catch (error) {
      if (error !== failure) problem(`an output whose every write fails: the run failed with another error: ${describeError(error)}`);
    }
  });

  await check('abort', undefined, async (problem) => {
    const controller = new AbortController();
    const reason = new Error('the check aborts the run');
    const out = collector();
    let writesAtAbort = -1;
    const source = watchedSource(checkChannels(200, 37), 16, (n) => {
      if (n !== 3) return;
      writesAtAbort = out.writes();
      controller.abort(reason);
    });
    try {
      await checks.settled(plain.generate(source, { strategy: name, output: out.writable, signal: controller.signal }));
      problem('a signal aborted at the 4th batch: the run succeeded');
    } catch (error) {
      if (error !== reason) problem(`a signal aborted at the 4th batch: the run failed with another error than the signal's reason: ${describeError(error)}`);
    }
    if (writesAtAbort >= 0 && out.writes() > writesAtAbort) problem(`a signal aborted at the 4th batch: ${out.writes() - writesAtAbort} writes came after it`);
  });

  return checks.report(`strategy "${name}"`);
}

/**
 * {@link checkStrategy}, throwing a {@link CheckError} (its message
 * the report's summary) if any check found a problem: one line in a test.
 *
 * @example
 * ```ts
 * import { assertStrategy } from '@m3ugen/plugin-check';
 * import { it } from 'vitest';
 *
 * it('behaves as m3ugen expects of a strategy', () => assertStrategy(myStrategy));
 * ```
 */
export async function assertStrategy(strategy: M3uStrategy | string, options: StrategyCheckOptions = {}): Promise<CheckReport<StrategyCheckName>> {
  const report = await checkStrategy(strategy, options);
  if (!report.passed) throw new CheckError(report);
  return report;
}
