import type { ResolvedOptions } from './options.js';
import type { GenerationWarning, WarningCode } from './warnings.js';

/**
 * What every hook and strategy knows about the run it is part of. The same
 * object for the whole run (hooks get it without a per-channel allocation).
 */
export interface RunInfo {
  /** A ULID naming this run (metrics, temporary files). */
  readonly runId: string;
  readonly options: ResolvedOptions;
  /** Channels in the input, when known before the run. */
  readonly knownChannelCount: number | undefined;
  /**
   * Raises a warning: counted in the metrics and passed to the `warning` hook.
   * `value` is the field's value it is about, if any; `reason` what it says
   * without the channel's place, as a {@link GenerationWarning} carries it
   * (a warning the `warning` hook gave can be raised again as it is).
   * `line` and `recordIndex` place it in the input where the run's own
   * records cannot (a warning about a record read elsewhere, such as in a
   * worker thread); without them, they are those of the channel at
   * `channelIndex`, as the reader recorded them.
   *
   * @example
   * ```ts
   * run.warn({ code: 'my-plugin:stale-logo', message: 'logo is older than a week', channelIndex: index });
   * ```
   */
  warn(warning: {
    code: WarningCode;
    message: string;
    channelIndex?: number | undefined;
    field?: string | undefined;
    value?: string | undefined;
    reason?: string | undefined;
    line?: number | undefined;
    recordIndex?: number | undefined;
  }): void;
}
