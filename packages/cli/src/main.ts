import { readFileSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { closestName, didYouMean } from '@m3ugen/core';
import { FLAGS_OF, USAGE, UsageError, type Command } from './args.js';
import { initCommand } from './commands/init.js';
import { commandHelp } from './help.js';
import { generateCommand, type CommandIo } from './commands/generate.js';
import { validateCommand } from './commands/validate.js';
import { reportFailure } from './failure.js';

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Streams whose write errors are already ignored: one listener per stream, however often `main` runs. */
const ignoring = new WeakSet<Writable>();

/**
 * Nobody reading stderr (a closed pipe: `m3ugen … 2>&1 | head -1`) must not
 * fail a run or cut it short: without a listener, the EPIPE of a warning or
 * of the summary line was an uncaught error, exit 1 after the playlist was
 * published and before the metrics were written. Lines it cannot take are
 * dropped; a playlist written to stderr still fails its run, through the
 * write's callback.
 */
function ignoreWriteErrors(stream: Writable): void {
  if (ignoring.has(stream)) return;
  ignoring.add(stream);
  stream.on('error', () => {});
}

/**
 * Runs the `m3ugen` command and returns its exit code: 0 success, 1 invalid
 * input or config (or a failed write), 2 usage error.
 *
 * @example
 * ```ts
 * process.exitCode = await main(['generate', '--config', 'm3ugen.toml'], { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
 * ```
 */
export async function main(argv: readonly string[], io: CommandIo): Promise<number> {
  ignoreWriteErrors(io.stderr);
  const [command, ...rest] = argv;
  try {
    // `m3ugen generate --help` asks for help too, not a run with an unknown option.
    const asksHelp = (arg: string | undefined): boolean => arg === '--help' || arg === '-h';
    const isCommand = (arg: string | undefined): arg is Command => arg !== undefined && Object.hasOwn(FLAGS_OF, arg);
    // A command's own help lists its flags: `m3ugen generate --help`, `m3ugen help validate`.
    const helpOf = isCommand(command) && rest.some(asksHelp) ? command : command === 'help' && isCommand(rest[0]) ? rest[0] : undefined;
    if (helpOf !== undefined) {
      io.stdout.write(`${commandHelp(helpOf)}\n`);
      return 0;
    }
    if (command === 'help' || asksHelp(command)) {
      io.stdout.write(`${USAGE}\n`);
      return 0;
    }
    switch (command) {
      case 'generate':
        return await generateCommand(rest, io);
      case 'validate':
        return await validateCommand(rest, io);
      case 'init':
        return await initCommand(rest, io);
      case '--version':
      case '-V':
        io.stdout.write(`${version()}\n`);
        return 0;
      case undefined:
        throw new UsageError('missing command');
      default:
        throw new UsageError(`unknown command "${command}"${didYouMean(closestName(command, [...Object.keys(FLAGS_OF), 'help']))}`);
    }
  } catch (error) {
    return reportFailure(error, io.stderr, argv.includes('--verbose'));
  }
}
