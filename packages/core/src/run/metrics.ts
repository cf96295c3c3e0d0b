import type { StrategySwitch } from '../strategy/strategy.js';
import type { EntryCache } from './entry-cache.js';

/**
 * Measurements of one run. The field names are the ones `m3ugen generate
 * --metrics FILE` writes (contract §3).
 */
export interface RunMetrics {
  readonly runId: string;
  /** Entries written to the playlist. */
  readonly channels: number;
  /** Input channels read, dropped ones included. */
  readonly inputChannels: number;
  /** Channels a plugin dropped. */
  readonly droppedChannels: number;
  /** UTF-8 bytes of the playlist. */
  readonly bytes: number;
  readonly durationMs: number;
  /** Entries written per second of the whole run. */
  readonly channelsPerSecond: number;
  /** The process's peak resident set size so far (`process.resourceUsage().maxRSS`). */
  readonly peakRssBytes: number;
  /** Highest V8 heap use seen by the pressure monitor's samples (and at the end). */
  readonly peakHeapUsedBytes: number;
  /** The strategy that finished the run. */
  readonly strategy: string;
  readonly initialStrategy: string;
  readonly strategySwitches: readonly StrategySwitch[];
  /** Number of warnings. */
  readonly warnings: number;
  /** Warnings by `code` or `code:field`. */
  readonly warningCounts: Readonly<Record<string, number>>;
  /** Entries reused from an {@link EntryCache} instead of rendered (0 without one). */
  readonly reusedEntries: number;
}
