import { counted, formatCount, type ProgressInfo } from '@m3ugen/core';

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

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** `[#####...] 21%` for a share done between 0 and 1 (clamped). */
function bar(done: number, width: number): string {
  const ratio = Math.min(1, Math.max(0, done));
  const filled = Math.round(ratio * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${Math.floor(ratio * 100)}%`;
}

/** What the progress line says after the count, each part shown whole or not at all. */
interface ProgressParts {
  readonly written?: string | undefined;
  readonly strategy?: string | undefined;
}

/**
 * The progress line's layouts, fullest first: the bar narrowed, then the
 * strategy left out, then the bytes written. A run only ever moves down the
 * list (numbers grow), so the bar does not jump between widths as it draws.
 */
const PROGRESS_LAYOUTS = [
  { bar: 24, written: true, strategy: true },
  { bar: 16, written: true, strategy: true },
  { bar: 10, written: true, strategy: true },
  { bar: 10, written: true, strategy: false },
  { bar: 10, written: false, strategy: false },
] as const;

/**
 * The progress line that fits in `width` characters, in the first layout
 * from `from` on that fits, and that layout's index: an 80-column terminal
 * shows `… · 282.1 MB written · parallel` with a narrower bar rather than the
 * line cut to `· paralle`. Cut only if the last layout does not fit either.
 */
function fitProgressLine(share: number | undefined, count: string, parts: ProgressParts, width: number, from: number): { text: string; layout: number } {
  let text = '';
  for (let layout = from; layout < PROGRESS_LAYOUTS.length; layout++) {
    const shape = PROGRESS_LAYOUTS[layout]!;
    const shown = [share === undefined ? count : `${bar(share, shape.bar)} ${count}`];
    if (shape.written && parts.written !== undefined) shown.push(parts.written);
    if (shape.strategy && parts.strategy !== undefined) shown.push(parts.strategy);
    text = `m3ugen: ${shown.join(' · ')}`;
    if (text.length <= width) return { text, layout };
  }
  return { text: text.slice(0, width), layout: PROGRESS_LAYOUTS.length - 1 };
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
  /** The progress line's layout so far (PROGRESS_LAYOUTS): it only gets more compact. */
  #progressLayout = 0;
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

  /** Whether stderr is a terminal, where someone may press Ctrl-C (not a service's journal). */
  get atTerminal(): boolean {
    return this.#stream.isTTY === true;
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
    const done = formatCount(info.channelsDone);
    const known = info.knownChannelCount !== undefined && info.knownChannelCount > 0 ? info.knownChannelCount : undefined;
    let share: number | undefined;
    let count = `${done} channels`;
    if (known !== undefined) {
      share = info.channelsDone / known;
      count = `${done}/${formatCount(known)} channels`;
    } else if (inputRead !== undefined && Number.isFinite(inputRead)) share = inputRead;
    let parts: ProgressParts = {};
    if (measure === 'checked') count += ' checked';
    // In memory nothing is written until the end: "0 B written" for most of a run would read as stuck.
    else parts = { written: info.bytesWritten > 0 ? `${formatBytes(info.bytesWritten)} written` : undefined, strategy: info.strategy };
    // A terminal whose size is not set (a serial console, `script`, some containers) says 0 columns.
    const columns = this.#stream.columns !== undefined && this.#stream.columns > 0 ? this.#stream.columns : 80;
    // One column short of the width: a line that fills it makes some terminals wrap.
    const { text, layout } = fitProgressLine(share, count, parts, columns - 1, this.#progressLayout);
    this.#progressLayout = layout;
    this.#stream.write(`\r${text}\u001b[K`);
    this.#progressShown = true;
  }

  clearProgress(): void {
    if (!this.#progressShown) return;
    this.#stream.write('\r\u001b[K');
    this.#progressShown = false;
  }
}

export { counted, formatBytes, formatCount };
