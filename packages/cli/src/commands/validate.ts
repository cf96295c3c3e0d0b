import { Writable } from 'node:stream';
import type { InputError } from '@m3ugen/core';
import { parseFlags } from '../args.js';
import { prepareRun } from '../prepare.js';
import { Reporter } from '../reporter.js';
import type { CommandIo } from './generate.js';

/** Invalid records listed one by one before the rest are only counted. */
const LISTED = 20;

/**
 * `m3ugen validate`: checks the config, its plugins and every input record
 * by running the whole stage into nothing. Reports every invalid record
 * (the first 20 in full) and exits 1 if there was any.
 */
export async function validateCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const flags = { ...parseFlags('validate', argv), skipInvalid: true };
  const reporter = new Reporter(io.stderr, flags.quiet ? 'quiet' : flags.verbose ? 'verbose' : 'normal');
  const invalid: InputError[] = [];
  const { generator, reader, overrides, inputName, loaded } = await prepareRun(flags, io, reporter, (error) => {
    if (invalid.length < LISTED) invalid.push(error);
  });
  const discard = new Writable({ write: (_chunk, _encoding, callback) => callback() });
  const { metrics, warnings } = await generator.generate(reader, { ...overrides, output: discard });

  for (const error of invalid) reporter.error(error.message);
  const skipped = reader.stats.skipped;
  if (skipped > LISTED) reporter.error(`… and ${skipped - LISTED} more invalid record(s)`);
  const configNote = loaded.file === undefined ? 'no config file' : `config ${loaded.file}`;
  if (skipped > 0) {
    reporter.error(`${inputName}: ${skipped} invalid record(s), ${metrics.channels} valid (${configNote})`);
    return 1;
  }
  io.stdout.write(`ok: ${inputName}: ${metrics.channels} channels valid, ${warnings.total} warning(s) (${configNote})\n`);
  return 0;
}
