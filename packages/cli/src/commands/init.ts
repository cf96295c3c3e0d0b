import { writeFileSync } from 'node:fs';
import { basename, dirname, extname, relative, resolve } from 'node:path';
import { CONFIG_SEARCH_PLACES, ConfigError, loadConfig } from '@m3ugen/config';
import { parseBaseUrl, parseProxyId } from '@m3ugen/url-builder';
import { parseFlags, REFUSED_VALUE, UsageError } from '../args.js';
import { flagValue, shown } from '../prepare.js';
import { Reporter } from '../reporter.js';
import type { CommandIo } from './generate.js';

/** The file `init` writes when not told another: one the search finds, so no `--config` is needed afterwards. */
export const INIT_FILE = 'm3ugen.config.toml';

/** The values a first config sets; the rest of the keys stay commented out at their defaults. */
export interface FirstConfigValues {
  /** `input`, as the config is to hold it (relative to its folder). */
  readonly input?: string | undefined;
  readonly output?: string | undefined;
  readonly baseUrl?: string | undefined;
  readonly proxyId?: string | undefined;
}

/** A TOML basic string: JSON's escapes (`\"`, `\\`, `\n`, `\u0001`) are all TOML's too. */
function toml(value: string): string {
  return JSON.stringify(value);
}

/** `key = value` when set, else the line commented out with an example value (`default`: the example is the default). */
function line(key: string, value: string | undefined, example: string, isDefault = false): string {
  return value === undefined ? `# ${key} = ${example}${isDefault ? '' : '   # example'}` : `${key} = ${toml(value)}`;
}

/**
 * The text of a first config: every key of docs/configuration.md with what
 * it does, the optional ones commented out at their defaults (or an example
 * value), and `values` set. Parses as TOML and validates, with every line
 * uncommented too.
 *
 * @example
 * ```ts
 * firstConfig({ input: 'channels.ndjson', proxyId: '01ARZ3NDEKTSV4RRFFQ69G5FAV' });
 * // '# m3ugen's config …\ninput = "channels.ndjson" …'
 * ```
 */
export function firstConfig(values: FirstConfigValues): string {
  return `# m3ugen's config. \`m3ugen generate\` and \`m3ugen validate\` find it by themselves
# when run in this folder, or in one below it with no package.json in between.
# Flags given to them override it. Relative paths are from this file's folder.
# A key commented out has its default: the value shown, unless marked "example".
# Reference: docs/configuration.md.

# The channel records: NDJSON (.ndjson, .jsonl) or a JSON array (.json),
# gzip-compressed or not; "-" reads stdin.
${line('input', values.input, '"channels.ndjson"')}
# Where the playlist goes; "-" or none: stdout. A name ending .gz is written gzip-compressed.
${line('output', values.output, '"playlist.m3u"')}
# The run's metrics as JSON (channels, bytes, time, peak memory, warnings).
# metrics = "metrics.json"   # example
# Ready-made plugins, installed packages, or modules of your own (none by default):
# plugins = ["@m3ugen/attributes", ["@m3ugen/extinf-template", { extinfFile = "extinf.eta" }], "./my-plugin.mjs"]   # example

[web]
# The proxy's base URL, which stream URLs start with (a path prefix is kept).
${line('base_url', values.baseUrl, '"http://localhost:8080"', true)}

[proxy_generation]
# The proxy's ULID, in every stream URL: without one, URLs leave it out (with a warning).
${line('proxy_id', values.proxyId, '"01ARZ3NDEKTSV4RRFFQ69G5FAV"')}
# auto (in-memory; streaming for large inputs or under memory pressure) | in-memory | streaming | a plugin's
# strategy = "auto"
# proxy ({base_url}/stream/{proxy_id}/{channel_id}) | direct (the channel's stream_url) | pattern | a plugin's
# url_scheme = "proxy"
# true: a channel id that is not a UUID is an invalid record, not a warning.
# strict = false
# false: a repeated channel id or number is not checked for.
# check_duplicates = true
# true: invalid records are skipped and counted, not the end of the run.
# skip_invalid = false
# Worker threads for NDJSON written to a file (from a file; from stdin given a count), and to validate it: "auto" or a count (1: none).
# workers = "auto"
# false: no memory readings; the strategy is chosen by the input's size alone.
# enable_memory_tracking = true

# For url_scheme = "pattern": the URL, with {base_url}, {proxy_id}, {channel_id},
# {tvg_id}, {stream_url}, {assigned_number} and the names in params.
# [proxy_generation.url]
# pattern = "{base_url}/live/{channel_id}.ts?token={token}"   # example
# params = { token = "s3cret" }   # example

[proxy_generation.memory]
# The memory budget, in MB, that pressure levels are measured against
# (unset: 512, or the memory limit of the container or service where lower).
# max_memory_mb = 512
# conservative | default | aggressive: how early pressure turns to streaming.
# strategy_preset = "default"
# Above this many channels, auto streams.
# large_input_threshold = 50000
# The least time, in ms, between two memory readings.
# sample_interval_ms = 5
`;
}

