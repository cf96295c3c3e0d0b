import { describeError, firstDifference, HungRun, STOP_CHECK, within } from './harness.js';
// For TSDoc links.
import type { assertPlugin } from './check-plugin.js';
import type { assertStrategy } from './check-strategy.js';

/** One check's outcome. */
export interface CheckResult<Name extends string = string> {
  readonly name: Name;
  /** What the check makes sure of, in a sentence. */
  readonly description: string;
  /** Why it did not run (what was checked does not claim to do this), or `undefined`. */
  readonly skipped: string | undefined;
  /** What went wrong, one line each (the first few); empty when it passed or was skipped. */
  readonly problems: readonly string[];
}

/** Every check's outcome for one strategy or plugin. */
export interface CheckReport<Name extends string = string> {
  /** What was checked: `strategy "sorted"`, `plugin "my-attributes"`. */
  readonly subject: string;
  /** No check found a problem. */
  readonly passed: boolean;
  readonly checks: readonly CheckResult<Name>[];
  /** The report as text: one line a check, then its problems. */
  readonly summary: string;
}

/**
 * Thrown by {@link assertStrategy} and {@link assertPlugin} when a check
 * found a problem; its message is the report's summary.
 *
 * @example
 * ```ts
 * try {
 *   await assertStrategy(myStrategy);
 * } catch (error) {
 *   if (error instanceof CheckError) console.error(error.report.checks.filter((c) => c.problems.length > 0));
 * }
 * ```
 */
export class CheckError extends Error {
  constructor(readonly report: CheckReport) {
    super(report.summary);
    this.name = 'CheckError';
  }
}

/** Problems listed per check before the rest are only counted. */
const LISTED = 5;

/** Collects a problem of the check being run. */
export type Problem = (text: string) => void;

/** Runs checks one after another and builds their report. */
export class Checks<Name extends string> {
  readonly #results: CheckResult<Name>[] = [];

  constructor(
    private readonly descriptions: Readonly<Record<Name, string>>,
    private readonly timeoutMs: number,
    /** Run after each check, whatever happened: resets what the check's runs changed. */
    private readonly afterEach: () => void = () => undefined,
  ) {}

  /** Runs check `name` unless `skipped` says why not; what `body` throws is its last problem. */
  async run(name: Name, skipped: string | undefined, body: (problem: Problem) => Promise<void>): Promise<void> {
    const problems: string[] = [];
    let count = 0;
    const problem: Problem = (text) => {
      if (++count <= LISTED) problems.push(text);
    };
    if (skipped === undefined) {
      try {
        await body(problem);
      } catch (error) {
        if (error !== STOP_CHECK) problem(`the check could not go on: ${describeError(error)}`);
      } finally {
        this.afterEach();
      }
    }
    if (count > LISTED) problems.push(`… and ${count - LISTED} more`);
    this.#results.push({ name, description: this.descriptions[name], skipped, problems });
  }

  /**
   * Awaits a run that returns the playlist; a problem, prefixed with `what`,
   * if it fails or gives other than `want`. A run that does not settle is
   * reported, and the check makes no more runs.
   */
  async compare(what: string, want: string, run: () => Promise<string>, problem: Problem): Promise<void> {
    let got: string;
    try {
      got = await this.settled(run());
    } catch (error) {
      if (error instanceof HungRun) {
        problem(`${what}: ${error.message}; the check's later runs were not made`);
        throw STOP_CHECK;
      }
      problem(`${what}: the run failed: ${describeError(error)}`);
      return;
    }
    if (got !== want) problem(`${what}: ${firstDifference(want, got)}`);
  }

  /** `promise`, or a {@link HungRun} once the check's timeout has passed. */
  settled<T>(promise: Promise<T>): Promise<T> {
    return within(promise, this.timeoutMs);
  }

  /** The report on `subject` (`strategy "x"`). */
  report(subject: string): CheckReport<Name> {
    const results = this.#results;
    const passed = results.every((result) => result.problems.length === 0);
    const failed = results.filter((result) => result.problems.length > 0).length;
    const lines = [`${subject}: ${passed ? 'every check passed' : `${failed} of ${results.length} checks found problems`}`];
    for (const result of results) {
      const outcome = result.skipped !== undefined ? `skipped: ${result.skipped}` : result.problems.length === 0 ? 'ok' : 'FAILED';
      lines.push(`  ${result.name}: ${outcome}`);
      for (const text of result.problems) lines.push(`    ${text}`);
    }
    return { subject, passed, checks: [...results], summary: lines.join('\n') };
  }
}
