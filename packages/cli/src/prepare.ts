import { statSync, type Stats } from 'node:fs';
import { relative, resolve } from 'node:path';
import { ConfigError, configKeyOfOption, filesNamedByPlugins, loadConfig, overlookedConfigFiles, resolvePlugins, suggestConfigKey, toGenerateOptions, type ConfigProblem, type LoadedConfig } from '@m3ugen/config';
import { closestName, DEFAULT_OPTIONS, didYouMean, M3uGenerator, OptionError, type GenerateOptions, type InputError, type M3uPlugin, type RunInfo } from '@m3ugen/core';
import { presetDefault } from '@m3ugen/preset-default';
import { isUrl, openChannelReader, type ChannelReader } from '@m3ugen/reader';
import { parseBaseUrl, parseProxyId } from '@m3ugen/url-builder';
import { REFUSED_VALUE, UsageError, type CliFlags } from './args.js';
import { containerMemoryBudgetMb } from './cgroup.js';
import type { CommandIo } from './commands/generate.js';
import { ReplayableInput } from './replayable-input.js';
import type { Reporter } from './reporter.js';

/**
 * How far through its input file a run has read (0–1), for the progress bar
 * of an input whose channel count is only known at its end; `undefined`
 * for stdin or a named pipe, whose size is not known. `partsEnd`: in a
 * parallel run, where this thread reads nothing, the file's bytes up to the
 * end of the last part done.
 */
export function shareOfInputRead(prepared: PreparedRun, partsEnd?: number): number | undefined {
  const size = prepared.inputFileBytes;
  return size === undefined ? undefined : (partsEnd ?? prepared.reader.stats.bytesRead) / size;
}

/** Everything a command needs for one run, resolved from flags, config and defaults. */
export interface PreparedRun extends BuiltGenerator {
  readonly reader: ChannelReader;
  /** The input file (`-` for stdin). */
  readonly inputPath: string;
  /** The input's size when it is a regular file, which alone can be read twice or cut into parts; else `undefined`. */
  readonly inputFileBytes: number | undefined;
  /** Opens the input again from the start, with the same options (`undefined` for stdin or a named pipe, which cannot be read twice). */
  readonly reopen: (() => Promise<ChannelReader>) | undefined;
  /** The input as messages name it, as the reader's errors do: the path as given, or `stdin`. */
  readonly inputName: string;
  /** stdin, when it is the input: its first chunks are kept until the command knows whether worker threads cut it into parts (then they read it from its start), or forgets them. */
  readonly stdin: ReplayableInput | undefined;
  /** Invalid records are skipped (`--skip-invalid`, the config's `skip_invalid`), by the reader and by worker threads alike. */
  readonly skipInvalid: boolean;
  /** The output file, or `undefined` for a standard stream ({@link outputStream}). */
  readonly outputPath: string | undefined;
  /** Where the playlist goes when {@link outputPath} is `undefined`. */
  readonly outputStream: StandardStream;
  /** The output as given (`-` for stdout), for the metrics. */
  readonly outputName: string;
  /** The metrics file, or `undefined` for none or a standard stream ({@link metricsStream}). */
  readonly metricsPath: string | undefined;
  readonly metricsStream: StandardStream | undefined;
}

/** A stream of the process itself. */
export type StandardStream = 'stdout' | 'stderr';

const STANDARD_STREAMS: ReadonlyMap<string, StandardStream> = new Map([
  ['-', 'stdout'],
  ['/dev/stdout', 'stdout'],
  ['/dev/fd/1', 'stdout'],
  ['/proc/self/fd/1', 'stdout'],
  ['/dev/stderr', 'stderr'],
  ['/dev/fd/2', 'stderr'],
  ['/proc/self/fd/2', 'stderr'],
]);

/** Paths that name stdin. */
const STANDARD_INPUT: ReadonlySet<string> = new Set(['/dev/stdin', '/dev/fd/0', '/proc/self/fd/0']);

/**
 * The standard stream an output path names (`-`, `/dev/stdout`, `/dev/fd/2`…).
 * Those are written through the process's own stream, which works whatever
 * it is connected to; opening the path fails when it is a socket, as under
 * systemd (journald) or a parent that spawned the command with pipes.
 */
export function standardStreamOf(path: string): StandardStream | undefined {
  return STANDARD_STREAMS.get(path);
}

