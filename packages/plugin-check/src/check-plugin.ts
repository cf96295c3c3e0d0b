import { describeValue, EntryCache, toChannelSource, type Channel, type ChannelSource, type GeneratorConfig, type M3uGenerator, type M3uPlugin, type NumberedChannel } from '@m3ugen/core';
import { checkChannels, type HOSTILE_TEXTS } from './check-channels.js';
import { CHECK_CONTRACT, checkGenerator, collector, describeError, firstDifference, throughUtf8, watchedSource } from './harness.js';
import { CheckError, Checks, type CheckReport } from './report.js';
import { playlistStructureProblems } from './structure.js';

/** The checks {@link checkPlugin} runs, in the order it runs them. */
export type PluginCheckName = 'structure' | 'every-strategy' | 'runs-again' | 'entry-cache' | 'worker-safe';

/** What {@link checkPlugin} is told besides the plugin. */
export interface PluginCheckOptions {
  /**
   * The generator's options for every run (`urlScheme` and `urlOptions` to
   * check a URL scheme the plugin registers, other `plugins` it works
   * with). The default preset is added first, as `createGenerator` does.
   */
  readonly generator?: GeneratorConfig | undefined;
  /**
   * The channels to run: `count` records for a `seed`, the same for the
   * same arguments, with unique ids and numbers; the records past `count`
   * of a larger call (the channels that come later) share no id with the
   * first `count`. Default {@link checkChannels}, whose standard fields hold hostile
   * values; give records that also carry the fields your plugin reads,
   * with values as hostile as your input may hold ({@link HOSTILE_TEXTS}).
   */
  readonly channels?: ((count: number, seed: number) => NumberedChannel[]) | undefined;
  /** How long one run may take before it counts as hung. Default 10,000 ms. */
  readonly timeoutMs?: number | undefined;
}

/** What each check makes sure of, for the report. */
const DESCRIPTIONS: Readonly<Record<PluginCheckName, string>> = {
  structure: 'every channel the run keeps is its #EXTINF line and its URL line, lines the plugin adds are directives, and no line holds a control character, U+2028 or U+2029, whatever the channels hold',
  'every-strategy': 'in-memory, streaming, generator.stream() and a run that hands over mid-way give the same bytes, for any batch size',
  'runs-again': 'a second and third run, and a run on a new generator, give the bytes of the first: the plugin keeps no state from one run to the next',
  'entry-cache': "with an EntryCache, runs after channels changed, moved, left or came give a full run's bytes: what the plugin declares (readsIndex: false, a URL builder's reads and lineSafe) holds",
  'worker-safe': "parts of the input rendered as the command's worker threads render them (two generators taking turns, one run a part, real input indexes) give a single run's entries: what workerSafe: true promises",
};

/** The strategy the worker-safe check renders parts with: entries only, as a worker's part strategy does. */
const PART = 'm3ugen-check-part';

/**
 * Runs a plugin (and, through `options.generator`, a URL scheme it
 * registers) over channels with hostile values and checks what m3ugen
 * promises its users, which a plugin can break: the playlist's structure
 * (a tap of `extinfLine` or `header` is trusted and can add lines, or a
 * channel's line break), the same bytes from every strategy and batch size,
 * no state kept between runs, and an `EntryCache` giving a full run's bytes
 * after channels changed and moved (which fails when a tap says
 * `readsIndex: false` and reads the index, or a URL builder's `reads`
 * leaves out a field it reads), and, for a plugin that declares
 * `workerSafe: true`, parts of the input rendered as the command's worker
 * threads render them giving a single run's entries. Give the plugin's
 * factory (`() => myPlugin(options)`) to have each generator get its own
 * instance, as each worker thread does. It rejects, before any check, when
 * a run of no channels fails (options the runs cannot start with).
 *
 * @example
 * ```ts
 * import { checkPlugin } from '@m3ugen/plugin-check';
 *
 * const report = await checkPlugin(myPlugin, { generator: { urlScheme: 'cdn', urlOptions: { host: 'cdn.example' } } });
 * if (!report.passed) console.error(report.summary);
 * ```
 */
