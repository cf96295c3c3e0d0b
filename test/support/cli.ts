import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built command, as `pnpm m3ugen` runs it. */
export const BIN = fileURLToPath(new URL('../../packages/cli/bin/m3ugen.js', import.meta.url));
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  readonly stdin?: string;
  readonly cwd?: string;
  /** Added to the environment; a name set to `undefined` is removed from it. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Starts `m3ugen …`; the caller may signal the child before awaiting `done`. */
export function startCli(args: readonly string[], options: CliOptions = {}): { child: ChildProcess; done: Promise<CliResult> } {
  const env = options.env === undefined ? process.env : Object.fromEntries(Object.entries({ ...process.env, ...options.env }).filter(([, value]) => value !== undefined));
  const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdin!.on('error', () => undefined);
  child.stdin!.end(options.stdin ?? '');
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

/** Runs `m3ugen …` to completion. */
export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  return startCli(args, options).done;
}

/**
 * The command's stderr without its summary line's time and strategy (` in 1,292 ms (parallel, 2 worker
 * threads)`), which differ between runs that must otherwise say the same: the time is grouped by thousands.
 */
export function withoutRunTime(stderr: string): string {
  return stderr.replace(/ in [\d,]+ ms \([^)]*\)/, '');
}
