import { once } from 'node:events';
import { constants, unlinkSync } from 'node:fs';
import { access, open, readdir, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Writable } from 'node:stream';
import { M3ugenError } from '@m3ugen/core';
import { ulid } from 'ulid';
import { FileWriter } from './file-writer.js';

/** The temporary file of a publish: `.{name}.{pid}.{ulid}.tmp` beside the target. */
function tempName(target: string): string {
  return join(dirname(target), `.${basename(target)}.${process.pid}.${ulid()}.tmp`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Whether a process with this id exists (EPERM: it does, owned by someone else). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes temporary files that earlier runs left beside `target` when they
 * were killed (SIGKILL, power loss). Files of processes still alive are
 * left alone: they may be publishing right now.
 */
export async function removeStaleTemporaries(target: string): Promise<string[]> {
  const pattern = new RegExp(`^\\.${escapeRegExp(basename(target))}\\.(\\d+)\\.[0-9A-HJKMNP-TV-Z]{26}\\.tmp$`);
  const removed: string[] = [];
  let names: string[];
  try {
    names = await readdir(dirname(target));
  } catch {
    return removed;
  }
  for (const name of names) {
    const pid = pattern.exec(name)?.[1];
    if (pid === undefined || Number(pid) === process.pid || isAlive(Number(pid))) continue;
    try {
      await unlink(join(dirname(target), name));
      removed.push(name);
    } catch {
      // Another run may have removed it first.
    }
  }
  return removed;
}

function outputError(target: string, error: unknown, label = 'output'): M3ugenError {
  const code = (error as NodeJS.ErrnoException).code;
  const reason =
    code === 'EACCES' || code === 'EPERM'
      ? 'permission denied'
      : code === 'ENOENT'
        ? 'its folder does not exist'
        : code === 'ENOSPC'
          ? 'no space left on the device'
          : code === 'EISDIR'
            ? 'it is a directory'
            : code === 'EROFS'
              ? 'read-only file system'
              : error instanceof Error
                ? error.message
                : String(error);
  return new M3ugenError('E_OUTPUT', `cannot write the ${label} "${target}": ${reason}`, { cause: error });
}

/** Options of {@link publishAtomically} and {@link checkPublishable}. */
export interface PublishOptions {
  /** What the file is, in error messages: `cannot write the {label} "…"` (default `output`). */
  readonly label?: string;
}

/**
 * Fails now, with the message {@link publishAtomically} would give later, if
 * `target` cannot be published: it is a directory, or its folder is missing
 * or not writable. For a file written after a long run (the metrics), so a
 * wrong path is reported before the work, not after.
 *
 * @example
 * ```ts
 * await checkPublishable('reports/metrics.json', { label: 'metrics file' });
 * ```
 */
export async function checkPublishable(target: string, options: PublishOptions = {}): Promise<void> {
  await existingMode(target, options.label);
  try {
    await access(dirname(target), constants.W_OK);
  } catch (error) {
    throw outputError(target, error, options.label);
  }
}

/** The permission bits of the file at `target`, to keep on the new one; `undefined` if there is none. A directory there is an error. */
async function existingMode(target: string, label: string | undefined): Promise<number | undefined> {
  try {
    const existing = await stat(target);
    if (existing.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    return existing.mode & 0o777;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw outputError(target, error, label);
  }
}

/**
 * Writes a file atomically: everything goes to a temporary file in the same
 * folder, which is flushed to disk and renamed over `target` only when
 * `write` succeeds. On failure, or SIGINT/SIGTERM, the temporary file is
 * removed and whatever was at `target` before is untouched.
 *
 * @example
 * ```ts
 * await publishAtomically('playlist.m3u', (out) => generator.generate(channels, { output: out }));
 * ```
 */
export async function publishAtomically<T>(target: string, write: (output: Writable) => Promise<T>, options: PublishOptions = {}): Promise<T> {
  const label = options.label;
  await removeStaleTemporaries(target);
  const mode = (await existingMode(target, label)) ?? 0o666;
  const temp = tempName(target);
  let handle: FileHandle;
  try {
    handle = await open(temp, 'wx', mode);
  } catch (error) {
    throw outputError(target, error, label);
  }
  const stream = new FileWriter(handle);
  // Write errors reach the caller through `write` (the sink listens too); this keeps a late one
  // (e.g. a write pending when the run fails and the stream is destroyed) from going unhandled.
  stream.on('error', () => undefined);

  const onSignal = (signal: NodeJS.Signals): void => {
    try {
      unlinkSync(temp);
    } catch {
      // already gone
    }
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    let result: T;
    try {
      result = await write(stream);
      if (!stream.writableFinished) await new Promise<void>((resolve, reject) => stream.end((error?: Error | null) => (error ? reject(error) : resolve())));
      if (!stream.closed) await once(stream, 'close');
    } catch (error) {
      // System errors of the file (ENOSPC, EIO…) name the output; anything else (bad input, plugins) passes through.
      throw error instanceof Error && 'syscall' in error ? outputError(target, error, label) : error;
    }
    try {
      await rename(temp, target);
    } catch (error) {
      throw outputError(target, error, label);
    }
    return result;
  } catch (error) {
    stream.destroy();
    if (!stream.closed) await once(stream, 'close').catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw error;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
