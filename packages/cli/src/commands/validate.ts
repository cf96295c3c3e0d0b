import { Writable } from 'node:stream';
import { InputError, type DuplicateError, type GenerationResult } from '@m3ugen/core';
import { parseFlags } from '../args.js';
import { nameEarlierRecord, nameEarlierRecords } from '../earlier-record.js';
import type { InputPart } from '../parallel/input-parts.js';
import { PARALLEL_STRATEGY } from '../parallel/parallel-strategy.js';
import { chooseWorkers, parallelRunSource, requestedWorkers } from '../parallel/run-plan.js';
import { inConfigTerms, prepareRun, shareOfInputRead } from '../prepare.js';
import { counted, formatCount, Reporter } from '../reporter.js';
import { holdYoungGeneration } from '../young-generation.js';
import type { CommandIo } from './generate.js';
import { reportWarnings, summariseWarnings, warnIfNoChannels } from './warnings.js';

/** Where a record is in the input, for listing errors in input order. */
function position(error: InputError): number {
  return error.location.line ?? error.location.index ?? Number.MAX_SAFE_INTEGER;
}

/** Invalid records listed one by one before the rest are only counted. */
const LISTED = 20;

/**
 * `m3ugen validate`: checks the config, its plugins and every input record
 * by running the whole stage into nothing. Reports every invalid record
 * (the first 20 in full) and exits 1 if there was any; says the warnings
 * as `generate` does.
 */
