import type { ProgressInfo } from '@m3ugen/core';

/** Where the command writes what is not the playlist. */
export interface ErrorStream {
  write(text: string): unknown;
  readonly isTTY?: boolean | undefined;
  readonly columns?: number | undefined;
}

/** How much the command says on stderr. */
export type Verbosity = 'quiet' | 'normal' | 'verbose';

const PROGRESS_DELAY_MS = 300;
const PROGRESS_INTERVAL_MS = 100;

/**
 * A whole count as people read it: `1,000,000`. Written by hand, as
 * `toLocaleString` loads ICU's number formatting on first use: ~20 ms of a
 * small run's ~190 (docs/performance.md).
 */
function formatCount(count: number): string {
  return String(count).replace(/\B(?=(?:\d{3})+$)/g, ',');
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

const BAR_WIDTH = 24;

/** `[#####...] 21%` for a share done between 0 and 1 (clamped). */
function bar(done: number): string {
  const ratio = Math.min(1, Math.max(0, done));
  const filled = Math.round(ratio * BAR_WIDTH);
  return `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${Math.floor(ratio * 100)}%`;
}

/** C0 and C1 controls, DEL and the Unicode line separators: what can move a terminal's cursor, recolour it or start a line. */
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
/** The same but newline and tab, which a message may hold on purpose. */
const CONTROLS_BUT_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g;

function escapeControl(c: string): string {
  if (c === '\n') return '\\n';
  if (c === '\r') return '\\r';
  if (c === '\t') return '\\t';
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/**
 * `text` with its control characters written as escapes (`\n`, `\u001b`), for
 * a value from the input shown on stderr: a channel name must not recolour
 * or clear the operator's terminal, or start a line that looks like the
 * command's own.
 *
 * @example
 * ```ts
 * printable('News\u001b[2J\nm3ugen: ok'); // 'News\\u001b[2J\\nm3ugen: ok'
 * ```
 */
export function printable(text: string): string {
  return text.replace(CONTROLS, escapeControl);
}

/** A message for stderr: controls escaped as in {@link printable}, but its own newlines and tabs kept. */
export function printableMessage(text: string): string {
  return text.replace(CONTROLS_BUT_LINES, escapeControl);
}

/**
 * Messages on stderr: errors always, warnings and the summary unless quiet,
 * per-channel debug lines when verbose, and a progress bar only when stderr
 * is a terminal, the run takes longer than a moment, and not quiet.
 */
export class Reporter {
  readonly #stream: ErrorStream;
  readonly #verbosity: Verbosity;
  #progressShown = false;
  #lastProgress = Number.NEGATIVE_INFINITY;
  readonly #now: () => number;
  readonly #startedAt: number;

  /** @param now the clock (milliseconds); injectable for tests. */
  constructor(stream: ErrorStream, verbosity: Verbosity, now: () => number = () => performance.now()) {
    this.#stream = stream;
    this.#verbosity = verbosity;
    this.#now = now;
    this.#startedAt = now();
  }

  get verbose(): boolean {
    return this.#verbosity === 'verbose';
  }

  #line(text: string): void {
    this.clearProgress();
    this.#stream.write(`${printableMessage(text)}\n`);
  }

  error(message: string): void {
    this.#line(`m3ugen: error: ${message}`);
  }

  warn(message: string): void {
    if (this.#verbosity !== 'quiet') this.#line(`m3ugen: warning: ${message}`);
  }

  info(message: string): void {
    if (this.#verbosity !== 'quiet') this.#line(`m3ugen: ${message}`);
  }

  debug(message: string): void {
    if (this.#verbosity === 'verbose') this.#line(`[debug] ${message}`);
  }

  /**
   * Draws the progress bar (terminal only, throttled, after a short delay).
   * `checked`: the channels are checked, not written (`m3ugen validate`), so
   * the bar says so and leaves out the bytes and the strategy. `inputRead`:
   * the share of the input file read so far (0–1), for the bar of an input
   * whose channel count is not known before its end (NDJSON); without it, or
   * a known count, the line only counts.
   */
  progress(info: ProgressInfo, measure: 'written' | 'checked' = 'written', inputRead?: number): void {
    if (this.#verbosity === 'quiet' || this.#stream.isTTY !== true) return;
    const now = this.#now();
    if (now - this.#startedAt < PROGRESS_DELAY_MS || now - this.#lastProgress < PROGRESS_INTERVAL_MS) return;
    this.#lastProgress = now;
    const count = formatCount(info.channelsDone);
    const known = info.knownChannelCount !== undefined && info.knownChannelCount > 0 ? info.knownChannelCount : undefined;
    let text: string;
    if (known !== undefined) text = `${bar(info.channelsDone / known)} ${count}/${formatCount(known)} channels`;
    else if (inputRead !== undefined && Number.isFinite(inputRead)) text = `${bar(inputRead)} ${count} channels`;
    else text = `${count} channels`;
    // In memory nothing is written until the end: "0 B written" for most of a run would read as stuck.
    const written = info.bytesWritten > 0 ? ` · ${formatBytes(info.bytesWritten)} written` : '';
    text = measure === 'checked' ? `m3ugen: ${text} checked` : `m3ugen: ${text}${written} · ${info.strategy}`;
    const columns = this.#stream.columns ?? 80;
    this.#stream.write(`\r${text.slice(0, columns - 1)}\u001b[K`);
    this.#progressShown = true;
  }

  clearProgress(): void {
    if (!this.#progressShown) return;
    this.#stream.write('\r\u001b[K');
    this.#progressShown = false;
  }
}

export { formatBytes, formatCount };
