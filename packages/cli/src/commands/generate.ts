import { closeSync, constants, openSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { filesNamedByPlugins, localModulesImportedBy } from '@m3ugen/config';
import { EntryCache, formatLocation, InputError, M3ugenError, systemErrorReason, type GenerationResult, type GenerationWarning, type RunInfo, type RunMetrics } from '@m3ugen/core';
import { parseFlags, REFUSED_VALUE, UsageError } from '../args.js';
import { nameEarlierRecord, rescan } from '../earlier-record.js';
import { reportFailure } from '../failure.js';
import { PARALLEL_STRATEGY } from '../parallel/parallel-strategy.js';
import { chooseWorkers, parallelRunSource, requestedWorkers } from '../parallel/run-plan.js';
import { inConfigTerms, overwriteConflict, prepareRun, regularFileBytes, shareOfInputRead, shown, type PreparedRun } from '../prepare.js';
import { checkPublishable, cleanUpOnExit, publishAtomically } from '../publish.js';
import { counted, formatBytes, formatCount, printable, Reporter, type ErrorStream } from '../reporter.js';
import { SpillingIdIndex } from '../spilling-id-index.js';
import { InputChangedError, watchFiles, watchInput, type WatchedFile } from '../watch.js';
import { holdYoungGeneration } from '../young-generation.js';
import { reportWarnings, summariseWarnings, warnIfNoChannels } from './warnings.js';

/** The streams a command talks to (injectable for tests). */
export interface CommandIo {
  /** `isTTY`: stdin is a terminal (as on `process.stdin`), where `--input -` says it waits for typed records. */
  readonly stdin: Readable & { readonly isTTY?: boolean | undefined };
  readonly stdout: Writable;
  /** A writable too: `--output /dev/stderr` and `--metrics /dev/stderr` write the playlist or the metrics there. */
  readonly stderr: Writable & ErrorStream;
}

/** What `--metrics FILE` writes: the run's metrics plus what the command knows. */
export interface MetricsReport extends RunMetrics {
  /** The first message of each kind of warning, keyed as `warningCounts` (what a plugin's own warning said). */
  readonly warningMessages: Readonly<Record<string, string>>;
  /**
   * The first warning of each kind, whole, keyed as `warningCounts`: with the
   * `line` (a JSON array's `recordIndex`) of its record, where a report
   * tells where to start looking.
   */
  readonly firstWarnings: Readonly<Record<string, GenerationWarning>>;
  readonly skippedRecords: number;
  readonly input: string;
  readonly output: string;
}

/** `M3UGEN_MEMORY_IDS`: ids the duplicate check keeps in memory before spilling (tests set it low). */
function memoryIdsFromEnvironment(): number | undefined {
  const value = Number(process.env['M3UGEN_MEMORY_IDS']);
  return Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

const METRICS = { label: 'metrics file' } as const;

/**
 * A system error writing the playlist to stdout or stderr (a full disk
 * behind `> playlist.m3u`), in the words `--output FILE` uses, not Node's
 * `ENOSPC: no space left on device, write`. A reader of stdout that went
 * away (EPIPE) is not a failure (main.ts).
 */
function standardStreamFailure(error: unknown, stream: 'stdout' | 'stderr'): M3ugenError | undefined {
  const { code, syscall } = (error ?? {}) as NodeJS.ErrnoException;
  if (typeof code !== 'string' || code === 'EPIPE' || syscall !== 'write') return undefined;
  return new M3ugenError('E_OUTPUT', `cannot write the playlist to ${stream}: ${systemErrorReason(error, 'no such file')}`, { cause: error });
}

/** An output file named `….gz` is written gzip-compressed, as an input so named is read. */
function gzipped(path: string): boolean {
  return /\.gz$/i.test(path);
}

/**
 * `write` into `file` through gzip: the run writes the playlist's text into
 * the compressor, whose output goes to the file. Resolves once the file has
 * everything; a failure on either side fails both (pipeline), so a run
 * never waits on a compressor whose file is gone.
 */
async function throughGzip<T>(file: Writable, write: (output: Writable) => Promise<T>): Promise<T> {
  // Loaded here: every run would otherwise load zlib before its first byte (docs/performance.md).
  const { createGzip } = process.getBuiltinModule('node:zlib') as typeof import('node:zlib');
  const gzip = createGzip();
  const piped = pipeline(gzip, file);
  // Its failure reaches the run through the destroyed compressor; awaited below, it must not count as unhandled meanwhile.
  piped.catch(() => undefined);
  try {
    const result = await write(gzip);
    await piped;
    return result;
  } catch (error) {
    gzip.destroy();
    await piped.catch(() => undefined);
    throw error;
  }
}

/** Why `--watch` cannot run with this input or output, if it cannot. */
function watchConflict(prepared: PreparedRun): string | undefined {
  if (prepared.reopen === undefined) return `--watch needs an input file to watch and read again, not ${prepared.inputPath === '-' ? 'stdin' : 'a pipe'}`;
  if (prepared.outputPath === undefined) return '--watch needs --output FILE: it publishes the playlist there again after each change';
  return undefined;
}

/**
 * Makes a prepared run one `--watch` can use: its input opened only by each
 * run (after the watch has started and the file's version was taken), and
 * an output and metrics path it can publish to (else every run would fail).
 */
async function readyToWatch(prepared: PreparedRun): Promise<void> {
  await prepared.reader.close();
  await checkPublishable(prepared.outputPath!);
  if (prepared.metricsPath !== undefined) await checkPublishable(prepared.metricsPath, METRICS);
}

/**
 * Whether a SIGHUP came because the command's terminal was closed, which
 * should end it, rather than to have the config read again: the process
 * had a terminal and can no longer open it. A service has none to lose.
 */
function terminalHungUp(): boolean {
  if (process.stdin.isTTY !== true && process.stderr.isTTY !== true) return false;
  try {
    closeSync(openSync('/dev/tty', constants.O_RDONLY | constants.O_NOCTTY | constants.O_NONBLOCK));
    return false;
  } catch {
    return true;
  }
}

/**
 * The files a config in use is made of, as messages name them: the config
 * file, the files its plugins name (modules, templates), and the local
 * modules a JavaScript or TypeScript config or a plugin module imports.
 */
async function configFiles(prepared: PreparedRun): Promise<WatchedFile[]> {
  const { file, config, dir } = prepared.loaded;
  const configFile = file === undefined ? [] : [{ path: resolve(file), name: file }];
  const named = filesNamedByPlugins(config.plugins ?? [], dir);
  const modules = [...configFile.map(({ path }) => path), ...named.filter(({ role }) => role === 'module').map(({ path }) => path)];
  const imported = (await localModulesImportedBy(modules)).map((path) => ({ path, name: shown(path) }));
  return [...configFile, ...named.map(({ path, name }) => ({ path, name })), ...imported];
}

/** Skipped records said one by one (all with --verbose); the rest are counted. */
const SKIPS_SHOWN = 10;

/** `m3ugen generate`: channels in, playlist out (stdout, or atomically to a file). */
export async function generateCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const flags = parseFlags('generate', argv);
  const reporter = new Reporter(io.stderr, flags.quiet ? 'quiet' : flags.verbose ? 'verbose' : 'normal');
  /** The run's first skipped record's error, for the refusal of an input none of whose records was valid; how many were skipped. */
  const skips: { first: InputError | undefined; count: number } = { first: undefined, count: 0 };
  /** The file's bytes up to the end of the last part written, in a parallel run (where this thread reads nothing). */
  let partsWrittenTo: number | undefined;
  /** Says a record skipped as invalid (the reader's, or a worker thread's in a parallel run), counting it. */
  const onSkip = (error: InputError, warn: RunInfo['warn'] | undefined): void => {
    skips.first ??= error;
    warn?.({ code: 'skipped-record', message: `skipped invalid record: ${error.message}` });
    // A file in the wrong shape has an invalid record on every line: a few say why, the count says how many.
    if (++skips.count <= SKIPS_SHOWN || reporter.verbose) reporter.warn(`skipped invalid record: ${error.message}`);
  };
  /**
   * Loads the config and its plugins, opens the input and taps the
   * generator: at the start, and again each time `--watch` reads the config
   * anew.
   */
  const prepare = async (): Promise<PreparedRun> => {
    const prepared = await prepareRun(flags, io, reporter, onSkip);
    const conflict = overwriteConflict(prepared) ?? (flags.watch ? watchConflict(prepared) : undefined);
    if (conflict !== undefined) {
      await prepared.reader.close();
      throw new UsageError(conflict, REFUSED_VALUE);
    }
    const { generator } = prepared;
    generator.hooks.progress.tap('m3ugen-cli', (progress) => reporter.progress(progress, 'written', shareOfInputRead(current, partsWrittenTo)));
    generator.hooks.strategyChosen.tap('m3ugen-cli', (choice) => reporter.debug(`strategy ${choice.strategy}: ${choice.reason}`));
    generator.hooks.strategySwitched.tap('m3ugen-cli', (change) =>
      reporter.info(`switched from ${change.from} to ${change.to} after ${counted(change.atChannel, 'channel')}: ${change.reason}`),
    );
    reportWarnings(generator, reporter, prepared.inputName);
    if (reporter.verbose) {
      // The seed's debug logging: each channel, its EXTINF line and its URL.
      generator.hooks.streamUrl.tap('m3ugen-cli', (url, nc) => {
        const ch = nc.channel;
        // Values as they came in, controls escaped: a name must not drive the operator's terminal.
        reporter.debug(
          `M3U Generation - Channel #${nc.assignedNumber}: id=${printable(ch.id)}, channel_name='${printable(ch.channelName)}', tvg_name='${printable(ch.tvgName ?? '')}', stream_url='${printable(url)}'`,
        );
        return url;
      });
      generator.hooks.extinfLine.tap('m3ugen-cli', (line) => {
        reporter.debug(`M3U Generation - Generated EXTINF: '${printable(line)}'`);
        return line;
      });
    }
    return prepared;
  };
  /** The config, plugins and paths runs use now (`--watch` replaces them when it reads the config anew). */
  let prepared = await prepare();
  /** The run under way: its reader is the input opened again for each run of --watch. */
  let current = prepared;

  const requested = requestedWorkers(prepared, flags);
  if (flags.watch) {
    // Each run reuses the entries of the one before, which this thread keeps: no worker threads.
    if (requested !== 'auto' && requested > 1) reporter.warn(`workers = ${requested}: --watch renders in this thread, which keeps each entry for the next run`);
    // A path no run could publish to (a missing folder) ends the command now, rather than failing every run.
    await readyToWatch(prepared);
    return watchRuns();
  }
  return generateOnce(requested);

  /**
   * `--watch`: runs at each change of the input with one `EntryCache`, until
   * the config is read anew (an edit of the config file or of a file its
   * plugins read, or SIGHUP); then, once the run under way has ended, with
   * the new config, its paths and a new cache. A config that cannot be
   * used (invalid, a plugin failing to load, an output it cannot publish
   * to) is said, and the runs go on with the one before.
   */
  async function watchRuns(): Promise<number> {
    /** The config read anew, ready to replace `prepared` when the session using it ends. */
    let next: PreparedRun | undefined;
    let session = new AbortController();
    /** Watches the files the config in use is made of. */
    let files = new AbortController();
    let reading = false;
    let readAgain: string | undefined;
    const reload = async (why: string): Promise<void> => {
      if (reading) {
        readAgain = why;
        return;
      }
      reading = true;
      for (let reason: string | undefined = why; reason !== undefined; reason = readAgain) {
        readAgain = undefined;
        reporter.info(`${reason}: reading the config again`);
        try {
          const candidate = await prepare();
          await readyToWatch(candidate);
          next = candidate;
          session.abort();
        } catch (error) {
          // Not the command line's fault now (no input named, an output over the input): said without the usage.
          if (error instanceof UsageError) reporter.error(error.message);
          else reportFailure(error, io.stderr, flags.verbose);
          reporter.warn(`the config read before stays in use; ${prepared.outputName} is left as it was`);
        }
      }
      reading = false;
    };
    const onHangUp = (): void => {
      if (!terminalHungUp()) {
        void reload('SIGHUP');
        return;
      }
      // The terminal was closed: end as SIGHUP ends a command (a run under way removing its temporary file).
      process.off('SIGHUP', onHangUp);
      process.kill(process.pid, 'SIGHUP');
    };
    // What a service manager's "reload" sends (systemd's ExecReload, `kill -HUP`): the process stays.
    process.on('SIGHUP', onHangUp);
    try {
      for (;;) {
        files.abort();
        files = new AbortController();
        watchFiles(await configFiles(prepared), (name) => void reload(`${name} changed`), files.signal);
        // A service: its cache stays between runs, and each run's records are read anew anyway.
        const cache = new EntryCache({ prefer: 'memory' });
        /** The config's own warnings (`aboutConfig`: no proxy ULID, a plugin's about its options), once a run with it has said them: the runs after it would only repeat them. */
        const saidOfConfig = new Set<string>();
        const using = prepared;
        await watchInput({
          path: using.inputPath,
          name: using.inputName,
          output: using.outputName,
          reporter,
          signal: session.signal,
          run: async (unchanged) => {
            current = { ...using, reader: await using.reopen!(), inputFileBytes: regularFileBytes(using.inputPath) };
            skips.first = undefined;
            skips.count = 0;
            partsWrittenTo = undefined;
            try {
              await generateOnce(1, { cache, unchanged, saidOfConfig });
            } finally {
              // A run that failed before reading (a metrics path it cannot write) must not leave the file open for the next.
              await current.reader.close();
            }
          },
          report: (error) => reportFailure(error, io.stderr, flags.verbose),
        });
        prepared = next!;
        next = undefined;
        session = new AbortController();
      }
    } finally {
      process.off('SIGHUP', onHangUp);
      files.abort();
    }
  }

  /** One run: the playlist published, the summary said and the metrics written. `watching`: the cache that keeps entries for the next run, whether the input is still the version the run read (else nothing is published), and the config's warnings said at a run before. */
  async function generateOnce(workers: 'auto' | number, watching?: { readonly cache: EntryCache; readonly unchanged: () => boolean; readonly saidOfConfig: Set<string> }): Promise<number> {
    const cache = watching?.cache;
    const { reader, overrides, generator, outputPath } = current;
    // The metrics are written after the run: a path that cannot take them fails now, before the work.
    if (current.metricsPath !== undefined) await checkPublishable(current.metricsPath, METRICS);
    const plan = chooseWorkers(current, flags, workers, outputPath !== undefined, reporter);
    // Into a file, from a file: past 393,216 channels the duplicate-id check keeps
    // memory flat by spilling to disk (a failed run publishes nothing, so it may
    // find a duplicate only at the end). A parallel run keeps its ids in memory.
    // With a cache, ids are checked by the cache, which knows the entries it reuses.
    const reopen = outputPath === undefined || plan.workers > 1 || cache !== undefined ? undefined : current.reopen;
    const idIndex = reopen === undefined ? undefined : new SpillingIdIndex({ rescan: () => rescan(reopen), file: reader.name, memoryIds: memoryIdsFromEnvironment() });
    // A signal that ends the process mid-run (or an exit) removes the key files, as it removes the temporary playlist.
    const forgetKeyFiles = idIndex === undefined ? undefined : await cleanUpOnExit(() => idIndex.close());
    // Rendering in this thread: keep its young generation small, as streaming's flat memory needs (worker threads size their own).
    const releaseYoungGeneration = plan.workers > 1 ? undefined : holdYoungGeneration();
    /** Refuses, before it is published, the playlist of an input whose every record was skipped as invalid. */
    const somethingValid = (result: GenerationResult): GenerationResult => {
      const firstSkipped = skips.first;
      if (firstSkipped === undefined || result.metrics.inputChannels > 0) return result;
      throw new InputError(
        `${skips.count === 1 ? 'its one record is not valid' : `none of its ${formatCount(skips.count)} records is valid`}, so nothing is published: is it the input you meant? The first: ${formatLocation({ ...firstSkipped.location, file: undefined })}${firstSkipped.reason}`,
        { file: current.inputName },
        { cause: firstSkipped },
      );
    };
    /** The run into the output file, through gzip when the file is named `….gz`. */
    const compressing =
      (write: (output: Writable) => Promise<GenerationResult>) =>
      (file: Writable): Promise<GenerationResult> =>
        outputPath !== undefined && gzipped(outputPath) ? throughGzip(file, write) : write(file);
    let result: GenerationResult;
    try {
      if (outputPath === undefined) {
        result = somethingValid(await generator.generate(reader, { ...overrides, output: io[current.outputStream], end: false }));
      } else if (plan.workers > 1) {
        const source = await parallelRunSource(current, { flags, workers: plan.workers, partWritten: (part) => (partsWrittenTo = part.end), onSkip });
        result = await publishAtomically(
          outputPath,
          compressing(async (output) => somethingValid(await generator.generate(source, { ...overrides, strategy: PARALLEL_STRATEGY, output }))),
        );
      } else {
        result = await publishAtomically(
          outputPath,
          compressing(async (output) => {
          const generated = somethingValid(await generator.generate(reader, { ...overrides, output, cache, duplicateIds: idIndex && (() => idIndex) }));
          // Thrown before the rename: the playlist of a file still being written is not published.
          if (watching !== undefined && !watching.unchanged()) throw new InputChangedError(current.inputName);
          return generated;
        }),
        );
      }
    } catch (error) {
      if (outputPath === undefined) {
        const failed = standardStreamFailure(error, current.outputStream);
        if (failed !== undefined) throw failed;
      }
      throw inConfigTerms(await nameEarlierRecord(error, current.reopen), current.loaded, flags);
    } finally {
      releaseYoungGeneration?.();
      idIndex?.close();
      forgetKeyFiles?.();
    }
    if (idIndex !== undefined && idIndex.spilledIds > 0) reporter.debug(`duplicate check: ${idIndex.spilledIds} ids kept on disk`);
    reporter.clearProgress();

    const { metrics } = result;
    summariseWarnings(result, reporter, [], watching?.saidOfConfig);
    warnIfNoChannels(result, skips.count, reporter, current.inputName);
    if (skips.count > 0) {
      const which = skips.count > SKIPS_SHOWN && !reporter.verbose ? ` (the first ${SKIPS_SHOWN} shown; --verbose shows each)` : '';
      reporter.warn(`${counted(skips.count, 'invalid record')} skipped${which}`);
    }
    const reused = cache === undefined || metrics.reusedEntries === 0 ? '' : `, ${counted(metrics.reusedEntries, 'entry', 'entries')} reused`;
    reporter.info(
      `${counted(metrics.channels, 'channel')}, ${formatBytes(metrics.bytes)} in ${formatCount(Math.round(metrics.durationMs))} ms (${metrics.strategy}${plan.workers > 1 ? `, ${plan.workers} worker threads` : ''}${reused})` +
        (outputPath === undefined ? '' : ` → ${outputPath}${gzipped(outputPath) ? ` (${formatBytes(regularFileBytes(outputPath) ?? 0)} gzip)` : ''}`),
    );

    const { metricsPath, metricsStream } = current;
    if (metricsPath !== undefined || metricsStream !== undefined) {
      const report: MetricsReport = { ...metrics, warningMessages: result.warnings.firstMessages, firstWarnings: result.warnings.firstWarnings, skippedRecords: skips.count, input: current.inputPath === '-' ? '-' : current.inputName, output: current.outputName };
      const json = `${JSON.stringify(report, null, 2)}\n`;
      const writeReport = (output: Writable): Promise<void> => new Promise<void>((resolve, reject) => output.write(json, (error) => (error ? reject(error) : resolve())));
      if (metricsPath !== undefined) await publishAtomically(metricsPath, writeReport, METRICS);
      else if (metricsStream !== undefined) await writeReport(io[metricsStream]);
    }
    return 0;
  }
}
