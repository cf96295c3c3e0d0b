import { statSync, watch } from 'node:fs';
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
  /** Stops watching when aborted (after the run under way, if any), resolving with 0; the command has none. */
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
 * file, as without `--watch`). Rejects only if the folder cannot be watched.
 *
 * @example
 * ```ts
 * return watchInput({ path: 'channels.ndjson', name: 'channels.ndjson', output: 'playlist.m3u', reporter, run: runOnce, report });
 * ```
 */
export function watchInput(options: WatchOptions): Promise<number> {
  const { reporter } = options;
  const file = basename(options.path);
  return new Promise<number>((resolve, reject) => {
    let running = false;
    let stopped = false;
    let pending = false;
    let timer: NodeJS.Timeout | undefined;
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
      if (pending) {
        pending = false;
        schedule();
      } else {
        reporter.info(`watching ${options.name} for changes (Ctrl-C stops)`);
      }
    };
    const schedule = (): void => {
      if (stopped) return;
      if (running) {
        pending = true;
        return;
      }
      clearTimeout(timer);
      timer = setTimeout(() => void attempt(), WATCH_SETTLE_MS);
    };
    try {
      // Linux names the file in each event; where a platform does not (`null`), any change in the folder counts.
      const watcher = watch(dirname(options.path), (_event, changed) => {
        if (!stopped && (changed === null || changed === file)) schedule();
      });
      watcher.on('error', reject);
      options.signal?.addEventListener(
        'abort',
        () => {
          stopped = true;
          clearTimeout(timer);
          watcher.close();
          resolve(0);
        },
        { once: true },
      );
    } catch (error) {
      reject(error);
      return;
    }
    // The watch starts first: a change while the first run reads is seen.
    void attempt();
  });
}

/**
 * Says, once per burst of changes, that the config file changed while the
 * command watches its input: it was read when the command started, and a
 * change applies only on a restart. Without this, an operator who edits
 * the config of a watching command sees nothing happen. A folder that
 * cannot be watched is passed over (the runs do not depend on it).
 *
 * @example
 * ```ts
 * noticeConfigChanges('m3ugen.toml', reporter);
 * // m3ugen: warning: m3ugen.toml changed: the command read it when it started; restart it to apply the change
 * ```
 */
export function noticeConfigChanges(path: string, reporter: Reporter, signal?: AbortSignal): void {
  const file = basename(path);
  let timer: NodeJS.Timeout | undefined;
  try {
    const watcher = watch(dirname(path), (_event, changed) => {
      if (changed !== file) return;
      clearTimeout(timer);
      timer = setTimeout(() => reporter.warn(`${path} changed: the command read it when it started; restart it to apply the change`), WATCH_SETTLE_MS);
    });
    watcher.on('error', () => watcher.close());
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        watcher.close();
      },
      { once: true },
    );
  } catch {
    // Not watchable (a folder gone, no inotify watches left): the runs go on without the notice.
  }
}