export async function checkPlugin(plugin: M3uPlugin | (() => M3uPlugin), options: PluginCheckOptions = {}): Promise<CheckReport<PluginCheckName>> {
  if (typeof plugin !== 'function' && (typeof plugin !== 'object' || plugin === null)) {
    throw new TypeError(`checkPlugin: expected a plugin object or a function that makes one, got ${describeValue(plugin)}`);
  }
  // A factory is called once per generator, as each of the command's worker threads calls a config's.
  const instance = (): M3uPlugin => (typeof plugin === 'function' ? plugin() : plugin);
  const first = instance();
  const channelsOf = options.channels ?? checkChannels;
  let critical = false;
  const config = options.generator ?? {};
  /** Texts the part strategy rendered, by the generator it ran on. */
  const parts = new Map<M3uGenerator, string>();
  const makeGenerator = (applied = instance()): M3uGenerator => {
    const made = checkGenerator({ ...config, plugins: [...(config.plugins ?? []), applied] }, () => critical);
    made.strategies.register({
      name: PART,
      description: "renders a part's entries without the header, as a worker thread of the command does",
      contract: { ...CHECK_CONTRACT, writesElsewhere: true },
      async generate(run) {
        let text = '';
        for (let batch = await run.source.nextBatch(); batch !== undefined; batch = await run.source.nextBatch()) text += run.renderBatch(batch).text;
        parts.set(made, text);
      },
    });
    return made;
  };
  const generator = makeGenerator(first);
  // Options the runs cannot start with (a URL option the scheme does not read) would fail every check alike: said once.
  try {
    await generator.generate([], { strategy: 'in-memory' });
  } catch (error) {
    throw new Error(`checkPlugin: a run of no channels failed, so no check can run: ${describeError(error)}`, { cause: error });
  }
  const checks = new Checks<PluginCheckName>(DESCRIPTIONS, options.timeoutMs ?? 10_000, () => {
    critical = false;
  });
  const full = async (channels: readonly NumberedChannel[], on = generator): Promise<string> => (await checks.settled(on.generate(channels, { strategy: 'in-memory' }))).playlist;

  await checks.run('structure', undefined, async (problem) => {
    for (const seed of [1, 2, 3]) {
      const channels = channelsOf(300, seed);
      const { playlist, metrics } = await checks.settled(generator.generate(channels, { strategy: 'in-memory' }));
      for (const text of playlistStructureProblems(playlist, metrics.channels)) problem(`300 channels (seed ${seed}): ${text}`);
    }
  });

  await checks.run('every-strategy', undefined, async (problem) => {
    const channels = channelsOf(300, 4);
    const want = await full(channels);
    for (const size of [1, 7, 1024]) {
      const input = (): ReturnType<typeof toChannelSource> => toChannelSource(channels, size);
      await checks.compare(`streaming, batches of ${size}`, want, async () => (await generator.generate(input(), { strategy: 'streaming' })).playlist, problem);
      await checks.compare(`in-memory, batches of ${size}`, want, async () => (await generator.generate(input(), { strategy: 'in-memory' })).playlist, problem);
      await checks.compare(`generator.stream(), batches of ${size}`, want, async () => {
        let text = '';
        for await (const chunk of generator.stream(input(), { strategy: 'streaming' })) text += chunk;
        return text;
      }, problem);
      await checks.compare(`in-memory handing over to streaming at the 3rd batch, batches of ${size}, to a stream`, throughUtf8(want), async () => {
        critical = false;
        const out = collector();
        const source = watchedSource(channels, size, (n) => {
          if (n === 2) critical = true;
        });
        await generator.generate(source, { strategy: 'in-memory', output: out.writable });
        return out.text();
      }, problem);
    }
  });

  await checks.run('runs-again', undefined, async (problem) => {
    const channels = channelsOf(300, 5);
    const want = await full(channels);
    await checks.compare('a second run', want, () => full(channels), problem);
    await checks.compare('a third run', want, () => full(channels), problem);
    await checks.compare('a run on a new generator', want, () => full(channels, makeGenerator()), problem);
  });

  await checks.run('entry-cache', undefined, async (problem) => {
    const count = 300;
    const original = channelsOf(count, 6);
    // The same channels with other values: every 20th one changed, whatever fields the plugin reads.
    const others = channelsOf(count, 7);
    const changed = original.map((nc, i) => (i % 20 === 7 ? { ...(others[i] as NumberedChannel), assignedNumber: nc.assignedNumber, channel: { ...(others[i] as NumberedChannel).channel, id: nc.channel.id } } : nc));
    // Then only fields the default EXTINF line is not made of (stream_url, a plugin's own): what a URL builder's reads must name.
    const own = ['id', 'channelName', 'tvgId', 'tvgName', 'tvgLogo', 'groupTitle'];
    const changedBeyond = changed.map((nc, i) => {
      if (i % 20 !== 13) return nc;
      const other = (others[i] as NumberedChannel).channel;
      const kept = Object.fromEntries(own.filter((key) => key in nc.channel).map((key) => [key, nc.channel[key]]));
      return { ...nc, channel: { ...Object.fromEntries(Object.entries(other).filter(([key]) => !own.includes(key))), ...kept } as Channel };
    });
    // Channels that come later: the records past `count` of a larger call, numbered after the rest.
    const numbers = original.map((nc) => nc.assignedNumber);
    let next = Math.max(0, ...numbers) + 1;
    const newcomers = channelsOf(count + 6, 6)
      .slice(count)
      .map((nc) => ({ ...nc, assignedNumber: next++ }));
    // Two left near the start, newcomers in the middle, a block moved to the end: later entries move.
    const moved = [...changedBeyond.slice(0, 3), ...changedBeyond.slice(5, 150), ...newcomers, ...changedBeyond.slice(190), ...changedBeyond.slice(150, 190)];
    const cache = new EntryCache();
    const rounds: [string, readonly NumberedChannel[]][] = [
      ['the first run', original],
      ['after every 20th channel changed', changed],
      ["after fields beyond the default line's changed in every 20th (stream_url, a plugin's own)", changedBeyond],
      ['after two left, six came and forty moved', moved],
      ['the same again', moved],
      ['back to the first channels', original],
    ];
    for (const [what, channels] of rounds) {
      const want = await full(channels);
      await checks.compare(`${count} channels with an EntryCache, ${what}`, want, async () => (await generator.generate(toChannelSource(channels, 32), { strategy: 'in-memory', cache })).playlist, problem);
    }
  });

  await checks.run('worker-safe', first.workerSafe === true ? undefined : 'it does not declare workerSafe: true, so the command renders its runs in one thread', async (problem) => {
    const channels = channelsOf(300, 9);
    /** Renders `channels[from, to)` as one part on `on`, with the channels' input indexes. */
    const part = async (on: M3uGenerator, from: number, to: number): Promise<string> => {
      const inner = toChannelSource(channels.slice(from, to), 32);
      const source: ChannelSource = {
        knownCount: to - from,
        nextBatch: async () => {
          const batch = await inner.nextBatch();
          return batch === undefined ? undefined : { ...batch, firstIndex: batch.firstIndex + from };
        },
      };
      await checks.settled(on.generate(source, { strategy: PART }));
      return parts.get(on) ?? '';
    };
    const whole = await part(generator, 0, channels.length);
    const workers = [makeGenerator(), makeGenerator()];
    const cuts = [0, 64, 128, 192, 256, 300];
    let text = '';
    for (let p = 0; p + 1 < cuts.length; p++) text += await part(workers[p % 2] as M3uGenerator, cuts[p] as number, cuts[p + 1] as number);
    if (text !== whole) problem(`300 channels in 5 parts on two generators taking turns: ${firstDifference(whole, text)}`);
  });

  return checks.report(`plugin "${first.name}"`);
}

/**
 * {@link checkPlugin}, throwing a {@link CheckError} (its message the
 * report's summary) if any check found a problem: one line in a test.
 *
 * @example
 * ```ts
 * import { assertPlugin } from '@m3ugen/plugin-check';
 * import { it } from 'vitest';
 *
 * it('keeps the playlist whole whatever the channels hold', () => assertPlugin(myPlugin));
 * ```
 */
export async function assertPlugin(plugin: M3uPlugin | (() => M3uPlugin), options: PluginCheckOptions = {}): Promise<CheckReport<PluginCheckName>> {
  const report = await checkPlugin(plugin, options);
  if (!report.passed) throw new CheckError(report);
  return report;
}