/** What is at `path`, links followed; `undefined` if nothing (or nothing the process may see). */
function statOf(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** The size of the regular file at `path`; `undefined` for anything else (a device, a pipe, nothing). */
export function regularFileBytes(path: string): number | undefined {
  const stats = statOf(path);
  return stats?.isFile() === true ? stats.size : undefined;
}

/** A path as messages show it: relative to the working directory when inside it. */
export function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === '' || rel.startsWith('..') ? path : rel;
}

/** Run options the command's flags set, by the key an `OptionError` names: an error about them is not the config's. */
const OPTION_FLAGS: ReadonlyMap<string, keyof CliFlags> = new Map([
  ['baseUrl', 'baseUrl'],
  ['proxyId', 'proxyId'],
  ['proxy_id', 'proxyId'],
  ['strategy', 'strategy'],
]);

/**
 * An option error a run raised (a URL scheme reads its options only when a
 * run starts), restated as the config file's when the config set that
 * option: `m3ugen.toml: key "proxy_generation.url.pattern": unknown
 * placeholder {base}; …` instead of `option "url.pattern": …`. Anything else
 * comes back as it was.
 *
 * @example
 * ```ts
 * throw inConfigTerms(error, prepared.loaded, flags);
 * ```
 */
export function inConfigTerms(error: unknown, loaded: LoadedConfig, flags: CliFlags): unknown {
  if (!(error instanceof OptionError) || loaded.file === undefined) return error;
  const key = configKeyOfOption(error.key);
  const flag = OPTION_FLAGS.get(error.key);
  if (key === undefined || (flag !== undefined && flags[flag] !== undefined)) return error;
  return new ConfigError(error.reason, { file: loaded.file, key }, { cause: error });
}

/** What a path is, following links: a regular file's identity (device and inode), `special` (a device, a pipe…) or `absent` (also for no path). */
function fileIdentity(path: string | undefined): string {
  const stats = path === undefined ? undefined : statOf(path);
  return stats === undefined ? 'absent' : stats.isFile() ? `${stats.dev}:${stats.ino}` : 'special';
}

/**
 * Why the run's writes would destroy what it reads or each other, or
 * `undefined`: the playlist or the metrics written over the input, the
 * config file or a file its plugins read (a template, a plugin's module),
 * through any name or link, or both into one file or to stdout. Checked
 * before the run: once the playlist is published, a replaced input is gone.
 * Devices and pipes (`/dev/null`) are written in place and never conflict.
 *
 * @example
 * ```ts
 * const conflict = overwriteConflict(prepared); // 'the playlist would replace the input "channels.ndjson": choose another output file'
 * ```
 */
export function overwriteConflict(prepared: PreparedRun): string | undefined {
  if (prepared.metricsStream === 'stdout' && prepared.outputPath === undefined && prepared.outputStream === 'stdout') {
    return 'the metrics and the playlist would both go to stdout: write the playlist to a file (--output FILE) or the metrics elsewhere';
  }
  const reads = [
    { what: `the input "${prepared.inputName}"`, identity: fileIdentity(prepared.inputPath === '-' ? undefined : prepared.inputPath) },
    { what: `the config file "${prepared.loaded.file}"`, identity: fileIdentity(prepared.loaded.file === undefined ? undefined : resolve(prepared.loaded.file)) },
    // A template or a plugin's module, which a published playlist would replace for the next run.
    ...filesNamedByPlugins(prepared.loaded.config.plugins ?? [], prepared.loaded.dir).map((file) => ({
      what: file.role === 'module' ? `the plugin "${file.name}"` : `"${file.name}", which plugin "${file.plugin}" reads (${file.role})`,
      identity: fileIdentity(file.path),
    })),
  ];
  const writes = [
    { what: 'the playlist', option: 'output', path: prepared.outputPath, identity: fileIdentity(prepared.outputPath) },
    { what: 'the metrics', option: 'metrics', path: prepared.metricsPath, identity: fileIdentity(prepared.metricsPath) },
  ] as const;
  for (const write of writes) {
    if (write.identity === 'absent' || write.identity === 'special') continue;
    const read = reads.find((r) => r.identity === write.identity);
    if (read !== undefined) return `${write.what} would replace ${read.what}: choose another ${write.option} file`;
  }
  const [playlist, metrics] = writes;
  if (playlist.path === undefined || metrics.path === undefined) return undefined;
  const same = playlist.identity === 'absent' ? resolve(playlist.path) === resolve(metrics.path) : playlist.identity !== 'special' && playlist.identity === metrics.identity;
  return same ? `the playlist and the metrics would both be written to "${prepared.outputName}": choose another metrics file` : undefined;
}