export async function validateCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const flags = { ...parseFlags('validate', argv), skipInvalid: true };
  const reporter = new Reporter(io.stderr, flags.quiet ? 'quiet' : flags.verbose ? 'verbose' : 'normal');
  const invalid: InputError[] = [];
  /** Invalid records skipped so far, by the reader or, in a parallel run, by the worker threads; the last one's record index. */
  let skippedCount = 0;
  let lastSkipped = -1;
  const onSkip = (error: InputError): void => {
    skippedCount++;
    lastSkipped = Math.max(lastSkipped, error.location.index ?? -1);
    if (invalid.length < LISTED) invalid.push(error);
  };
  const prepared = await prepareRun(flags, io, reporter, onSkip);
  const { generator, reader, overrides, inputName, loaded, reopen } = prepared;
  const discard = new Writable({ write: (_chunk, _encoding, callback) => callback() });
  const configNote = loaded.file === undefined ? 'no config file' : `config ${loaded.file}`;
  // Strict mode fails a run at its first id that is not a UUID; the check lists them all, as it lists invalid records.
  const strict = overrides.strict ?? generator.options.strict ?? false;
  const notUuids: InputError[] = [];
  let notUuidCount = 0;
  /** Where the latest id that is not a UUID was: a record that then stops the check is counted once. */
  let lastNotUuid: number | undefined;
  if (strict) {
    generator.hooks.warning.tap('m3ugen-cli-strict', (warning) => {
      if (warning.code !== 'non-uuid-id') return;
      const location = { file: inputName, line: warning.line, index: warning.recordIndex ?? warning.channelIndex, field: 'channel.id' };
      lastNotUuid = location.line ?? location.index;
      if (++notUuidCount <= LISTED) notUuids.push(new InputError(`expected a UUID (strict mode), got ${JSON.stringify(warning.value)}`, location));
    });
  }
  // A repeated id or number does not stop the check: each is listed, and the check goes on past it, as past an invalid record.
  const duplicates: DuplicateError[] = [];
  /** Records with a repeated id or number that were not counted already (as ids that are not UUIDs), and where the latest was. */
  let duplicateCount = 0;
  let lastDuplicate: number | undefined;
  /** Counts the repeat at `at` (its record's line, or its index where it has no line). */
  const countDuplicate = (at: number): void => {
    // A record with both its id and its number repeated is one invalid record, listed with both.
    if (at !== lastDuplicate && at !== lastNotUuid) duplicateCount++;
    lastDuplicate = at;
  };
  const onDuplicate = (error: DuplicateError): void => {
    countDuplicate(position(error));
    if (duplicates.length < 2 * LISTED) duplicates.push(error);
  };
  /** Past the first 2 × LISTED (at most LISTED records, each with two), repeats are only counted: none of them is listed. */
  const duplicatesWanted = (): number => 2 * LISTED - duplicates.length;
  /** Lists the invalid records (with the one that stopped the check), the first in input order; returns how many there were. */
  const list = async (stoppedBy?: InputError): Promise<number> => {
    const byPosition = (a: InputError, b: InputError): number => position(a) - position(b);
    const all = [...invalid, ...notUuids, ...duplicates].sort(byPosition);
    const records = [...new Set(all.map(position))].slice(0, LISTED);
    // The first records in input order, each with every error it has; a repeated id or number names the record it repeats.
    const first = (await nameEarlierRecords(all.filter((error) => records.includes(position(error))), reopen)) as InputError[];
    const listed = stoppedBy === undefined ? first : [...first, stoppedBy].sort(byPosition);
    for (const error of listed) reporter.error(error.message);
    const count = skippedCount + notUuidCount + duplicateCount;
    if (count > records.length) reporter.error(`… and ${counted(count - records.length, 'more invalid record')}`);
    return count;
  };

  // A large NDJSON file is checked in worker threads, as generate renders it (nothing is written, so nothing to take back).
  const requested = requestedWorkers(prepared, flags);
  const plan = chooseWorkers(prepared, flags, requested, true, reporter);
  /** In a parallel run (where this thread reads no records), the file's bytes up to the end of the last part checked, and the records up to there. */
  let partsCheckedTo: number | undefined;
  let recordsInPartsChecked = 0;
  generator.hooks.progress.tap('m3ugen-cli', (progress) => reporter.progress(progress, 'checked', shareOfInputRead(prepared, partsCheckedTo)));
  reportWarnings(generator, reporter, inputName);
  let result: GenerationResult;
  const releaseYoungGeneration = plan.workers > 1 ? undefined : holdYoungGeneration();
  try {
    if (plan.workers > 1) {
      // The workers' runs are not strict either: each id that is not a UUID is listed, as this thread lists them.
      const partWritten = (part: InputPart): void => {
        partsCheckedTo = part.end;
        recordsInPartsChecked = part.firstIndex + part.records;
      };
      const source = await parallelRunSource(prepared, { flags, notStrict: true, workers: plan.workers, partWritten, onSkip, onDuplicate, countDuplicate, duplicatesWanted });
      result = await generator.generate(source, { ...overrides, strict: false, strategy: PARALLEL_STRATEGY, output: discard });
    } else {
      result = await generator.generate(reader, { ...overrides, strict: false, output: discard, onDuplicate });
    }
  } catch (thrown) {
    // A record that fails the run even with invalid records skipped (a line too long to read, a JSON syntax error)
    // ends the check: list it with the invalid records found so far.
    const error = await nameEarlierRecord(thrown, reopen);
    if (!(error instanceof InputError)) throw inConfigTerms(error, loaded, flags);
    const skipped = await list(error);
    const { line, index } = error.location;
    // The records up to the one that stopped the check, or up to the last invalid one listed (read ahead in its batch):
    // the same in a parallel run, where this thread read nothing. Without a record, as far as the reader got.
    const read = index !== undefined ? Math.max(index, lastSkipped + 1) : plan.workers > 1 ? recordsInPartsChecked : reader.stats.records + reader.stats.skipped;
    if (line === undefined && index === undefined) {
      // Not a record's fault: the input itself could not be read on (a cut gzip file).
      const invalid = skipped > 0 ? `, ${formatCount(skipped)} of them invalid` : '';
      reporter.error(`${inputName}: the check stopped after ${counted(read, 'record')}${invalid}: the input could not be read on (${configNote})`);
      return 1;
    }
    const at = line === undefined ? `record ${index}` : `line ${line}`;
    const stopping = lastNotUuid !== undefined && lastNotUuid === (line ?? index) ? 0 : 1;
    // A record the reader refused (a line too long, a JSON syntax error) was not handed over, so not counted: it was read all the same.
    const examined = index !== undefined && index >= read ? read + 1 : read;
    reporter.error(`${inputName}: ${counted(skipped + stopping, 'invalid record')} in the first ${formatCount(examined)}; ${at} stopped the check, later records were not read (${configNote})`);
    return 1;
  } finally {
    releaseYoungGeneration?.();
  }
  reporter.clearProgress();
  const invalidCount = await list();
  // In strict mode the ids that are not UUIDs were listed as invalid records, not warned about.
  summariseWarnings(result, reporter, strict ? ['non-uuid-id'] : []);
  warnIfNoChannels(result, skippedCount, reporter, inputName);
  const { metrics, warnings } = result;
  if (invalidCount > 0) {
    reporter.error(`${inputName}: ${counted(invalidCount, 'invalid record')}, ${formatCount(metrics.channels - notUuidCount - duplicateCount)} valid (${configNote})`);
    return 1;
  }
  io.stdout.write(`ok: ${inputName}: ${counted(metrics.channels, 'channel')} valid, ${counted(warnings.total, 'warning')} (${configNote})\n`);
  return 0;
}
