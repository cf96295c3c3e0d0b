import type { Named } from '../registry/registry.js';
import type { PressureLevel } from '../memory/pressure.js';
import type { PlaylistSink } from '../output/sink.js';
import type { ChannelSource } from '../run/channel-source.js';
import type { AbsentField } from '../run/field-reads.js';
import type { RunInfo } from '../run/run-info.js';
import type { BatchRenderer, EntryRenderer } from '../render/entry-renderer.js';
// For TSDoc links.
import type { EntryCache } from '../run/entry-cache.js';

/**
 * What a strategy promises, read by automatic selection and mid-run switching.
 *
 * @example
 * ```ts
 * const contract: StrategyContract = {
 *   estimateMemoryBytes: (n) => n * 600,
 *   supportedPressure: ['optimal', 'moderate', 'high'],
 *   selectablePressure: ['optimal', 'moderate'],
 *   canTakeOverMidStage: false,
 *   boundedMemory: false,
 *   preference: 100,
 *   automatic: true,
 * };
 * ```
 */
export interface StrategyContract {
  /** Bytes the strategy needs for `channelCount` channels, beyond the input itself. */
  estimateMemoryBytes(channelCount: number): number;
  /** Pressure levels it may run at; at any other level a running copy is asked to hand over. */
  readonly supportedPressure: readonly PressureLevel[];
  /**
   * Levels at which automatic selection may start it (defaults to
   * `supportedPressure`). The seed starts in-memory only at optimal or
   * moderate pressure but lets a running in-memory pass go on at high.
   */
  readonly selectablePressure?: readonly PressureLevel[] | undefined;
  /** It can continue a run another strategy started (the seed's "supports mid-stage switching"). */
  readonly canTakeOverMidStage: boolean;
  /** Its memory does not grow with the number of channels (a large input only goes to such strategies). */
  readonly boundedMemory: boolean;
  /** Among eligible strategies, automatic selection picks the highest preference (fastest first). */
  readonly preference: number;
  /** It may be chosen by `strategy = "auto"`. Strategies that change the bytes (gzip) should say `false`. */
  readonly automatic: boolean;
  /**
   * It delivers what it renders somewhere other than `run.output` (its own
   * destination; the command's worker threads hand a part's entries to the
   * main thread), so the run does not check that the output received the
   * header and every entry. Without it, a strategy that renders but writes
   * less, or nothing, fails the run (`E_STRATEGY`) rather than publishing a
   * playlist missing lines.
   */
  readonly writesElsewhere?: boolean | undefined;
}

/**
 * A generation strategy: turns the run's channel source into playlist text
 * on the run's output. Built-in strategies register exactly like this.
 *
 * @example
 * ```ts
 * const simple: M3uStrategy = {
 *   name: 'simple',
 *   description: 'renders everything, then writes once',
 *   contract: { estimateMemoryBytes: (n) => n * 300, supportedPressure: ['optimal'], canTakeOverMidStage: false, boundedMemory: false, preference: 0, automatic: false },
 *   async generate(run) {
 *     let text = run.renderHeader();
 *     for (let b = await run.source.nextBatch(); b; b = await run.source.nextBatch()) text += run.renderBatch(b).text;
 *     await run.output.write(text);
 *   },
 * };
 * generator.strategies.register(simple);
 * ```
 */
export interface M3uStrategy extends Named {
  readonly description: string;
  readonly contract: StrategyContract;
  /** Writes the header (unless handed over) and every remaining channel's entry to `run.output`. */
  generate(run: StrategyRun): Promise<void>;
}

/** Text a strategy produced before handing the run over, and how far it got. */
export interface Handover {
  readonly from: string;
  /** Already rendered text, header included, in order. Written before anything else. */
  readonly chunks: readonly string[];
  /** Input channels consumed so far (the next channel's index). */
  readonly channelsDone: number;
}

/** A recommendation from {@link StrategyRun.checkpoint}: switch to `to`. */
export interface MidRunSwitch {
  readonly to: string;
  readonly reason: string;
  readonly pressure: PressureLevel;
}

