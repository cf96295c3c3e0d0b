import { FLAGS_OF, OPTIONS, type Command } from './args.js';

type Flag = keyof typeof OPTIONS;

/** What a command's `--help` says of one flag. */
interface FlagHelp {
  /** The value's placeholder (`FILE`); none for a switch. */
  readonly value?: string;
  /** What it does, and its default. */
  readonly text: string;
  /** A command's own wording, where the flag means something else there. */
  readonly in?: Partial<Record<Command, string>>;
  /** The config key it overrides. */
  readonly key?: string;
}

/** Every flag's help: typed by the flags themselves, so a flag added without it does not compile. */
const FLAG_HELP: { readonly [flag in Flag]: FlagHelp } = {
  config: {
    value: 'FILE',
    text: 'the config file (default: one searched for from the working folder up to the nearest package.json: m3ugen.config.*, .m3ugenrc*, package.json\'s "m3ugen")',
    in: { init: 'the TOML file to write (default: m3ugen.config.toml, which generate and validate find by themselves from its folder); an existing file is left as it is' },
  },
  input: {
    value: 'FILE|-',
    text: 'the channel records: NDJSON (.ndjson, .jsonl) or a JSON array (.json), gzip-compressed or not; - reads stdin',
    in: { init: 'the channel records the config is to name (a path from here, written as one from the config\'s folder)' },
    key: 'input',
  },
  output: {
    value: 'FILE|-',
    text: 'where the playlist goes (default: stdout); a file is replaced only once the new playlist is complete, and one named .gz is written gzip-compressed',
    in: { init: 'the playlist file the config is to name (default: stdout)' },
    key: 'output',
  },
  'base-url': { value: 'URL', text: "the proxy's base URL, which stream URLs start with (default: http://localhost:8080)", key: 'web.base_url' },
  'proxy-id': { value: 'ULID', text: "the proxy's id in stream URLs (without one, they leave it out, with a warning)", key: 'proxy_generation.proxy_id' },
  strategy: { value: 'NAME', text: 'auto (the default: in-memory, or streaming for large inputs and under memory pressure), in-memory, streaming, or one a plugin adds', key: 'proxy_generation.strategy' },
  'max-memory-mb': { value: 'N', text: 'the memory budget that pressure is measured against (default: 512, or the container\'s memory limit where lower)', key: 'proxy_generation.memory.max_memory_mb' },
  workers: {
    value: 'auto|N',
    text: 'worker threads for NDJSON written to a file, from a file or (given a count) stdin (default: auto, which uses them where they pay; 1: none)',
    in: { validate: 'worker threads to check an NDJSON file with (default: auto, which uses them where they pay; 1: none)' },
    key: 'proxy_generation.workers',
  },
  metrics: { value: 'FILE', text: "writes the run's metrics as JSON: channels, bytes, time, peak memory, strategy, warnings", key: 'metrics' },
  'skip-invalid': {
    text: 'skips invalid records, counting them, rather than stopping at the first',
    in: { validate: 'taken, so that a generate line checks as it is: every invalid record is listed anyway' },
    key: 'proxy_generation.skip_invalid',
  },
  strict: { text: 'a channel id that is not a UUID is an invalid record, not a warning', key: 'proxy_generation.strict' },
  quiet: { text: 'says errors only: no progress, no warnings' },
  verbose: { text: 'says each warning and skipped record as it comes, and the choices made (strategy, workers)' },
  watch: { text: 'stays, and publishes again at each change of the input or the config, reusing unchanged entries (needs --output FILE)' },
};

/** What each command does, under its usage line. */
const PURPOSE = {
  generate: 'Reads channel records and writes their Extended M3U playlist.',
  validate: 'Checks the config, its plugins and every channel record, writing nothing;\nlists every invalid record and exits 1 if there is one.',
  init: 'Writes a first config file: every key with what it does, the defaults\ncommented out, and the values given as flags set.',
} as const satisfies Record<Command, string>;

/** The column flag descriptions start at, and the width they wrap to. */
const DESCRIPTION_COLUMN = 26;
const WIDTH = 80;

/** `text` cut into lines of at most `width` characters at spaces (a longer word stands alone). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines;
}

/**
 * What `m3ugen generate --help` (or `m3ugen help validate`) prints: the
 * command's usage, what it does, and each of its flags with its short form,
 * its config key and its default, wrapped to 80 columns.
 *
 * @example
 * ```ts
 * process.stdout.write(`${commandHelp('generate')}\n`);
 * // Usage: m3ugen generate [flags]
 * // …
 * //   -i, --input FILE|-      the channel records: NDJSON (.ndjson, .jsonl) or a JSON …
 * ```
 */
export function commandHelp(command: Command): string {
  const flags = (Object.keys(OPTIONS) as Flag[]).filter((flag) => FLAGS_OF[command].has(flag));
  const precedence = command === 'init' ? [] : ['Flags override the config file; the config file overrides the defaults.'];
  const lines = [`Usage: m3ugen ${command} [flags]`, '', PURPOSE[command], ...precedence, '', 'Flags:'];
  for (const flag of flags) {
    const help = FLAG_HELP[flag];
    const option = OPTIONS[flag];
    const short = 'short' in option ? `-${option.short}, ` : '    ';
    const name = `  ${short}--${flag}${help.value === undefined ? '' : ` ${help.value}`}`;
    const text = help.in?.[command] ?? help.text;
    const described = wrap(help.key === undefined ? text : `${text} [${help.key}]`, WIDTH - DESCRIPTION_COLUMN);
    // A name too long for its column has its description start on the next line.
    if (name.length + 2 > DESCRIPTION_COLUMN) lines.push(name);
    else lines.push(`${name.padEnd(DESCRIPTION_COLUMN)}${described.shift()!}`);
    for (const rest of described) lines.push(`${' '.repeat(DESCRIPTION_COLUMN)}${rest}`);
  }
  lines.push('', `In brackets: the config key each flag ${command === 'init' ? 'sets' : 'overrides'}.`, "More: @m3ugen/cli's README, and docs/cli.md in the repository.");
  return lines.join('\n');
}
