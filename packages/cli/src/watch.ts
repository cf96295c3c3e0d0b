import { statSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Reporter } from './reporter.js';

/**
 * Quiet time after the input's last change before the next run: a writer's
 * several writes (or a write, then a rename) make one run, not several.
 */
export const WATCH_SETTLE_MS = 200;

/** Thrown by a run that read an input which changed meanwhile: it publishes nothing, and the change runs again. */
export class InputChangedError extends Error {
  constructor(name: string) {
    super(`${name} changed while it was read: reading it again`);
    this.name = 'InputChangedError';
  }
}

/** What a file is now (its inode, size and time of change), to tell whether it changed; `undefined` if it is gone. */
export function fileVersion(path: string): string | undefined {
  try {
    const stats = statSync(path, { bigint: true });
    return `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeNs}:${stats.ctimeNs}`;
  } catch {
    return undefined;
  }
}

/** What {@link watchInput} runs and where it reports. */
export interface WatchOptions {
  /** The input file to watch. */
  readonly path: string;
  /** The input and the output as messages name them. */
  readonly name: string;
  readonly output: string;
  readonly reporter: Reporter;
  /**
   * One run: opens the input, publishes the playlist or rejects with why
   * not. It calls `unchanged` before publishing and, if
   * the input is no longer the version it started with, throws an
   * {@link InputChangedError}: a playlist of a file being written is not
   * published.
   */
  readonly run: (unchanged: () => boolean) => Promise<void>;
  /** Says a failed run's error. */
  readonly report: (error: unknown) => void;
  /** Stops watching when aborted, resolving with 0 once the run under way, if any, has ended. */
  readonly signal?: AbortSignal | undefined;
}

/**
 * `m3ugen generate --watch`: runs once, then again each time the input file
 * changes, one run at a time. The folder is watched, not the file, so an
 * input replaced by a rename (how a pipeline publishes a file whole) is
 * seen; a change during a run starts one more run after it, and a run
 * whose input changed while it was read publishes nothing. A failed run
 * says why and leaves the published playlist as it was; the next change
 * runs again. Resolves only when `signal` aborts: the command's process
 * runs until a signal ends it (a run under way then removes its temporary
 * file, as without `--watch`), or once the run under way after it aborted
 * has ended (the command then watches again with the config read anew).
 * Rejects only if the folder cannot be watched.
 *
 * @example
 * ```ts
 * return watchInput({ path: 'channels.ndjson', name: 'channels.ndjson', output: 'playlist.m3u', reporter, run: runOnce, report });
 * ```
 */
export function watchInput(options: WatchOptions): Promise<number> {
  const { reporter } = options;
  return new Promise<number>((resolve, reject) => {
    // Aborted before it started (the config read anew meanwhile): nothing to run with the one before.
    if (options.signal?.aborted === true) {
      resolve(0);
      return;
    }
    let running = false;
    let pending = false;
    let watched: Settling;
    const attempt = async (): Promise<void> => {
      running = true;
      // Taken before the run opens the input, so a change after it is either read or caught.
      const version = fileVersion(options.path);
      try {
        await options.run(() => fileVersion(options.path) === version);
      } catch (error) {
        if (error instanceof InputChangedError) {
          reporter.info(error.message);
          pending = true;
        } else {
          options.report(error);
          reporter.warn(`${options.output} is left as it was`);
        }
      } finally {
        running = false;
      }
      if (options.signal?.aborted === true) {
        resolve(0);
        return;
      }
      if (pending) {
        pending = false;
        watched.again();
      } else {
        reporter.info(`watching ${options.name} for changes${reporter.atTerminal ? ' (Ctrl-C stops)' : ''}`);
      }
    };
    try {
      // Where a platform names no file in an event, any change in the folder counts: a run too many costs little.
      const changed = (): void => {
        if (running) pending = true;
        else void attempt();
      };
      watched = whenSettled(options.path, changed, { unnamed: true, signal: options.signal, failed: reject });
    } catch (error) {
      reject(error);
      return;
    }
    // A run under way ends first: its playlist is published (or not) before whatever follows.
    options.signal?.addEventListener(
      'abort',
      () => {
        if (!running) resolve(0);
      },
      { once: true },
    );
    // The watch starts first: a change while the first run reads is seen.
    void attempt();
  });
}

/** What {@link whenSettled} returns. */
interface Settling {
  /** Waits for quiet again, as after a change, then calls `settled` (unless watching stopped). */
  again(): void;
}

/** How often a folder that was removed or replaced is looked for again, to watch it anew. */
const FOLDER_RETRY_MS = 500;

/**
 * How often the file itself is looked at besides: a change the folder's
 * events do not show (a network mount, whose remote writes raise no
 * events; the target of a link in another folder) is seen within this.
 */
