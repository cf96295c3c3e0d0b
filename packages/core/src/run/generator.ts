import type { Writable } from 'node:stream';
import { ulid } from 'ulid';
import { counted, describeValue, DuplicateError, formatCount, InputError, M3ugenError, OptionError, PluginError, RegistryError } from '../errors.js';
import { createGenerationHooks, explainMissingHook, forgetMissingHook, ignoreRejection, isTapped, isThenable, perChannelHooks, settleNotificationTaps, type GenerationHooks } from '../hooks/hooks.js';
import { PressureMonitor } from '../memory/pressure.js';
import { ChunkQueueSink, StringSink, WritableSink, type OwnedSink } from '../output/sink.js';
import { Registry } from '../registry/registry.js';
import { checkStrategyShape, checkUrlSchemeShape } from '../registry/shape.js';
import { createRenderers, renderHeader, type BatchRenderer, type EntryRenderer, type Renderers } from '../render/entry-renderer.js';
import { checkUrlOptions, startUrlScheme, type UrlScheme } from '../render/url-scheme.js';
import { proposeTakeover, selectAutomatically, type SelectionFacts } from '../strategy/select.js';
import type { Handover, M3uStrategy, StrategyChoice, StrategyRun, StrategySwitch } from '../strategy/strategy.js';
import { abortableSink, RunAbort } from './abort.js';
import { noteRead, toChannelSource, type ChannelBatch, type ChannelInput, type ChannelSource } from './channel-source.js';
import { FingerprintSet, nameEarlierChannel, NumberSet, type DuplicateIdIndex } from './duplicates.js';
import type { EntryCache } from './entry-cache.js';
import { absentFieldMessage, FieldPresence, type AbsentField, type FieldRead } from './field-reads.js';
import { isForeign, markForeign } from './foreign-errors.js';
import type { RunMetrics } from './metrics.js';
import { checkOptionNames, GENERATE_OPTION_NAMES, MEMORY_OPTIONS_OUTSIDE, namesOf, resolveOptions, type GenerateOptions, type ResolvedOptions } from './options.js';
import { RenderedOnce } from './rendered-once.js';
import type { RunInfo } from './run-info.js';
import { WarningLog, type WarningSummary } from './warnings.js';

/**
 * A plugin: an object whose `apply` taps hooks and registers strategies or
 * URL schemes by name.
 *
 * @example
 * ```ts
 * const addRadio: M3uPlugin = {
 *   name: 'radio',
 *   apply(generator) {
 *     generator.hooks.entryAttributes.tap('radio', (attributes, nc) =>
 *       nc.channel['is_radio'] === true ? [...attributes, { name: 'radio', value: 'true' }] : attributes);
 *   },
 * };
 * ```
 */
export interface M3uPlugin {
  readonly name: string;
  apply(generator: M3uGenerator): void;
  /**
   * `true` when the plugin's taps give the same output if each worker thread
   * of a parallel run applies the plugin to a generator of its own and
   * renders only some of the channels: no state kept from one channel to the
   * next, no effects besides the values returned. The command line renders
   * in worker threads only when every plugin says so.
   */
  readonly workerSafe?: boolean | undefined;
}

/** Options of a generator: defaults for every run, plus the plugins to apply. */
export interface GeneratorConfig extends GenerateOptions {
  readonly plugins?: readonly M3uPlugin[] | undefined;
}

const GENERATOR_CONFIG_NAMES = [...GENERATE_OPTION_NAMES, ...namesOf<Omit<GeneratorConfig, keyof GenerateOptions>>({ plugins: true })];