/** A flag's value checked by `check` (a parser of its config key's): a refused one is a usage error naming the flag. */
export function flagValue<T>(flag: string, value: string | undefined, check: (value: string, key: string) => T): T | undefined {
  if (value === undefined) return undefined;
  try {
    return check(value, flag);
  } catch (error) {
    if (error instanceof OptionError) throw new UsageError(`${error.key}: ${error.reason}`, REFUSED_VALUE);
    throw error;
  }
}

/** The generator a run's flags and config describe, and the per-run options from the flags. */
export interface BuiltGenerator {
  readonly loaded: LoadedConfig;
  /** The config's plugins, after the default preset. */
  readonly plugins: readonly M3uPlugin[];
  readonly generator: M3uGenerator;
  /** Per-run options from the flags (they override the config's). */
  readonly overrides: GenerateOptions;
}

/**
 * Loads the config and its plugins and builds the generator: what the
 * command does first, and what each worker thread of a parallel run does
 * again for itself.
 */
export async function buildGenerator(flags: CliFlags, reporter: Reporter): Promise<BuiltGenerator> {
  const loaded = await loadConfig({ file: flags.config });
  if (loaded.file !== undefined) reporter.debug(`config: ${loaded.file}`);
  else if (flags.config === undefined) {
    // `m3ugen.toml`, as the examples name theirs, is not searched for: say so, not quietly run on the defaults.
    for (const { file, searchedName } of overlookedConfigFiles(loaded.dir)) {
      reporter.warn(`${file} is not read as a config file (so the defaults apply): pass --config ${file}, or rename it ${searchedName}`);
    }
  }
  for (const key of loaded.unknownKeys) {
    reporter.warn(`${loaded.file ?? 'config'}: ignoring unknown key "${key}"${didYouMean(suggestConfigKey(key))}`);
  }

  // The ready-made plugins come with the command: a config anywhere can list them without installing them beside it.
  const plugins = await resolvePlugins(loaded.config.plugins ?? [], loaded.dir, loaded.file, { bundledFrom: import.meta.url });
  const generator = new M3uGenerator({ ...toGenerateOptions(loaded.config), plugins: [presetDefault(), ...plugins] });

  const strategyNames = (): string[] => ['auto', ...generator.strategies.list().map((s) => s.name)];
  /** `unknown strategy "x" (did you mean "y"?); available: …` */
  const unknown = (kind: string, name: string, available: readonly string[]): string => {
    return `unknown ${kind} "${name}"${didYouMean(closestName(name, available))}; available: ${available.join(', ')}`;
  };
  if (flags.strategy !== undefined && flags.strategy !== 'auto' && !generator.strategies.has(flags.strategy)) {
    throw new UsageError(`--strategy: ${unknown('strategy', flags.strategy, strategyNames())}`, REFUSED_VALUE);
  }
  // Names in the config are checked now, against what its plugins registered, so the error names the file and key (both keys, when both are wrong).
  const generation = loaded.config.proxy_generation;
  const unknownNames: ConfigProblem[] = [];
  if (flags.strategy === undefined && generation?.strategy !== undefined && generation.strategy !== 'auto' && !generator.strategies.has(generation.strategy)) {
    unknownNames.push({ key: 'proxy_generation.strategy', reason: unknown('strategy', generation.strategy, strategyNames()) });
  }
  if (generation?.url_scheme !== undefined && !generator.urlSchemes.has(generation.url_scheme)) {
    const schemes = generator.urlSchemes.list().map((s) => s.name);
    unknownNames.push({ key: 'proxy_generation.url_scheme', reason: unknown('URL scheme', generation.url_scheme, schemes) });
  }
  const [first, ...others] = unknownNames;
  if (first !== undefined) throw ConfigError.of([first, ...others], loaded.file);
  // Unset, the budget is the default or, when lower, the memory the cgroup allows (a container's limit), so pressure and `--workers auto` plan for it.
  const containerBudget = flags.maxMemoryMb === undefined && generation?.memory?.max_memory_mb === undefined ? containerMemoryBudgetMb(DEFAULT_OPTIONS.maxMemoryMb) : undefined;
  if (containerBudget !== undefined) reporter.debug(`max_memory_mb ${containerBudget}: the cgroup's memory limit, below the default ${DEFAULT_OPTIONS.maxMemoryMb}`);
  const overrides: GenerateOptions = {
    baseUrl: flagValue('--base-url', flags.baseUrl, parseBaseUrl),
    proxyId: flagValue('--proxy-id', flags.proxyId, parseProxyId),
    strategy: flags.strategy,
    strict: flags.strict ? true : undefined,
    memory: { maxMemoryMb: flags.maxMemoryMb ?? containerBudget },
  };
  return { loaded, plugins, generator, overrides };
}

