import { parseArgs } from 'node:util';
import { closestName, didYouMean } from '@m3ugen/core';

/** Options of a {@link UsageError}. */
export interface UsageErrorOptions {
  /**
   * Whether the usage text follows the message (default `true`): for a
   * command line of the wrong shape (an unknown flag, a missing value, no
   * input). A flag's value that is refused (`--workers 0`, an output that
   * would replace the input) says what to change itself, so `false` prints
   * the message and one line pointing at `--help` instead of the whole text.
   */
  readonly showUsage?: boolean;
}

/**
 * A command-line mistake: exit code 2.
 *
 * @example
 * ```ts
 * throw new UsageError('--input needs a value'); // main() prints it with the usage, exit code 2
 * throw new UsageError('--workers expects "auto" or a whole number >= 1, got "0"', { showUsage: false });
 * ```
 */
export class UsageError extends Error {
  /** Whether the usage text follows the message. */
  readonly showUsage: boolean;

  constructor(message: string, options: UsageErrorOptions = {}) {
    super(message);
    this.name = 'UsageError';
    this.showUsage = options.showUsage ?? true;
  }
}

/** The line a usage error about a flag's value ends with, in place of the usage text. */
export const USAGE_HINT = 'Run "m3ugen --help" for the usage.';

/** The usage text `m3ugen --help` prints, and a usage error follows its message with. */
export const USAGE = `Usage:
  m3ugen generate [--config FILE] [--input FILE|-] [--output FILE|-] [--base-url URL]
                  [--proxy-id ULID] [--strategy auto|in-memory|streaming|NAME]
                  [--max-memory-mb N] [--workers auto|N] [--metrics FILE]
                  [--skip-invalid] [--strict] [--quiet] [--verbose] [--watch]
  m3ugen validate [--config FILE] [--input FILE|-] [--base-url URL] [--proxy-id ULID]
                  [--strategy auto|in-memory|streaming|NAME] [--max-memory-mb N]
                  [--workers auto|N] [--strict] [--quiet] [--verbose]
  m3ugen init     [--config FILE] [--input FILE|-] [--output FILE|-] [--base-url URL]
                  [--proxy-id ULID] [--quiet]
  m3ugen --help | --version

Flags override the config file; the config file overrides the defaults
(base URL http://localhost:8080, strategy auto). Output defaults to stdout.
Exit codes: 0 success, 1 invalid input or config, 2 usage error.
Each flag, its config key and its default: m3ugen COMMAND --help.
m3ugen init writes a first config file, every key in it explained.`;

/** For a refused flag value, which says what to change: the usage text would only bury it. */
export const REFUSED_VALUE: UsageErrorOptions = Object.freeze({ showUsage: false });

/** Flags of `generate` and `validate`, after parsing. */
export interface CliFlags {
  readonly config?: string | undefined;
  readonly input?: string | undefined;
  readonly output?: string | undefined;
  readonly baseUrl?: string | undefined;
  readonly proxyId?: string | undefined;
  readonly strategy?: string | undefined;
  readonly maxMemoryMb?: number | undefined;
  /** Worker threads for an NDJSON file → file run: `auto` or a count (1: none). */
  readonly workers?: 'auto' | number | undefined;
  readonly metrics?: string | undefined;
  readonly skipInvalid: boolean;
  readonly strict: boolean;
  readonly quiet: boolean;
  readonly verbose: boolean;
  /** `generate` runs again each time the input file changes, reusing the entries of unchanged channels. */
  readonly watch: boolean;
}

/** The commands that take flags. */
export type Command = 'generate' | 'validate' | 'init';

/** The flags of `generate` (the others take those {@link FLAGS_OF} says), as `node:util`'s `parseArgs` takes them. */
export const OPTIONS = {
  config: { type: 'string', short: 'c' },
  input: { type: 'string', short: 'i' },
  output: { type: 'string', short: 'o' },
  'base-url': { type: 'string' },
  'proxy-id': { type: 'string' },
  strategy: { type: 'string' },
  'max-memory-mb': { type: 'string' },
  workers: { type: 'string' },
  metrics: { type: 'string' },
  'skip-invalid': { type: 'boolean' },
  strict: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  verbose: { type: 'boolean', short: 'v' },
  watch: { type: 'boolean', short: 'w' },
} as const;

/** The flags `validate` takes: all but those about what a run writes, so a `generate` line checks as it runs. */
const VALIDATE_FLAGS: ReadonlySet<string> = new Set(['config', 'input', 'base-url', 'proxy-id', 'strategy', 'max-memory-mb', 'workers', 'strict', 'quiet', 'verbose', 'skip-invalid']);

