import type { GenerationResult, GenerationWarning, M3uGenerator, WarningCode } from '@m3ugen/core';
import { MISSING_PROXY_ID_MESSAGE } from '@m3ugen/url-builder';
import { counted, formatCount, type Reporter } from '../reporter.js';

/**
 * With `--verbose`, says each warning as it is raised, after the input and
 * line of its record when the reader knows them, as errors name them (and
 * then its reason alone, without core's "channel at index N: ", which counts
 * channels, not lines).
 * Without it, nothing listens: a listener makes core build every warning's
 * message and object, ~7% of a run whose million channels each lack two
 * fields (docs/performance.md). {@link summariseWarnings} says them all, counted,
 * at the end. Skipped records are the command's to report, as it skips them.
 */
export function reportWarnings(generator: M3uGenerator, reporter: Reporter, inputName: string): void {
  if (!reporter.verbose) return;
  generator.hooks.warning.tap('m3ugen-cli', (warning) => {
    if (warning.code === 'skipped-record') return;
    const { line, recordIndex } = warning;
    const where = line !== undefined ? `${inputName}: line ${line}: ` : recordIndex !== undefined ? `${inputName}: record ${recordIndex}: ` : '';
    // Core's messages start with the channel's index, which an operator cannot look up in the file: the record's place replaces it.
    reporter.debug(`warning: ${where}${where === '' ? warning.message : warning.reason}`);
  });
}

/** Raised once, by the proxy URL scheme, when the run starts. */
const MISSING_PROXY_ID: WarningCode = 'missing-proxy-id';

/** Where a warning's record is, as an operator finds it in the input (`line 7`, a JSON array's `record 3`), when the reader recorded it. */
function placeOf(warning: GenerationWarning | undefined): string | undefined {
  if (warning?.line !== undefined) return `line ${warning.line}`;
  if (warning?.recordIndex !== undefined) return `record ${warning.recordIndex}`;
  return undefined;
}

/**
 * One line per kind of warning the run raised, with its count and where the
 * first of them is (`3 channels without tvg_logo (written as ""), the first
 * at line 7`): the place to start looking, without `--verbose` listing
 * each. A plugin's own kinds are said in its words, from the first one's
 * message: alone (`guide.xml answered 503 (epg:unreachable)`), or counted
 * (`3 × my-plugin:stale-logo, the first at line 2: logo is older than a week`).
 * Codes in `said` were reported otherwise (`validate --strict` lists its
 * non-UUID ids as errors). `saidOfConfig`: the kinds of warning about the
 * config rather than the input (`aboutConfig`: no proxy ULID, a plugin's
 * about its options) said already, which runs of `--watch` with the same
 * config share: said at the first run, not at each; the set gains those
 * said now.
 */
export function summariseWarnings(result: GenerationResult, reporter: Reporter, said: readonly string[] = [], saidOfConfig?: Set<string>): void {
  for (const [key, total] of Object.entries(result.warnings.counts)) {
    const [code, field] = key.split(':');
    if (said.includes(code!)) continue;
    const first = result.warnings.firstWarnings[key];
    // Every run with the config raises it again (the proxy scheme's, a plugin's about its options).
    if (first?.aboutConfig === true && saidOfConfig !== undefined) {
      if (saidOfConfig.has(key)) continue;
      saidOfConfig.add(key);
    }
    const count = formatCount(total);
    const place = placeOf(first);
    const where = place === undefined ? '' : total === 1 ? `, at ${place}` : `, the first at ${place}`;
    if (code === MISSING_PROXY_ID) reporter.warn(MISSING_PROXY_ID_MESSAGE);
    else if (code === 'missing-field') {
      // The first's record has the field under another key: most often every record has, and the writer is to mend.
      const lookalike = first?.lookalike === undefined ? '' : `; ${where === '' ? 'the first' : 'its'} record has "${first.lookalike}" (misspelt?)`;
      reporter.warn(`${counted(total, 'channel')} without ${field ?? 'a field'} (written as "")${where}${lookalike}`);
    }
    else if (code === 'non-uuid-id') reporter.warn(total === 1 ? `1 channel id is not a UUID (use --strict to reject it)${where}` : `${count} channel ids are not UUIDs (use --strict to reject them)${where}`);
    // One per field a plugin reads, its message naming the reader and the field it most likely meant.
    else if (code === 'absent-field') reporter.warn(result.warnings.firstMessages[key] ?? `no channel has field ${field}`);
    else if (code === 'blank-name') {
      const theirs = total === 1 ? 'its' : 'their';
      reporter.warn(`${counted(total, 'channel')} with a blank channel_name (written as ${theirs} tvg_name, ${theirs} id or "Channel N")${where}`);
    }
    else if (code !== 'skipped-record') {
      // Placed, its reason: core's message would name the channel's index, which an operator cannot look up in the file.
      const message = (place === undefined ? first?.message : first?.reason) ?? '';
      if (total === 1) reporter.warn(message === '' ? key : place === undefined ? `${message} (${key})` : `${place}: ${message} (${key})`);
      else reporter.warn(`${count} × ${key}${message === '' ? '' : `${where === '' ? ', the first' : where}: ${message}`}${reporter.verbose ? '' : ' (--verbose says each)'}`);
    }
  }
}

/**
 * Says an input that held no channel record at all. Its playlist is the
 * header alone, and published over an earlier one, which is rarely what an
 * empty export from upstream meant; an input whose every record was
 * skipped as invalid is refused before this (`generate`).
 */
export function warnIfNoChannels(result: GenerationResult, skipped: number, reporter: Reporter, inputName: string): void {
  if (result.metrics.inputChannels === 0 && skipped === 0) reporter.warn(`${inputName} holds no channel records: its playlist is the header alone`);
}