/** What a strategy gets to work with. */
export interface StrategyRun {
  readonly info: RunInfo;
  /** The name of the strategy this run object was made for. */
  readonly strategy: string;
  /** Shared with any strategy that takes over: it resumes at the next batch. */
  readonly source: ChannelSource;
  readonly output: PlaylistSink;
  /** Set when this strategy takes over a run another one started. */
  readonly handover: Handover | undefined;
  /**
   * Whether a channel's index may change its entry's text: a per-channel
   * tap that did not say `readsIndex: false`, or a URL scheme whose builder
   * does not say what it reads. A strategy that has channels rendered
   * elsewhere under other indexes (a worker thread's run over part of the
   * input, counting from where it thinks the part starts) must, when it is
   * `true`, have them rendered with the indexes they have in this run: by
   * rendering them again, or by telling the other run those indexes before
   * it renders (as the command's worker threads do).
   */
  readonly indexShapesEntries: boolean;
  /** The header text with its newline. */
  renderHeader(): string;
  /** A channel's EXTINF and URL lines with newlines, or `""` if a plugin dropped it. */
  readonly renderEntry: EntryRenderer;
  /**
   * A whole batch's entries as one string, with its UTF-8 length: the same
   * text as `renderEntry` over the batch, concatenated. Prefer it: it is what
   * lets an {@link EntryCache} hand back unchanged entries without rendering
   * or copying them. Pass `bytes` on to `output.write`.
   */
  readonly renderBatch: BatchRenderer;
  /**
   * Call between batches with the number of input channels consumed. Samples
   * memory (throttled), reports progress, and recommends a switch when this
   * strategy no longer fits the pressure or the input size.
   */
  checkpoint(channelsDone: number): MidRunSwitch | undefined;
  /** Hands the rest of the run to another strategy and resolves when it is done. */
  switchTo(change: MidRunSwitch, handover: Omit<Handover, 'from'>): Promise<void>;
  /** Lets timers and I/O run (setImmediate). */
  yieldToEventLoop(): Promise<void>;
  /**
   * For a strategy that renders channels somewhere else than `renderEntry`
   * and `renderBatch` (worker threads running their own runs over parts of
   * the input): counts them in the run's metrics, and their UTF-8 `bytes`
   * among what was rendered, which the run checks against what was written.
   * Their warnings go through `info.warn`. `absentFields` is what their
   * runs found missing from all their records (`GenerationResult.absentFields`):
   * a declared field missing from every part is then the run's warning too;
   * leave it out when unknown.
   *
   * @example
   * ```ts
   * const part = await worker.render(slice); // { bytes, rendered: 12288, dropped: 0 }
   * await run.output.writeBytes(part.bytes);
   * run.countRenderedElsewhere(part.rendered, part.dropped, part.bytes.byteLength);
   * ```
   */
  countRenderedElsewhere(rendered: number, dropped: number, bytes?: number, absentFields?: readonly AbsentField[]): void;
}

/** Input of the `selectStrategy` hook. */
export interface StrategySelectionRequest {
  readonly run: RunInfo;
  readonly pressure: PressureLevel;
  readonly knownChannelCount: number | undefined;
  /** About how many channels the input holds, where the caller or the source could tell (the run option `estimatedChannelCount`, else the source's `estimatedCount`, read only for automatic selection). */
  readonly estimatedChannelCount?: number | undefined;
  /** Every registered strategy. */
  readonly strategies: readonly M3uStrategy[];
  /** What automatic selection (or the `strategy` option) would pick. */
  readonly proposed: StrategyChoice;
}

/** The strategy a run starts with, and why. */
export interface StrategyChoice {
  readonly strategy: string;
  readonly reason: string;
  readonly pressure: PressureLevel;
}

/** One mid-run switch, as listed in the metrics. */
export interface StrategySwitch {
  readonly from: string;
  readonly to: string;
  readonly reason: string;
  readonly pressure: PressureLevel;
  /** Input channels consumed before the switch. */
  readonly atChannel: number;
}

/** Argument of the `progress` hook. */
export interface ProgressInfo {
  readonly channelsDone: number;
  readonly knownChannelCount: number | undefined;
  readonly bytesWritten: number;
  readonly strategy: string;
  readonly elapsedMs: number;
}