/** The flags `init` takes: where to write the config, and the values to write in it that a first config most needs. */
const INIT_FLAGS: ReadonlySet<string> = new Set(['config', 'input', 'output', 'base-url', 'proxy-id', 'quiet']);

/** The flags each command takes. */
export const FLAGS_OF: Readonly<Record<Command, ReadonlySet<string>>> = Object.freeze({ generate: new Set(Object.keys(OPTIONS)), validate: VALIDATE_FLAGS, init: INIT_FLAGS });

/** The option `typed` most likely meant: the config key's spelling (`--base_url`), the start of one, or within two edits. */
function closestOption(typed: string): string | undefined {
  const name = typed.replace(/^-+/, '').replaceAll('_', '-');
  const started = Object.keys(OPTIONS).filter((option) => name.length >= 3 && option.startsWith(name));
  if (started.length === 1) return started[0];
  return closestName(name, Object.keys(OPTIONS));
}

/** node:util parseArgs' errors in the command's own words: `unknown option "--inptu" (did you mean --input?)`. */
function describeParseError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const unknown = /^Unknown option '([^']+)'/.exec(message)?.[1];
  if (unknown !== undefined) {
    const meant = closestOption(unknown);
    return `unknown option "${unknown}"${meant === undefined ? '' : ` (did you mean --${meant}?)`}`;
  }
  const option = /^Option '(?:-\w, )?(--[\w-]+)[^']*' (argument missing|does not take an argument)/.exec(message);
  if (option !== null) return option[2] === 'argument missing' ? `${option[1]} needs a value` : `${option[1]} takes no value`;
  // `--max-memory-mb -5`, `--output -out.m3u`: parseArgs will not take a value that looks like a flag.
  const dashed = /^Option '(?:-\w, )?(--?[\w-]+)' argument is ambiguous/.exec(message)?.[1];
  if (dashed !== undefined) {
    // A short flag takes no `=`: name the long one (`-o` → `--output=VALUE`).
    const long = dashed.startsWith('--') ? dashed : `--${Object.entries(OPTIONS).find(([, o]) => 'short' in o && `-${o.short}` === dashed)?.[0] ?? dashed.slice(1)}`;
    return `${dashed} needs a value, and one starting with "-" is given as ${long}=VALUE`;
  }
  return message.replace(/\. To specify a positional.*$/s, '');
}

/** Parses the flags of `command`; unknown flags, missing values and stray arguments are usage errors. */
export function parseFlags(command: Command, argv: readonly string[]): CliFlags {
  let values: Record<string, string | boolean | undefined>;
  try {
    const parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
    const [stray] = parsed.positionals;
    if (stray !== undefined) {
      // `m3ugen generate channels.ndjson`: the input is a flag; say which, when none was given.
      const hint = parsed.values['input'] === undefined ? ` (the input is given as --input ${stray})` : '';
      throw new UsageError(`unexpected argument "${stray}"${hint}`);
    }
    values = parsed.values;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(describeParseError(error));
  }
  if (command !== 'generate') {
    const extra = Object.keys(values).find((key) => !FLAGS_OF[command].has(key));
    if (extra !== undefined) throw new UsageError(`"--${extra}" is not an option of "m3ugen ${command}"`);
  }
  const text = (key: keyof typeof OPTIONS): string | undefined => {
    const value = values[key];
    if (value === '') throw new UsageError(`--${key} needs a value`);
    return value as string | undefined;
  };
  let maxMemoryMb: number | undefined;
  const memory = text('max-memory-mb');
  if (memory !== undefined) {
    maxMemoryMb = Number(memory);
    if (!Number.isFinite(maxMemoryMb) || maxMemoryMb <= 0) throw new UsageError(`--max-memory-mb expects a positive number, got "${memory}"`, REFUSED_VALUE);
  }
  const workersText = text('workers');
  const workers = workersText === undefined || workersText === 'auto' ? workersText : Number(workersText);
  if (typeof workers === 'number' && (!Number.isSafeInteger(workers) || workers < 1)) {
    throw new UsageError(`--workers expects "auto" or a whole number >= 1, got "${workersText}"${didYouMean(closestName(workersText, ['auto']))}`, REFUSED_VALUE);
  }
  if (values['quiet'] === true && values['verbose'] === true) throw new UsageError('--quiet and --verbose exclude each other', REFUSED_VALUE);
  return {
    config: text('config'),
    input: text('input'),
    output: text('output'),
    baseUrl: text('base-url'),
    proxyId: text('proxy-id'),
    strategy: text('strategy'),
    maxMemoryMb,
    workers,
    metrics: text('metrics'),
    skipInvalid: values['skip-invalid'] === true,
    strict: values['strict'] === true,
    quiet: values['quiet'] === true,
    verbose: values['verbose'] === true,
    watch: values['watch'] === true,
  };
}