/**
 * Loads the config and its plugins, builds the generator and opens the
 * input. `onSkip` receives invalid records when they are skipped.
 */
export async function prepareRun(
  flags: CliFlags,
  io: Pick<CommandIo, 'stdin'>,
  reporter: Reporter,
  onSkip?: (error: InputError, warn: RunInfo['warn'] | undefined) => void,
): Promise<PreparedRun> {
  const { loaded, plugins, generator, overrides } = await buildGenerator(flags, reporter);

  const fromConfig = (path: string | undefined): string | undefined => (path === undefined ? undefined : path === '-' ? '-' : resolve(loaded.dir, path));
  // A URL is kept as written, so the reader says it is one (resolved, it would read as a missing file "https:/…").
  const configInput = loaded.config.input;
  const configUrl = configInput !== undefined && isUrl(configInput);
  const given = flags.input ?? (configUrl ? configInput : fromConfig(configInput));
  // Read through process.stdin, which works when stdin is a socket (opening /dev/stdin then fails).
  const input = given !== undefined && STANDARD_INPUT.has(given) ? '-' : given;
  if (input === undefined) {
    // The likely cause when a config sits here under a name the search does not read; without --quiet a warning said so just before.
    const overlooked = flags.quiet && loaded.file === undefined && flags.config === undefined ? overlookedConfigFiles(loaded.dir)[0] : undefined;
    const hint = overlooked === undefined ? '' : `; ${overlooked.file} here is not read as a config: pass --config ${overlooked.file}, or rename it ${overlooked.searchedName}`;
    throw new UsageError(`no input: pass --input FILE (or - for stdin), or set "input" in the config${hint}`);
  }
  const inputName = input === '-' ? 'stdin' : flags.input !== undefined ? flags.input : configUrl ? input : shown(input);
  const output = flags.output ?? fromConfig(loaded.config.output) ?? '-';
  const metrics = flags.metrics ?? fromConfig(loaded.config.metrics);
  const outputStream = standardStreamOf(output);
  const metricsStream = metrics === undefined ? undefined : standardStreamOf(metrics);

  let warn: RunInfo['warn'] | undefined;
  generator.hooks.beforeRun.tap('m3ugen-cli', (run) => {
    warn = run.warn;
  });
  const stdin = input === '-' ? new ReplayableInput(io.stdin) : undefined;
  const readerOptions = {
    displayName: inputName,
    stream: stdin?.forReader,
    skipInvalid: flags.skipInvalid || loaded.config.proxy_generation?.skip_invalid === true,
  };
  // `--input -` typed at a terminal would otherwise wait without a word for input nobody knows to type.
  if (input === '-' && io.stdin.isTTY === true) {
    reporter.info('reading channels from the terminal: type or paste JSON records, one per line, then press Ctrl-D');
  }
  const reader = await openChannelReader(input, { ...readerOptions, onSkip: (error) => onSkip?.(error, warn) });
  const inputFileBytes = input === '-' ? undefined : regularFileBytes(input);
  // Read again only a regular file: opening a named pipe again would wait for a writer that never comes.
  const reopen = inputFileBytes !== undefined ? () => openChannelReader(input, readerOptions) : undefined;

  return {
    loaded,
    plugins,
    generator,
    overrides,
    reader,
    inputPath: input,
    inputFileBytes,
    reopen,
    inputName,
    stdin,
    skipInvalid: readerOptions.skipInvalid,
    outputPath: outputStream === undefined ? output : undefined,
    outputStream: outputStream ?? 'stdout',
    outputName: output,
    metricsPath: metricsStream === undefined ? metrics : undefined,
    metricsStream,
  };
}