const FILE_POLL_MS = 1000;

/** A folder's identity (device and inode); `undefined` when it is gone. */
function folderIdentity(path: string): string | undefined {
  try {
    const stats = statSync(path);
    return stats.isDirectory() ? `${stats.dev}:${stats.ino}` : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Calls `settled` once changes to the file at `path` have stopped for
 * {@link WATCH_SETTLE_MS}. Its folder is watched, not the file, so a file
 * renamed into place counts; so does an event under another name after
 * which the file (links followed) is another (`..data` replaced, as
 * Kubernetes updates a mounted volume), and a change no event shows, seen
 * by looking at the file every {@link FILE_POLL_MS}. `unnamed`: whether an
 * event that names no file (where a platform gives no names) counts. A
 * folder removed or replaced (a pipeline that writes its output folder
 * afresh) is watched anew once it is there again, looked for every
 * {@link FOLDER_RETRY_MS}, and counts as a change: a watch on the folder
 * that went sees nothing more. Stops when `signal` aborts. Throws if the
 * folder cannot be watched at first; a later failure of the watch goes to
 * `failed`.
 */
function whenSettled(path: string, settled: () => void, options: { readonly unnamed: boolean; readonly signal?: AbortSignal | undefined; readonly failed: (error: unknown) => void }): Settling {
  const folder = dirname(path);
  const file = basename(path);
  const folderName = basename(folder);
  let timer: NodeJS.Timeout | undefined;
  let retry: NodeJS.Timeout | undefined;
  let stopped = false;
  const again = (): void => {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(settled, WATCH_SETTLE_MS);
  };
  /** What the file was at the latest event: a change under another name (a link it goes through replaced) shows here. */
  let version = fileVersion(path);
  const start = (): { watcher: FSWatcher; identity: string | undefined } => {
    const identity = folderIdentity(folder);
    const watcher = watch(folder, (_event, changed) => {
      const now = fileVersion(path);
      // Named, or the file is another now: a Kubernetes volume swaps the link `..data` that `m3ugen.toml -> ..data/m3ugen.toml` goes through.
      if (changed === file || (changed === null && options.unnamed) || now !== version) again();
      version = now;
      // The folder itself went (Linux names it in the event): this watch is over.
      if ((changed === folderName || changed === null) && folderIdentity(folder) !== current.identity) rewatch();
    });
    watcher.on('error', options.failed);
    return { watcher, identity };
  };
  const rewatch = (): void => {
    current.watcher.close();
    clearTimeout(retry);
    const lookAgain = (): void => {
      if (stopped) return;
      if (folderIdentity(folder) === undefined) {
        retry = setTimeout(lookAgain, FOLDER_RETRY_MS);
        return;
      }
      try {
        current = start();
      } catch {
        retry = setTimeout(lookAgain, FOLDER_RETRY_MS);
        return;
      }
      // What the new folder holds was never seen: take it as a change.
      again();
    };
    retry = setTimeout(lookAgain, FOLDER_RETRY_MS);
  };
  let current = start();
  const poll = setInterval(() => {
    const now = fileVersion(path);
    if (now === version) return;
    version = now;
    again();
  }, FILE_POLL_MS);
  options.signal?.addEventListener(
    'abort',
    () => {
      stopped = true;
      clearTimeout(timer);
      clearTimeout(retry);
      clearInterval(poll);
      current.watcher.close();
    },
    { once: true },
  );
  return { again };
}

/** A file {@link watchFiles} watches, and its name in messages. */
export interface WatchedFile {
  readonly path: string;
  readonly name: string;
}

/**
 * Calls `changed` with the file's name once changes to one of `files` have
 * settled (each burst of changes once), until `signal` aborts: how
 * `m3ugen generate --watch` notices an edit of its config, or of a file its
 * plugins read (a template, a plugin's module). A file whose folder cannot
 * be watched is passed over: the runs do not depend on it, and SIGHUP
 * reads the config again all the same.
 *
 * @example
 * ```ts
 * watchFiles([{ path: '/etc/m3ugen/m3ugen.toml', name: 'm3ugen.toml' }], (name) => reload(`${name} changed`), controller.signal);
 * ```
 */
export function watchFiles(files: readonly WatchedFile[], changed: (name: string) => void, signal: AbortSignal): void {
  const watched = new Set<string>();
  for (const { path, name } of files) {
    if (watched.has(path)) continue;
    watched.add(path);
    try {
      // Only events that name the file: where none is named, a change of another file would be taken for this one's.
      whenSettled(path, () => changed(name), { unnamed: false, signal, failed: () => undefined });
    } catch {
      // Not watchable (a folder gone, no inotify watches left).
    }
  }
}