/** The config file a search from `dir` finds instead of `target` (written there, under a name the search looks for), if any: one searched for earlier in that folder. */
async function foundInstead(dir: string, target: string): Promise<string | undefined> {
  try {
    const { file } = await loadConfig({ searchFrom: dir });
    return file !== undefined && resolve(file) !== target ? file : undefined;
  } catch (error) {
    // One that does not load is found all the same.
    // Its file is named as messages name it: from the working folder.
    return error instanceof ConfigError && error.file !== undefined && resolve(error.file) !== target ? error.file : undefined;
  }
}

/**
 * `m3ugen init`: writes a first config file (TOML, `m3ugen.config.toml`
 * unless `--config` names another) with every key and what it does, and
 * the values given as flags set. Never replaces a file: one that exists is
 * an error (exit 1). Says what to do next.
 */
export async function initCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const flags = parseFlags('init', argv);
  const reporter = new Reporter(io.stderr, flags.quiet ? 'quiet' : 'normal');
  const target = resolve(flags.config ?? INIT_FILE);
  const name = flags.config ?? INIT_FILE;
  if (extname(target) !== '.toml') throw new UsageError(`--config ${flags.config}: init writes TOML; name the file .toml (such as ${INIT_FILE})`, REFUSED_VALUE);
  const dir = dirname(target);
  // Paths given here are from the working folder; in the file they are read from its folder.
  const fromConfig = (path: string | undefined): string | undefined => (path === undefined || path === '-' ? path : relative(dir, resolve(path)) || '.');
  const values: FirstConfigValues = {
    input: fromConfig(flags.input),
    output: fromConfig(flags.output),
    // Checked as a run checks them, and written as given.
    baseUrl: flagValue('--base-url', flags.baseUrl, parseBaseUrl) === undefined ? undefined : flags.baseUrl,
    proxyId: flagValue('--proxy-id', flags.proxyId, parseProxyId) === undefined ? undefined : flags.proxyId,
  };
  try {
    // Created, never replaced: `wx` fails if the file exists, even one made meanwhile.
    writeFileSync(target, firstConfig(values), { flag: 'wx' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      reporter.error(`${name} already exists: it is left as it is (edit it, or name another file with --config)`);
      return 1;
    }
    if (code === 'ENOENT') {
      reporter.error(`cannot write ${name}: its folder does not exist`);
      return 1;
    }
    throw error;
  }
  io.stdout.write(`wrote ${shown(target)}\n`);
  const searched = CONFIG_SEARCH_PLACES.includes(basename(target));
  // Searched for once it is there: one in the folder that the search takes first (a package.json key, an .m3ugenrc) wins over it.
  const earlier = searched ? await foundInstead(dir, target) : undefined;
  if (earlier !== undefined) {
    const remove = basename(earlier) === 'package.json' ? `remove the "m3ugen" key of ${earlier}` : `remove ${earlier}`;
    reporter.warn(`a search from ${dir === process.cwd() ? 'here' : shown(dir)} finds ${earlier} before ${basename(target)}: run with --config ${name}, or ${remove}`);
  }
  else if (!searched) reporter.info(`${basename(target)} is not a name the search finds: run with --config ${name}`);
  if (values.input === undefined) reporter.info(`set "input" in it to the channel records (or pass --input to generate)`);
  if (values.proxyId === undefined) reporter.info(`set "proxy_id" in it to the proxy's ULID, which stream URLs carry`);
  // Run from elsewhere, the search would not find it.
  const config = earlier !== undefined || !searched || dir !== process.cwd() ? ` --config ${name}` : '';
  reporter.info(`then: m3ugen validate${config}, and m3ugen generate${config}`);
  return 0;
}