/** Options of one run: overrides of the generator's options and where the playlist goes. */
export interface RunOptions extends GenerateOptions {
  /** Write the playlist here instead of returning it. */
  readonly output?: Writable | undefined;
  /**
   * End `output` when the playlist is complete. Default `true`, but
   * `process.stdout` and `process.stderr` are never ended (as with Node's
   * `pipe()`), so a program can print after a run, or run again. With `false`
   * (stdout, a socket the caller goes on using) the run still resolves only
   * once `output` has called back for every chunk written, so a write that
   * fails late fails the run; a corked `output` must be uncorked for it to end.
   */
  readonly end?: boolean | undefined;
  /** Number of channels, when the input is a stream and the caller knows it (helps selection). */
  readonly channelCount?: number | undefined;
  /**
   * About how many channels the input holds, when the caller can tell
   * roughly but not exactly (a file's size over its first records' length).
   * Only automatic selection reads it, as the count where none is known: an
   * input it puts above `largeInputThreshold` starts with a strategy that
   * writes as it goes, instead of rendering the first channels in memory and
   * handing over. Progress and metrics never show it. A wrong estimate
   * costs only speed or memory: every strategy writes the same bytes.
   * Without it, the source's own estimate is taken
   * ({@link ChannelSource.estimatedCount}: a file reader's).
   *
   * @example
   * ```ts
   * await generator.generate(records, { output, estimatedChannelCount: Math.round(fileBytes / 300) });
   * ```
   */
  readonly estimatedChannelCount?: number | undefined;
  /** Reuse entries of earlier runs for unchanged channels (see {@link EntryCache}). */
  readonly cache?: EntryCache | undefined;
  /**
   * Where the run keeps channel ids to reject duplicates (default: a
   * {@link FingerprintSet} in memory). Used only when no plugin taps the
   * `channel` or `dropChannel` hooks and no `cache` is given (those decide
   * ids differently); the command line passes one that spills to disk.
   */
  readonly duplicateIds?: (() => DuplicateIdIndex) | undefined;
  /**
   * Called for each channel whose id or number an earlier channel of the run
   * had, instead of failing the run: the run goes on, and the channel is
   * rendered like any other, so the playlist has both. For a check that lists
   * every problem of an input (`m3ugen validate` lists every duplicate this
   * way). The error names the channel's record, not the earlier one
   * (`earlier` is not set). Each is reported as its channel is rendered,
   * except by a `duplicateIds` index that decides later (`settle`), which
   * reports the first it finds once every channel is rendered. A callback
   * that throws fails the run with what it threw. The errors carry no stack
   * trace (see `withoutStackTrace`): told, not thrown, they name a record,
   * not a place in code.
   *
   * @example
   * ```ts
   * const duplicates: DuplicateError[] = [];
   * await generator.generate(channels, { onDuplicate: (error) => duplicates.push(error) });
   * ```
   */
  readonly onDuplicate?: ((error: DuplicateError) => void) | undefined;
  /**
   * Stops the run when aborted (`AbortSignal.timeout(ms)`, an
   * `AbortController`'s signal): before the next batch, or at once while the
   * run waits for its input or for its output to drain. The run then rejects
   * with the signal's reason (a `DOMException` named `AbortError`, or
   * `TimeoutError`, unless `abort(reason)` was given one), as Node's own
   * APIs do; nothing more is written, `output` is left open for the caller
   * to discard, the input is closed, and a `cache` starts over.
   */
  readonly signal?: AbortSignal | undefined;
}

const RUN_ONLY_NAMES = namesOf<Omit<RunOptions, keyof GenerateOptions>>({ output: true, end: true, channelCount: true, estimatedChannelCount: true, cache: true, duplicateIds: true, onDuplicate: true, signal: true });
const RUN_OPTION_NAMES = [...GENERATE_OPTION_NAMES, ...RUN_ONLY_NAMES];

// Options given to the other one of generator and run are easy to mean (`cache` to the generator): say where they go.
const RUN_ONLY_ON_GENERATOR = Object.fromEntries(RUN_ONLY_NAMES.map((name) => [name, `an option of each run, not of the generator: pass it to generate(channels, { ${name} })`]));
const PLUGINS_ON_RUN = { plugins: 'plugins are applied once, by the generator: new M3uGenerator({ plugins }), createGenerator({ plugins }) or generator.use(plugin)' };

/** What every run returns. */
export interface GenerationResult {
  readonly metrics: RunMetrics;
  readonly warnings: WarningSummary;
  /** Fields declared with {@link M3uGenerator.readsField} that no record had a value for (each also an `absent-field` warning). */
  readonly absentFields: readonly AbsentField[];
}

/** The result of a run without `output`: the playlist itself. */
export interface PlaylistResult extends GenerationResult {
  readonly playlist: string;
}

/**
 * The playlist as an async iterable of text chunks, produced as fast as the
 * consumer reads (bounded queue). `result` is set once iteration completes.
 */
export interface PlaylistStream extends AsyncIterable<string> {
  readonly result: GenerationResult | undefined;
}

/** Bytes the chunk queue of {@link M3uGenerator.stream} holds before the run waits. */
const STREAM_QUEUE_BYTES = 128 * 1024;

/**
 * Refuses options that are not an object (from JavaScript, a string would
 * otherwise be read as options named "0", "1", …), saying what to pass.
 */
function checkOptionsObject(options: unknown, what: string, shape: string): void {
  if (options === undefined || (typeof options === 'object' && options !== null && !Array.isArray(options))) return;
  const url = typeof options === 'string' && /^https?:\/\//i.test(options) ? `: to set the base URL, pass { baseUrl: ${JSON.stringify(options)} }` : '';
  throw new TypeError(`${what}: expected an object (${shape}), got ${describeValue(options)}${url}`);
}

/** Whether `count` is a whole number of channels (0 or more). */
function isChannelCount(count: unknown): count is number {
  return Number.isSafeInteger(count) && (count as number) >= 0;
}

