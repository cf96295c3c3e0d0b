import { M3ugenError } from '@m3ugen/core';
import { USAGE, USAGE_HINT, UsageError } from './args.js';
import { printableMessage, type ErrorStream } from './reporter.js';

/**
 * Says why a command failed on `stderr` and returns its exit code: 2 for a
 * usage error (with the usage text or a pointer to it), 0 when the reader of
 * stdout went away (`| head`), else 1 (with the stack for an unexpected error
 * under `--verbose`).
 *
 * @example
 * ```ts
 * process.exitCode = reportFailure(new UsageError('missing command'), process.stderr, false); // 2
 * ```
 */
export function reportFailure(error: unknown, stderr: ErrorStream, verbose: boolean): number {
  if (error instanceof UsageError) {
    stderr.write(`m3ugen: ${error.message}\n${error.showUsage ? `\n${USAGE}` : USAGE_HINT}\n`);
    return 2;
  }
  if ((error as NodeJS.ErrnoException | undefined)?.code === 'EPIPE') return 0;
  const message = printableMessage(error instanceof Error ? error.message : String(error));
  // A progress bar may be on the terminal's last line: clear it first.
  stderr.write(`${stderr.isTTY === true ? '\r\u001b[K' : ''}m3ugen: error: ${message}\n`);
  if (!(error instanceof M3ugenError) && error instanceof Error && verbose) stderr.write(`${printableMessage(error.stack ?? '')}\n`);
  return 1;
}
