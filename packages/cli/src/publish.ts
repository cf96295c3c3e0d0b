import { once } from 'node:events';
import { constants, opendirSync, unlinkSync, type Dir } from 'node:fs';
import { access, open, realpath, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { M3ugenError, systemErrorReason } from '@m3ugen/core';
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
 * The names in `folder` that `pattern` matches and whose process id (its
 * first group) is of a process that is gone: what killed runs left there.
 * Read an entry at a time, 1,024 names a read: a shared `/tmp` may hold
 * 100,000 names, which read at once made megabytes of strings before a run.
 * What was found before the folder could not be read further is kept; a
 * folder that cannot be listed has none.
 *
 * @example
 * ```ts
 * leftByDeadRuns('/tmp', /^m3ugen-ids-(\d+)-/); // ['m3ugen-ids-4242-Xa1b2c'] when 4242 is gone
 * ```
 */
export function leftByDeadRuns(folder: string, pattern: RegExp): string[] {
  const found: string[] = [];
  let dir: Dir;
  try {
    dir = opendirSync(folder, { bufferSize: 1024 });
  } catch {
    return found;
  }
  try {
    for (let entry = dir.readSync(); entry !== null; entry = dir.readSync()) {
      const pid = pattern.exec(entry.name)?.[1];
      if (pid !== undefined && Number(pid) !== process.pid && !isAlive(Number(pid))) found.push(entry.name);
    }
  } catch {
    // The folder went away or could not be read further: what was found stands.
  } finally {
    dir.closeSync();
  }
  return found;
}

/**
 * Removes temporary files that earlier runs left beside `target` when they
 * were killed (SIGKILL, power loss). Files of processes still alive are
 * left alone: they may be publishing right now.
 *
 * @example
 * ```ts
 * const removed = await removeStaleTemporaries('/srv/iptv/playlist.m3u');
 * // ['/srv/iptv/.playlist.m3u.4242.01J….tmp'] when process 4242 is gone
 * ```
 */
export async function removeStaleTemporaries(target: string): Promise<string[]> {
  const pattern = new RegExp(`^\\.${escapeRegExp(basename(target))}\\.(\\d+)\\.[0-9A-HJKMNP-TV-Z]{26}\\.tmp$`);
  const removed: string[] = [];
  for (const name of leftByDeadRuns(dirname(target), pattern)) {
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
  return new M3ugenError('E_OUTPUT', `cannot write the ${label} "${target}": ${systemErrorReason(error, 'its folder does not exist')}`, { cause: error });
}

/** Options of {@link publishAtomically} and {@link checkPublishable}. */
export interface PublishOptions {
  /** What the file is, in error messages: `cannot write the {label} "…"` (default `output`). */
  readonly label?: string;
}

/**
 * Where a publish writes. A regular file (or none yet) is replaced: `path` is
 * the file itself, a symbolic link followed, so the link stays and what it
 * points to is updated. A device or a named pipe has nothing to replace and
 * is written in place: a rename there would put a regular file in the
 * device's stead. So is a file the process has open (`/dev/stdout`,
 * `/dev/fd/3`), even a regular one: the shell that redirected it writes on.
 */
type Destination = { readonly inPlace: false; readonly path: string; readonly existing: Stats | undefined } | { readonly inPlace: true; readonly path: string };

/** Paths of the process's open files: `/dev/stdout`, `/dev/fd/3`, `/proc/self/fd/1`… */
const OPEN_FILE = /^\/(?:dev\/(?:stdin|stdout|stderr|fd\/\d+)|proc\/(?:self|thread-self|\d+)\/fd\/\d+)$/;

async function destinationOf(target: string, label: string | undefined): Promise<Destination> {
  if (OPEN_FILE.test(resolve(target))) return { inPlace: true, path: target };
  let path = target;
  try {
    path = await realpath(target);
  } catch (error) {
    // No file yet, or a link to none: the new file goes at `target`.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw outputError(target, error, label);
  }
  try {
    const existing = await stat(path);
    if (existing.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    return existing.isFile() ? { inPlace: false, path, existing } : { inPlace: true, path };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw outputError(target, error, label);
  }
  // `out/` names a folder: with none there, the rename at the end would fail with ENOTDIR after all the work.
  if (/[\\/]$/.test(target)) throw outputError(target, new Error('the path ends in a slash, which names a folder, and there is none'), label);
  return { inPlace: false, path, existing: undefined };
}

/**
 * Fails now, with the message {@link publishAtomically} would give later, if
 * `target` cannot be published: it is a directory, or its folder is missing
 * or not writable (for a device or named pipe: it is not writable). For a
 * file written after a long run (the metrics), so a wrong path is reported
 * before the work, not after.
 *
 * @example
 * ```ts
 * await checkPublishable('reports/metrics.json', { label: 'metrics file' });
 * ```
 */
export async function checkPublishable(target: string, options: PublishOptions = {}): Promise<void> {
  const destination = await destinationOf(target, options.label);
  try {
    await access(destination.inPlace ? destination.path : dirname(destination.path), constants.W_OK);
  } catch (error) {
    throw outputError(target, error, options.label);
  }
}

/**
 * Runs `write` into `stream` and waits until the file has everything
 * (flushed, and closed). System errors of the file (ENOSPC, EIO…) come out
 * naming the output; anything else (bad input, plugins) passes through.
 */
async function writeThrough<T>(stream: FileWriter, write: (output: Writable) => Promise<T>, target: string, label: string | undefined): Promise<T> {
  try {
    const result = await write(stream);
    if (!stream.writableFinished) await new Promise<void>((resolve, reject) => stream.end((error?: Error | null) => (error ? reject(error) : resolve())));
    if (!stream.closed) await once(stream, 'close');
    return result;
  } catch (error) {
    throw error instanceof Error && 'syscall' in error ? outputError(target, error, label) : error;
  }
}

async function openOutput(path: string, flags: 'w' | 'wx', target: string, label: string | undefined, replacing?: Stats): Promise<FileWriter> {
  let handle: FileHandle;
  try {
    handle = await open(path, flags);
  } catch (error) {
    throw outputError(target, error, label);
  }
  if (replacing !== undefined) {
    try {
      await keepModeAndOwner(handle, replacing);
    } catch (error) {
      await handle.close().catch(() => undefined);
      await unlink(path).catch(() => undefined);
      throw outputError(target, error, label);
    }
  }
  // A device or pipe cannot be flushed to disk (fsync fails there) and needs not be.
  const stream = new FileWriter(handle, { syncOnEnd: flags === 'wx' });
  // Write errors reach the caller through `write` (the sink listens too); this keeps a late one
  // (e.g. a write pending when the run fails and the stream is destroyed) from going unhandled.
  stream.on('error', () => undefined);
  return stream;
}

/**
 * Gives the new file the permission bits of the one it replaces (the mode
 * `open` takes is cut by the umask) and, where the process may, its owner
 * and group: a playlist a root cron job rewrites stays readable by the web
 * server that owns it. Without the right to (EPERM), the new file is the
 * process's own, as with any replacement by rename.
 */
async function keepModeAndOwner(handle: FileHandle, replacing: Stats): Promise<void> {
  if (replacing.uid !== process.geteuid?.() || replacing.gid !== process.getegid?.()) {
    await handle.chown(replacing.uid, replacing.gid).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPERM') throw error;
    });
  }
  await handle.chmod(replacing.mode & 0o777);
}

/**
 * Flushes a folder, so the rename in it survives a power cut: until then the
 * earlier file may come back. Best effort: not every file system can flush a
 * folder, and the file itself was flushed before the rename.
 */
async function syncFolder(folder: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(folder, 'r');
    await handle.sync();
  } catch {
    // The playlist is published either way.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/** signal-exit, imported by the first run that needs it: a run to stdout never does. */
let signalExit: Promise<typeof import('signal-exit')> | undefined;

/**
 * Runs `cleanup` (synchronous) if the process ends before the returned
 * function is called: it exits, or a signal ends it (SIGINT, SIGTERM,
 * SIGHUP…, which then ends it as it would have). Through signal-exit, which
 * every process-wide cleanup of the ecosystem uses (write-file-atomic,
 * execa): a signal a program handles itself (a server's graceful shutdown)
 * is left to it, and two such libraries in one process do not each wait
 * for the other to end it, as two handlers of their own would.
 *
 * @example
 * ```ts
 * const forget = await cleanUpOnExit(() => rmSync(scratch, { recursive: true, force: true }));
 * try { await work(scratch); } finally { forget(); }
 * ```
 */
export async function cleanUpOnExit(cleanup: () => void): Promise<() => void> {
  const { onExit } = await (signalExit ??= import('signal-exit'));
  return onExit(() => {
    cleanup();
  });
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

async function closeAfterFailure(stream: FileWriter): Promise<void> {
  stream.destroy();
  if (!stream.closed) await once(stream, 'close').catch(() => undefined);
}

/**
 * Writes a file atomically: everything goes to a temporary file in the same
 * folder, which is flushed to disk and renamed over `target` only when
 * `write` succeeds; the folder is then flushed too, so the new file
 * survives a power cut. On failure, or when the process ends first, the
 * temporary file is removed and whatever was at `target` before is
 * untouched: a signal such as SIGINT or SIGTERM ends a process that has no
 * handler of its own for it, as it would have; a program that handles it
 * itself (a server's graceful shutdown) decides, and the file is removed
 * when its process exits ({@link cleanUpOnExit}). A symbolic link
 * is followed (the file it points to is replaced, the link stays); a device,
 * a named pipe, or an open file of the process such as `/dev/stdout`, is
 * written in place, as there is no file to replace.
 *
 * @example
 * ```ts
 * await publishAtomically('playlist.m3u', (out) => generator.generate(channels, { output: out }));
 * ```
 */
export async function publishAtomically<T>(target: string, write: (output: Writable) => Promise<T>, options: PublishOptions = {}): Promise<T> {
  const label = options.label;
  const destination = await destinationOf(target, label);
  if (destination.inPlace) {
    const stream = await openOutput(destination.path, 'w', target, label);
    try {
      return await writeThrough(stream, write, target, label);
    } catch (error) {
      await closeAfterFailure(stream);
      throw error;
    }
  }
  await removeStaleTemporaries(destination.path);
  const temp = tempName(destination.path);
  const forget = await cleanUpOnExit(() => removeQuietly(temp));
  let stream: FileWriter;
  try {
    stream = await openOutput(temp, 'wx', target, label, destination.existing);
  } catch (error) {
    forget();
    throw error;
  }
  try {
    const result = await writeThrough(stream, write, target, label);
    try {
      await rename(temp, destination.path);
    } catch (error) {
      throw outputError(target, error, label);
    }
    await syncFolder(dirname(destination.path));
    return result;
  } catch (error) {
    await closeAfterFailure(stream);
    await unlink(temp).catch(() => undefined);
    throw error;
  } finally {
    forget();
  }
}
