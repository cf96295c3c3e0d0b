import type { ResolvedOptions } from './options.js';
import type { GenerationWarning, WarningCode, WarningSummary } from './warnings.js';

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
   * `channelIndex`, as the reader recorded them. Likewise `lookalike`, a
   * `missing-field` warning's key of the record like the field: given, the
   * message is taken to say it already. `aboutConfig: true` marks a warning
   * about the plugin's options rather than the input, which every run with
   * them raises (see {@link GenerationWarning.aboutConfig}): `m3ugen generate
   * --watch` then says it once per config, not at every change of the input.
   *
   * @example
   * ```ts
   * run.warn({ code: 'my-plugin:stale-logo', message: 'logo is older than a week', channelIndex: index });
   * // About the plugin's options, raised by every run that has them:
   * run.warn({ code: 'my-plugin:plain-http', message: 'the guide URL is plain http', aboutConfig: true });
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
    lookalike?: string | undefined;
    aboutConfig?: boolean | undefined;
  }): void;
  /**
   * The warnings raised so far in this run, counted by kind, with the first
   * of each (what the run's result gives at its end). Costs a copy of the
   * counts: read it between batches, not per channel. Two readings tell
   * what a stretch of the run raised, as the command's worker threads count
   * their part's warnings without listening to each one.
   *
   * @example
   * ```ts
   * const before = run.info.warningsSoFar().total;
   * // … render a batch …
   * const raised = run.info.warningsSoFar().total - before;
   * ```
   */
  warningsSoFar(): WarningSummary;
}