/** A channel count given in the run options: a whole number of channels, or nothing. */
function checkChannelCount(name: string, count: unknown): void {
  if (count === undefined || isChannelCount(count)) return;
  throw new OptionError(name, `expected a whole number of channels (0 or more), got ${describeValue(count)}`);
}

/** The source's {@link ChannelSource.estimatedCount}, when it gives a whole number of channels: a wrong one costs only speed, so one that is not (or throws) is no estimate. */
function estimateOf(source: ChannelSource): number | undefined {
  try {
    const count: unknown = source.estimatedCount;
    return isChannelCount(count) ? count : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The M3U generation stage. Holds the hooks, the strategy and URL-scheme
 * registries, and default options; each `generate` call is one run.
 *
 * @example
 * ```ts
 * import { M3uGenerator } from '@m3ugen/core';
 * import { inMemoryStrategy } from '@m3ugen/strategy-in-memory';
 * import { streamingStrategy } from '@m3ugen/strategy-streaming';
 * import { urlBuilder } from '@m3ugen/url-builder';
 *
 * const generator = new M3uGenerator({
 *   baseUrl: 'http://localhost:8080',
 *   proxyId: '01ARZ3NDEKTSV4RRFFQ69G5FAV',
 *   plugins: [inMemoryStrategy(), streamingStrategy(), urlBuilder()],
 * });
 * const { playlist, metrics } = await generator.generate(channels);
 * ```
 */
export class M3uGenerator {
  readonly hooks: GenerationHooks = createGenerationHooks();
  readonly strategies = new Registry<M3uStrategy>('strategy', checkStrategyShape);
  readonly urlSchemes = new Registry<UrlScheme>('URL scheme', checkUrlSchemeShape);
  readonly options: GenerateOptions;
  /** Input fields plugins declared they read, by field: see {@link M3uGenerator.readsField}. */
  readonly #fieldReads = new Map<string, FieldRead>();
  /** The latest ended run's renderers, released: see {@link Renderers.release}. */
  #latestRenderers: Renderers | undefined;

  constructor(config: GeneratorConfig = {}) {
    keepShapes();
    checkOptionsObject(config, 'generator options', '{ baseUrl, proxyId, plugins, … }');
    checkOptionNames(config, GENERATOR_CONFIG_NAMES, '', { ...RUN_ONLY_ON_GENERATOR, ...MEMORY_OPTIONS_OUTSIDE });
    const { plugins = [], ...options } = config;
    this.options = options;
    checkPlugins(plugins);
    for (const plugin of plugins) this.use(plugin);
  }

  /** Applies a plugin. Errors it throws name it. */
  use(plugin: M3uPlugin): this {
    checkPlugin(plugin, 'plugin');
    let applied: unknown;
    forgetMissingHook(this.hooks);
    try {
      applied = plugin.apply(this);
    } catch (error) {
      throw new PluginError(plugin.name, 'apply', undefined, explainMissingHook(this.hooks, error));
    }
    // An async apply's taps come after its first await, too late for a run started meanwhile; its failure, unheard.
    if (isThenable(applied)) {
      ignoreRejection(applied);
      const why = new TypeError('returned a Promise: apply is synchronous, and taps added after an await miss the runs started meanwhile; load what the plugin needs in a beforeRun tap (async), or, from a config, in an async factory');
      throw new PluginError(plugin.name, 'apply', undefined, why);
    }
    return this;
  }

  /**
   * Declares an input field a plugin's taps read (beyond the model's, which
   * the run checks itself). A run in which no record has a value for it
   * warns, once, after its channels (`absent-field`: `attribute
   * "tvg-country" reads field "contry", which is missing from every channel
   * (did you mean "country"?)`), since the field's values then reach no
   * entry. A field declared twice is looked at once, for the first reader.
   * A run with a `channel` tap, which may add fields to records, does not
   * look. Call it from `apply`.
   *
   * @example
   * ```ts
   * apply(generator) {
   *   generator.readsField({ field: 'country', by: 'attribute "tvg-country"', has: (nc) => typeof nc.channel['country'] === 'string' && nc.channel['country'] !== '' });
   *   generator.hooks.entryAttributes.tap('country', (list, nc) => [...list, { name: 'tvg-country', value: String(nc.channel['country'] ?? '') }]);
   * }
   * ```
   */
  readsField(read: FieldRead): this {
    const { field, by, has } = (read ?? {}) as Partial<FieldRead>;
    if (typeof field !== 'string' || field === '') throw new TypeError(`readsField: expected { field, by, has } with the field's name as text, got ${describeValue(field)} as field`);
    if (typeof by !== 'string' || by === '') throw new TypeError(`readsField("${field}"): expected "by", who reads it as text (attribute "x"), got ${describeValue(by)}`);
    if (typeof has !== 'function') throw new TypeError(`readsField("${field}"): expected "has", a function telling whether a record has a value for it, got ${describeValue(has)}`);
    if (!this.#fieldReads.has(field)) this.#fieldReads.set(field, { field, by, has });
    return this;
  }

  /**
   * Runs the stage over `channels`. Without `output` the playlist is returned
   * as a string; with it, the playlist is written there (and the stream ended).
   */
  generate(channels: ChannelInput, options?: RunOptions & { readonly output?: undefined }): Promise<PlaylistResult>;
  generate(channels: ChannelInput, options: RunOptions & { readonly output: Writable }): Promise<GenerationResult>;
  async generate(channels: ChannelInput, options: RunOptions = {}): Promise<GenerationResult | PlaylistResult> {
    if (options.output !== undefined) {
      if (!isWritable(options.output)) {
        throw new OptionError('output', `expected a Writable stream, such as fs.createWriteStream(path) or process.stdout; got ${describeValue(options.output)}`);
      }
      return this.#run(channels, options, new WritableSink(options.output, { end: options.end ?? true }));
    }
    const sink = new StringSink();
    const result = await this.#run(channels, options, sink);
    return { ...result, playlist: sink.text() };
  }

  /**
   * The playlist as text chunks; the run starts when iteration starts and
   * waits whenever the consumer falls behind. With the automatic choice, a
   * strategy that writes as it goes (`boundedMemory`; `streaming` of the
   * built-ins) is preferred, so the first chunks come while the input is
   * still being read.
   *
   * @example
   * ```ts
   * for await (const chunk of generator.stream(channels)) response.write(chunk);
   * ```
   */
  stream(channels: ChannelInput, options: RunOptions = {}): PlaylistStream {
    // The chunks are the output: an `output` too would be dropped without a word.
    if (options.output !== undefined) throw new OptionError('output', 'stream() hands the playlist over as chunks; to write it to a Writable, call generate(channels, { output })');
    const run = (sink: ChunkQueueSink): Promise<GenerationResult> => this.#run(channels, options, sink, true);
    const stream = {
      result: undefined as GenerationResult | undefined,
      async *[Symbol.asyncIterator](): AsyncGenerator<string, void, undefined> {
        const sink = new ChunkQueueSink(STREAM_QUEUE_BYTES);
        const finished = run(sink).then((result) => {
          stream.result = result;
        });
        // A failure reaches the consumer through the queue; this keeps it from being "unhandled" twice.
        finished.catch(() => undefined);
        yield* sink.chunks();
        await finished;
      },
    };
    return stream;
  }

  /**
   * What shapes an entry besides its record: the generator, the options that
   * reach the writer, and which plugins tap the per-channel hooks. An entry
   * cache starts over when this changes.
   */
  #cacheEpoch(options: ResolvedOptions): string {
    const { hooks } = this;
    const taps = perChannelHooks(hooks).map((hook) => hook.taps.map((t) => t.name).join(','));
    this.#identity ??= ulid();
    return JSON.stringify([this.#identity, options.baseUrl, options.proxyId, options.urlScheme, options.urlOptions, options.strict, options.checkDuplicates, taps]);
  }

  #identity: string | undefined;

  /** @param chunksWanted the caller takes chunks as they are made (`stream()`): see {@link SelectionFacts.chunksWanted}. */
  async #run(input: ChannelInput, runOptions: RunOptions, sink: OwnedSink, chunksWanted = false): Promise<GenerationResult> {
    const startedAt = performance.now();
    const { hooks } = this;
    const source = toChannelSource(input);
    let options: ResolvedOptions;
    let abort: RunAbort | undefined;
    try {
      checkOptionsObject(runOptions, 'run options', '{ output, cache, signal, … }');
      checkOptionNames(runOptions, RUN_OPTION_NAMES, '', { ...PLUGINS_ON_RUN, ...MEMORY_OPTIONS_OUTSIDE });
      options = resolveOptions(this.options, runOptions);
      const { signal, cache, onDuplicate } = runOptions;
      checkChannelCount('channelCount', runOptions.channelCount);
      checkChannelCount('estimatedChannelCount', runOptions.estimatedChannelCount);
      if (onDuplicate !== undefined && typeof onDuplicate !== 'function') {
        throw new OptionError('onDuplicate', `expected a function called with each DuplicateError, got ${describeValue(onDuplicate)}`);
      }
      if (signal !== undefined && !(signal instanceof AbortSignal)) {
        throw new OptionError('signal', `expected an AbortSignal, such as AbortSignal.timeout(60_000) or an AbortController's signal; got ${describeValue(signal)}`);
      }
      // By its methods, not instanceof: a cache from another copy of this package works as well.
      if (cache !== undefined && (typeof cache !== 'object' || cache === null || typeof (cache as Partial<EntryCache>).begin !== 'function' || typeof (cache as Partial<EntryCache>).renderBatch !== 'function')) {
        const made = typeof cache === 'function' ? ': create one with new EntryCache() and give the same one to each run' : '';
        throw new OptionError('cache', `expected an EntryCache (new EntryCache() from @m3ugen/core), got ${typeof cache === 'function' ? 'a class or function' : describeValue(cache)}${made}`);
      }
      signal?.throwIfAborted();
      abort = signal === undefined ? undefined : new RunAbort(signal);
    } catch (error) {
      await closeQuietly(source);
      throw error;
    }
    const warnings = new WarningLog();
    const knownChannelCount = runOptions.channelCount ?? source.knownCount;
    const run: RunInfo = Object.freeze({
      runId: ulid(),
      options,
      knownChannelCount,
      warn: (w: Parameters<RunInfo['warn']>[0]) =>
        warnings.add(w.code, w.field, w.channelIndex, () => w.message, w.value, w.reason, w),
      warningsSoFar: () => warnings.summary(),
    });

    let idIndex: DuplicateIdIndex | undefined;
    /** Whether `onDuplicate` was told of a duplicate. */
    let duplicatesReported = false;
    /** Set once this run holds the cache: a run refused it must not discard another run's entries. */
    let cacheBegun = false;
    /** This run's renderers, once made: released when it ends. */
    let made: Renderers | undefined;
    try {
      // Listening first: a warning a plugin raises in beforeRun (a guide it could not load) is the hook's too;
      // and again after it, for a listener a plugin tapped there.
      const listenIfTapped = (): void => {
        if (isTapped(hooks.warning)) warnings.listen((warning) => hooks.warning.call(warning, run));
      };
      listenIfTapped();
      await hooks.beforeRun.promise(run);
      listenIfTapped();

      if (this.urlSchemes.list().length === 0) {
        throw new RegistryError('no URL scheme is registered: add the urlBuilder() plugin of @m3ugen/url-builder');
      }
      const scheme = this.urlSchemes.require(options.urlScheme);
      checkUrlOptions(scheme, options.urlOptions, this.urlSchemes.list());
      const buildUrl = startUrlScheme(scheme, run);
      const counts = { rendered: 0, dropped: 0 };
      const cache = runOptions.cache;
      cache?.begin(this.#cacheEpoch(options), knownChannelCount);
      cacheBegun = cache !== undefined;
      idIndex =
        runOptions.duplicateIds !== undefined && cache === undefined && !isTapped(hooks.channel) && !isTapped(hooks.dropChannel) ? runOptions.duplicateIds() : undefined;
      const onDuplicate = runOptions.onDuplicate;
      const reportDuplicate =
        onDuplicate === undefined
          ? undefined
          : (error: DuplicateError): void => {
              duplicatesReported = true;
              onDuplicate(error);
            };
      const renderers = createRenderers({ hooks, run, warnings, buildUrl, counts, sourceName: source.name, cache, idIndex, onDuplicate: reportDuplicate });
      made = renderers;

      const monitor = new PressureMonitor({
        maxMemoryBytes: options.memory.maxMemoryBytes,
        thresholds: options.memory.thresholds,
        enabled: options.memory.enableTracking,
        probe: options.memory.probe,
        sampleIntervalMs: options.memory.sampleIntervalMs,
      });
      const strategies = this.strategies.list();
      const automatic = options.strategy === 'auto';
      // A reader may have to read its file's start to tell: asked only where automatic selection would use it.
      const estimatedChannelCount = runOptions.estimatedChannelCount ?? (automatic && knownChannelCount === undefined ? estimateOf(source) : undefined);
      // One object literal, not `{ ...facts(), channelsDone, automatic }` per checkpoint: V8 gives a spread
      // copy a map of its own, and adding properties to it took about 6 µs a checkpoint in a 1M-channel run.
      const facts = (channelsDone: number): Parameters<typeof proposeTakeover>[1] => ({
        strategies,
        pressure: monitor.level(),
        knownChannelCount,
        estimatedChannelCount,
        largeInputThreshold: options.memory.largeInputThreshold,
        headroomBytes: monitor.headroomBytes(),
        chunksWanted,
        channelsDone,
        automatic,
      });

      const initial = facts(0);
      let choice: StrategyChoice = automatic
        ? selectAutomatically(initial)
        : { strategy: this.strategies.require(options.strategy).name, reason: 'requested by the strategy option', pressure: initial.pressure };
      const override = hooks.selectStrategy.call({
        run,
        pressure: initial.pressure,
        knownChannelCount,
        estimatedChannelCount,
        strategies,
        proposed: choice,
      });
      if (override !== undefined && override !== choice.strategy) {
        choice = { strategy: this.strategies.require(override).name, reason: 'chosen by a selectStrategy hook', pressure: initial.pressure };
      }
      hooks.strategyChosen.call(choice, run);

      const switches: StrategySwitch[] = [];
      let finalStrategy = choice.strategy;
      const progressTapped = isTapped(hooks.progress);
      // A channel tap may add the field to each record (enriching it), after the source hands it out: then nothing is known.
      const presence = new FieldPresence(isTapped(hooks.channel) ? [] : [...this.#fieldReads.values()]);
      const taken = new CountedSource(source, input, abort, presence);
      const output = abort === undefined ? sink : abortableSink(sink, abort);
      /** What the strategies rendered, to check against what they wrote: the header once, then every entry. */
      const rendered: RenderedText = { header: false, bytes: 0, exact: true };
      const renderedOnce = new RenderedOnce(() => finalStrategy, taken, knownChannelCount);
      const renderEntry: EntryRenderer = (nc, index) => {
        renderedOnce.mark(index, index + 1);
        const text = renderers.entry(nc, index);
        rendered.bytes += Buffer.byteLength(text, 'utf8');
        return text;
      };
      const renderBatch: BatchRenderer = (batch) => {
        renderedOnce.mark(batch.firstIndex, batch.firstIndex + batch.end - batch.start);
        const text = renderers.batch(batch);
        rendered.bytes += text.bytes;
        return text;
      };
      const makeRun = (strategy: M3uStrategy, handover: Handover | undefined): StrategyRun => ({
        info: run,
        strategy: strategy.name,
        source: taken,
        output,
        handover,
        indexShapesEntries: renderers.indexShapesEntries,
        renderHeader: () => {
          const header = renderHeader(hooks, run);
          // Counted once: a strategy may render it to measure it, but writes it once.
          if (!rendered.header) rendered.bytes += Buffer.byteLength(header, 'utf8');
          rendered.header = true;
          return header;
        },
        renderEntry,
        renderBatch,
        checkpoint: (channelsDone) => {
          if (progressTapped) {
            hooks.progress.call(
              { channelsDone, knownChannelCount, bytesWritten: sink.bytesWritten, strategy: strategy.name, elapsedMs: performance.now() - startedAt },
              run,
            );
          }
          return proposeTakeover(strategy, facts(channelsDone));
        },
        switchTo: async (change, partial) => {
          const target = this.strategies.require(change.to);
          if (!target.contract.canTakeOverMidStage) {
            throw new RegistryError(`strategy "${target.name}" cannot take over a run mid-stage`);
          }
          const record: StrategySwitch = {
            from: strategy.name,
            to: target.name,
            reason: change.reason,
            pressure: change.pressure,
            atChannel: partial.channelsDone,
          };
          switches.push(record);
          finalStrategy = target.name;
          hooks.strategySwitched.call(record, run);
          await target.generate(makeRun(target, { ...partial, from: strategy.name }));
        },
        yieldToEventLoop: () => new Promise<void>((resolve) => setImmediate(resolve)),
        countRenderedElsewhere: (channels, dropped, bytes, absentFields) => {
          counts.rendered += channels;
          counts.dropped += dropped;
          presence.noteElsewhere(absentFields);
          if (bytes === undefined) rendered.exact = false;
          else rendered.bytes += bytes;
        },
      });

      const first = this.strategies.require(choice.strategy);
      try {
        await first.generate(makeRun(first, undefined));
      } catch (error) {
        throw strategyFailure(error, finalStrategy);
      }
      await checkEverythingRendered(finalStrategy, taken, counts.rendered);
      if (this.strategies.require(finalStrategy).contract.writesElsewhere !== true) checkEverythingWritten(finalStrategy, rendered, sink.bytesWritten);
      // After every channel's warnings, as the channels rendered elsewhere report theirs: the same place for every strategy.
      const absentFields = counts.rendered > 0 ? presence.absent() : [];
      for (const absent of absentFields) warnings.add('absent-field', absent.field, undefined, () => absentFieldMessage(absent));
      const duplicate = await idIndex?.settle?.();
      if (duplicate instanceof DuplicateError && reportDuplicate !== undefined) reportDuplicate(duplicate);
      else if (duplicate !== undefined) throw duplicate;
      await settleNotificationTaps(run);
      await sink.close();
      // A cache takes the ids of the entries it holds for unique, so it checks only re-rendered ones: after duplicates, the next run starts over.
      if (duplicatesReported) cache?.discard();
      else cache?.end();

      const durationMs = performance.now() - startedAt;
      const channels = counts.rendered - counts.dropped;
      const summary = warnings.summary();
      const metrics: RunMetrics = {
        runId: run.runId,
        channels,
        inputChannels: counts.rendered,
        droppedChannels: counts.dropped,
        bytes: sink.bytesWritten,
        durationMs,
        channelsPerSecond: durationMs > 0 ? (channels * 1000) / durationMs : 0,
        peakRssBytes: Math.max(monitor.peakRssBytes, process.resourceUsage().maxRSS * 1024),
        peakHeapUsedBytes: Math.max(monitor.peakHeapUsedBytes, process.memoryUsage().heapUsed),
        strategy: finalStrategy,
        initialStrategy: choice.strategy,
        strategySwitches: switches,
        warnings: summary.total,
        warningCounts: summary.counts,
        reusedEntries: cache?.stats.reused ?? 0,
      };
      await hooks.afterRun.promise(metrics, run);
      return { metrics, warnings: summary, absentFields };
    } catch (error) {
      let failure = error instanceof Error ? error : new Error(String(error));
      // A duplicate id found only now may come before the channel that failed: report the first error in input order.
      const failedAt = failure instanceof InputError ? failure.location.index : undefined;
      if (failedAt !== undefined && idIndex?.settle !== undefined) failure = (await idIndex.settle(failedAt).catch(() => undefined)) ?? failure;
      if (failure instanceof DuplicateError && Array.isArray(input)) failure = nameEarlierChannel(failure, input);
      sink.abort(failure);
      // Aborted runs end now: an input that stopped answering would never finish closing (its pending read comes first).
      if (abort?.aborted === true) void closeQuietly(source);
      else await closeQuietly(source);
      // Entries of a failed run were never checked as a whole: the next run starts over.
      if (cacheBegun) runOptions.cache?.discard();
      try {
        hooks.runFailed.call(failure, run);
      } catch {
        // A failing failure listener must not hide the original error.
      }
      throw failure;
    } finally {
      abort?.dispose();
      // Held, let go of the run, until the next run ends: their compiled code stays for that run (Renderers.release).
      made?.release();
      this.#latestRenderers = made ?? this.#latestRenderers;
    }
  }
}

/**
 * Refuses a `plugins` list holding what is not a plugin, naming its place
 * (`plugins[0]`), before anything is applied. The common slip is a plugin
 * factory listed without being called (`plugins: [attributes]`): functions
 * have an `apply` method of their own, so it "applied" by calling the
 * factory and dropping the plugin it made, without a word. A generator
 * checks its own list; a preset that adds plugins before the caller's checks
 * the caller's list first, so the places are the caller's.
 *
 * @throws {OptionError} naming the entry and what it is.
 * @example
 * ```ts
 * checkPlugins([attributes]);
 * // throws: option "plugins[0]": got the function "attributes" where a plugin belongs: call it (attributes() or attributes({ … })) to make the plugin
 * ```
 */
export function checkPlugins(plugins: unknown, key = 'plugins'): asserts plugins is readonly M3uPlugin[] {
  if (!Array.isArray(plugins)) throw new OptionError(key, `expected a list of plugins, got ${describeValue(plugins)}`);
  for (const [index, plugin] of plugins.entries()) checkPlugin(plugin, `${key}[${index}]`);
}

function checkPlugin(plugin: unknown, key: string): asserts plugin is M3uPlugin {
  if (typeof plugin === 'function') {
    const name = plugin.name === '' ? 'the factory' : plugin.name;
    throw new OptionError(key, `got the function ${name === 'the factory' ? '' : `"${name}" `}where a plugin belongs: call it (${name}() or ${name}({ … })) to make the plugin`);
  }
  if (typeof plugin !== 'object' || plugin === null) throw new OptionError(key, `expected a plugin ({ name, apply }), got ${describeValue(plugin)}`);
  const { name, apply } = plugin as { name?: unknown; apply?: unknown };
  if (typeof apply !== 'function') throw new OptionError(key, `expected a plugin ({ name, apply }), got an object without an apply function`);
  if (typeof name !== 'string' || name.trim() === '') {
    throw new OptionError(key, `a plugin needs a name, which errors and the worker-thread check name it by; got ${name === undefined ? 'none' : describeValue(name)}`);
  }
}

/** See {@link keepShapes}. */
let shapesKept: readonly object[] | undefined;

/**
 * Makes, once per process, one small instance of each class a run makes anew,
 * and holds them. V8 forgets a class's hidden classes once a garbage
 * collection finds no object of them, and with them the optimized code of
 * every function compiled for them: a program that generates again and again
 * with collections in between (a service answering requests, `--watch`)
 * compiled its hot path anew on every run (`test/bench/repeated-runs.mjs`).
 */
function keepShapes(): void {
  if (shapesKept !== undefined) return;
  const presence = new FieldPresence([]);
  const source = new CountedSource(toChannelSource([]), [], undefined, presence);
  shapesKept = [presence, source, new RenderedOnce(() => '', source, 0), new WarningLog(), new StringSink(), new FingerprintSet(0), new NumberSet(0)];
}

/** The source as strategies see it: what they take is counted, so the run can check it all came out. */
class CountedSource implements ChannelSource {
  readonly #source: ChannelSource;
  /** What the caller gave the run, which a one-shot input is known by (see noteRead). */
  readonly #input: unknown;
  #pulled = false;
  /** Channels handed out so far. */
  channels = 0;
  /** Whether `nextBatch` has given `undefined`. */
  exhausted = false;
  /** The input indexes handed out: from the first batch's first (a worker's part starts past 0) to the last batch's end. */
  firstIndex = 0;
  endIndex = 0;

  readonly #abort: RunAbort | undefined;
  readonly #presence: FieldPresence;

  constructor(source: ChannelSource, input: unknown, abort: RunAbort | undefined, presence: FieldPresence) {
    this.#source = source;
    this.#input = input;
    this.#abort = abort;
    this.#presence = presence;
  }

  // Read through: a source may learn its count or name once it has started.
  get knownCount(): number | undefined {
    return this.#source.knownCount;
  }

  get name(): string | undefined {
    return this.#source.name;
  }

  async nextBatch(): Promise<ChannelBatch | undefined> {
    let batch: ChannelBatch | undefined;
    const abort = this.#abort;
    try {
      abort?.check();
      batch = await (abort === undefined ? this.#source.nextBatch() : abort.race(this.#source.nextBatch()));
    } catch (error) {
      throw markForeign(error);
    }
    if (!this.#pulled) {
      this.#pulled = true;
      noteRead(this.#input, batch === undefined, this.#source.name);
    }
    if (batch === undefined) {
      this.exhausted = true;
    } else {
      if (this.channels === 0) this.firstIndex = batch.firstIndex;
      this.channels += batch.end - batch.start;
      this.endIndex = batch.firstIndex + batch.end - batch.start;
      this.#presence.scan(batch);
    }
    return batch;
  }
}

/**
 * What a strategy's run threw, named for the strategy when the strategy's own
 * code threw it: a third-party strategy's bug then says whose it is. Errors
 * m3ugen raised on purpose, and those of the input or the output (see
 * foreign-errors.ts), pass through as they are.
 */
function strategyFailure(error: unknown, strategy: string): unknown {
  if (error instanceof M3ugenError || isForeign(error)) return error;
  const why = error instanceof Error ? error.message : String(error);
  return new M3ugenError('E_STRATEGY', `strategy "${strategy}" failed: ${why}`, { cause: error });
}

/**
 * A strategy that returns before the input's end, or without rendering every
 * channel it took, would publish a short playlist as a success: a third-party
 * strategy's bug must fail the run instead. (Channels rendered in worker
 * threads are counted through `countRenderedElsewhere`.)
 */
async function checkEverythingRendered(strategy: string, taken: CountedSource, rendered: number): Promise<void> {
  const read = taken.channels;
  if (!taken.exhausted && (await taken.nextBatch()) !== undefined) {
    throw new M3ugenError('E_STRATEGY', `strategy "${strategy}" returned before the end of the input, after ${counted(read, 'channel')}: a strategy reads run.source until nextBatch() gives undefined`);
  }
  if (rendered < read) {
    throw new M3ugenError('E_STRATEGY', `strategy "${strategy}" rendered ${formatCount(rendered)} of the ${counted(read, 'channel')} it read: every channel goes through renderEntry or renderBatch`);
  }
}

/** What a run's strategies rendered; `exact` unless channels rendered elsewhere were counted without their bytes. */
interface RenderedText {
  header: boolean;
  bytes: number;
  exact: boolean;
}

/**
 * A strategy that never rendered the header, or wrote other than what it
 * rendered (an entry twice, one left out, nothing at all, text of its own,
 * a wrong `bytes` count), would publish a playlist that differs from every
 * other strategy's, or a wrong byte count, as a success. Not asked of one
 * whose contract says it `writesElsewhere`.
 */
function checkEverythingWritten(strategy: string, rendered: RenderedText, written: number): void {
  if (!rendered.header) {
    throw new M3ugenError('E_STRATEGY', `strategy "${strategy}" never rendered the header: a strategy writes run.renderHeader() first (or, taking over, run.handover.chunks)`);
  }
  if (rendered.exact && written !== rendered.bytes) {
    throw new M3ugenError(
      'E_STRATEGY',
      `strategy "${strategy}" wrote ${written} bytes where it rendered ${rendered.bytes}: a strategy writes what renderHeader, renderBatch and renderEntry return, each once, and passes output.write the bytes renderBatch gave`,
    );
  }
}

/** Has what a run uses of a Node `Writable` (a string path or a web WritableStream does not). */
function isWritable(value: unknown): value is Writable {
  const candidate = value as Partial<Writable> | null;
  return typeof candidate === 'object' && candidate !== null && typeof candidate.write === 'function' && typeof candidate.end === 'function' && typeof candidate.on === 'function';
}

/** Lets a source a failed run did not finish release its input; a failure there must not hide the run's. */
async function closeQuietly(source: ChannelSource): Promise<void> {
  try {
    await source.close?.();
  } catch {
    // The run's own error is the one to report.
  }
}
