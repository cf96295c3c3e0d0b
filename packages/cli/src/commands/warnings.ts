import type { GenerationResult, M3uGenerator } from '@m3ugen/core';
import { formatCount, type Reporter } from '../reporter.js';

/**
 * Says a run's warnings as they are raised: a missing proxy ULID at once (it
 * changes every URL), each other one only with `--verbose` (an input can
 * raise one per channel), after the input and line of its record when the
 * reader knows them, as errors name them. {@link summariseWarnings} counts
 * them at the end. Skipped records are the command's to report, as it skips them.
 */
export function reportWarnings(generator: M3uGenerator, reporter: Reporter, inputName: string): void {
  generator.hooks.warning.tap('m3ugen-cli', (warning) => {
    if (warning.code === 'missing-proxy-id') reporter.warn(warning.message);
    else if (warning.code !== 'skipped-record') reporter.debug(`warning: ${warning.line === undefined ? '' : `${inputName}: line ${warning.line}: `}${warning.message}`);
  });
}

/** One line per kind of warning the run raised, with its count; a plugin's own codes as they are (`3 × my-plugin:stale-logo`). */
export function summariseWarnings(result: GenerationResult, reporter: Reporter): void {
  for (const [key, total] of Object.entries(result.warnings.counts)) {
    const [code, field] = key.split(':');
    const count = formatCount(total);
    if (code === 'missing-field') reporter.warn(`${count} channel(s) without ${field ?? 'a field'} (written as "")`);
    else if (code === 'non-uuid-id') reporter.warn(`${count} channel id(s) are not UUIDs (use --strict to reject them)`);
    else if (code === 'blank-name') reporter.warn(`${count} channel(s) with a blank channel_name (written as their tvg_name, their id or "Channel N")`);
    else if (code !== 'skipped-record' && code !== 'missing-proxy-id') reporter.warn(`${count} × ${key}`);
  }
}
