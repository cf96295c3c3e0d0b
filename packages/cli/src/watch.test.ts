import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Reporter } from './reporter.js';
import { InputChangedError, watchFiles, watchInput, type WatchOptions } from './watch.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A file to watch, the lines the reporter said, and the options every watch here shares (stopped by `controller`). */
function fixture(): { path: string; lines: string[]; controller: AbortController; common: Omit<WatchOptions, 'run' | 'report'> } {
  const dir = mkdtempSync(join(tmpdir(), 'm3ugen-watch-'));
  dirs.push(dir);
  const path = join(dir, 'channels.ndjson');
  writeFileSync(path, 'first\n');
  const lines: string[] = [];
  const reporter = new Reporter({ write: (text: string) => lines.push(text) }, 'normal');
  const controller = new AbortController();
  return { path, lines, controller, common: { path, name: 'channels.ndjson', output: 'playlist.m3u', reporter, signal: controller.signal } };
}

/** Resolves once `condition` holds, checking every 20 ms; rejects after 10 s with `what`. */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !condition(); waited += 20) {
    if (waited > 10_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A watch whose second run waits for `held.release()`, so that changes come while it runs; `held.runs` counts the runs begun. */
function holdingSecondRun(common: Omit<WatchOptions, 'run' | 'report'>, lines: string[]): { held: { runs: number; release: (() => void) | undefined }; watching: Promise<number> } {
  const held: { runs: number; release: (() => void) | undefined } = { runs: 0, release: undefined };
  const watching = watchInput({
    ...common,
    report: (error) => lines.push(`error: ${String(error)}`),
    run: async () => {
      held.runs++;
      if (held.runs === 2) await new Promise<void>((resolve) => (held.release = resolve));
    },
  });
  return { held, watching };
}

describe('watchInput', () => {
  it('runs once, then once per change, a change during a run giving one more run after it', async () => {
    const { path, lines, controller, common } = fixture();
    const { held, watching } = holdingSecondRun(common, lines);
    await until(() => held.runs === 1 && lines.some((line) => line.includes('watching channels.ndjson')), 'the first run');
    writeFileSync(`${path}.tmp`, 'second\n');
    renameSync(`${path}.tmp`, path);
    await until(() => held.runs === 2 && held.release !== undefined, 'the run after a rename into place');
    writeFileSync(path, 'third\n');
    writeFileSync(path, 'fourth\n');
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(held.runs).toBe(2);
    held.release!();
    await until(() => held.runs === 3, 'the run for the changes made during the second');
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(held.runs).toBe(3);
    controller.abort();
    expect(await watching).toBe(0);
  });

  it('says a failed run and goes on watching; a run whose input changed as it was read publishes nothing and runs again', async () => {
    const { path, lines, controller, common } = fixture();
    let runs = 0;
    const watching = watchInput({
      ...common,
      report: (error) => lines.push(`error: ${(error as Error).message}\n`),
      run: async (unchanged) => {
        runs++;
        if (runs === 1) throw new Error('line 3: invalid JSON');
        if (runs === 2) {
          writeFileSync(path, 'written while read\n');
          expect(unchanged()).toBe(false);
          throw new InputChangedError('channels.ndjson');
        }
        expect(unchanged()).toBe(true);
      },
    });
    await until(() => runs === 1 && lines.some((line) => line.includes('watching')), 'the failed first run');
    expect(lines.slice(0, 2)).toEqual(['error: line 3: invalid JSON\n', 'm3ugen: warning: playlist.m3u is left as it was\n']);
    writeFileSync(path, 'fixed\n');
    await until(() => runs === 3, 'a run after the one whose input changed');
    expect(lines).toContain('m3ugen: channels.ndjson changed while it was read: reading it again\n');
    // Only the first run's error was said: no check inside the runs failed.
    expect(lines.filter((line) => line.startsWith('error:'))).toHaveLength(1);
    controller.abort();
    await watching;
  });

  it('goes on watching a folder removed and made again, or replaced by a rename, as a pipeline that writes its folder afresh does', async () => {
    const root = mkdtempSync(join(tmpdir(), 'm3ugen-watch-'));
    dirs.push(root);
    const folder = join(root, 'out');
    const path = join(folder, 'channels.ndjson');
    mkdirSync(folder);
    writeFileSync(path, 'first\n');
    const lines: string[] = [];
    const reporter = new Reporter({ write: (text: string) => lines.push(text) }, 'normal');
    const controller = new AbortController();
    const read: string[] = [];
    const watching = watchInput({
      path,
      name: 'out/channels.ndjson',
      output: 'playlist.m3u',
      reporter,
      signal: controller.signal,
      report: () => read.push('(failed)'),
      run: async () => {
        // What a run reads; the file may be gone for a moment.
        read.push(existsSync(path) ? readFileSync(path, 'utf8').trim() : '(gone)');
      },
    });
    await until(() => read.length === 1, 'the first run');
    rmSync(folder, { recursive: true });
    await new Promise((resolve) => setTimeout(resolve, 300));
    mkdirSync(folder);
    writeFileSync(path, 'second\n');
    await until(() => read.at(-1) === 'second', 'a run of the file in the folder made again');
    const replacement = join(root, 'out.next');
    mkdirSync(replacement);
    writeFileSync(join(replacement, 'channels.ndjson'), 'third\n');
    renameSync(folder, join(root, 'out.old'));
    renameSync(replacement, folder);
    await until(() => read.at(-1) === 'third', 'a run of the file in the folder renamed into place');
    writeFileSync(path, 'fourth\n');
    await until(() => read.at(-1) === 'fourth', 'a run after a change in the new folder');
    controller.abort();
    expect(await watching).toBe(0);
  });

  it('says how to stop only at a terminal, not in a service\'s journal', async () => {
    for (const isTTY of [false, true]) {
      const { lines, controller, common } = fixture();
      const reporter = new Reporter({ write: (text: string) => lines.push(text), isTTY }, 'normal');
      const watching = watchInput({ ...common, reporter, report: () => undefined, run: async () => undefined });
      await until(() => lines.length === 1, 'the first run');
      expect(lines).toEqual([`m3ugen: watching channels.ndjson for changes${isTTY ? ' (Ctrl-C stops)' : ''}\n`]);
      controller.abort();
      await watching;
    }
  });

  it('ends when aborted only once the run under way has ended, and runs no more', async () => {
    const { path, lines, controller, common } = fixture();
    const { held, watching: started } = holdingSecondRun(common, lines);
    let resolved = false;
    const watching = started.then((code) => {
      resolved = true;
      return code;
    });
    await until(() => held.runs === 1 && lines.length === 1, 'the first run');
    writeFileSync(path, 'second\n');
    await until(() => held.release !== undefined, 'the second run');
    writeFileSync(path, 'third\n');
    controller.abort();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(resolved).toBe(false);
    held.release!();
    expect(await watching).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 400));
    // The change during the aborted run gave no run after it, and nothing said it watches.
    expect(held.runs).toBe(2);
    expect(lines.filter((line) => line.includes('watching'))).toHaveLength(1);
  });

  it('runs nothing when aborted before it started (the config read anew in between)', async () => {
    const { lines, controller, common } = fixture();
    controller.abort();
    let runs = 0;
    expect(await watchInput({ ...common, report: () => undefined, run: async () => void runs++ })).toBe(0);
    expect(runs).toBe(0);
    expect(lines).toEqual([]);
  });
});

describe('watchFiles', () => {
  it('sees a file change through a link replaced under another name, as Kubernetes updates a mounted config', async () => {
    const root = mkdtempSync(join(tmpdir(), 'm3ugen-watch-'));
    dirs.push(root);
    mkdirSync(join(root, '..v1'));
    writeFileSync(join(root, '..v1', 'm3ugen.toml'), 'input = "one.ndjson"\n');
    symlinkSync('..v1', join(root, '..data'));
    symlinkSync('..data/m3ugen.toml', join(root, 'm3ugen.toml'));
    const controller = new AbortController();
    const changed: string[] = [];
    watchFiles([{ path: join(root, 'm3ugen.toml'), name: 'm3ugen.toml' }], (name) => changed.push(name), controller.signal);
    // Another file in the folder, the link left as it is: nothing.
    writeFileSync(join(root, 'other.txt'), 'x');
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(changed).toEqual([]);
    mkdirSync(join(root, '..v2'));
    writeFileSync(join(root, '..v2', 'm3ugen.toml'), 'input = "two.ndjson"\n');
    symlinkSync('..v2', join(root, '..data_tmp'));
    renameSync(join(root, '..data_tmp'), join(root, '..data'));
    await until(() => changed.length === 1, 'the change through the replaced link');
    expect(changed).toEqual(['m3ugen.toml']);
    controller.abort();
  });

  it('sees a change no event of the folder shows, the file of a link into another folder replaced there, by looking at it', async () => {
    const root = mkdtempSync(join(tmpdir(), 'm3ugen-watch-'));
    dirs.push(root);
    mkdirSync(join(root, 'exports'));
    mkdirSync(join(root, 'site'));
    writeFileSync(join(root, 'exports', 'channels.ndjson'), 'first\n');
    symlinkSync('../exports/channels.ndjson', join(root, 'site', 'channels.ndjson'));
    const controller = new AbortController();
    const changed: string[] = [];
    watchFiles([{ path: join(root, 'site', 'channels.ndjson'), name: 'channels.ndjson' }], (name) => changed.push(name), controller.signal);
    writeFileSync(join(root, 'exports', 'next.ndjson'), 'second\n');
    renameSync(join(root, 'exports', 'next.ndjson'), join(root, 'exports', 'channels.ndjson'));
    await until(() => changed.length === 1, 'the change seen by looking at the file');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(changed).toEqual(['channels.ndjson']);
    controller.abort();
  });

  it('calls back with the name of a changed file once per burst of changes, nothing for other files, nothing once aborted', async () => {
    const { path, controller } = fixture();
    const config = join(path, '..', 'm3ugen.toml');
    const template = join(path, '..', 'extinf.eta');
    writeFileSync(config, 'input = "channels.ndjson"\n');
    writeFileSync(template, '#EXTINF:-1,<%= it.name %>');
    const changed: string[] = [];
    watchFiles(
      [
        { path: config, name: 'm3ugen.toml' },
        { path: template, name: 'extinf.eta' },
        { path: config, name: 'm3ugen.toml' },
      ],
      (name) => changed.push(name),
      controller.signal,
    );
    writeFileSync(join(path, '..', 'other.txt'), 'x');
    writeFileSync(config, 'input = "other.ndjson"\n');
    writeFileSync(config, 'input = "third.ndjson"\n');
    await until(() => changed.length === 1, 'the config change');
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(changed).toEqual(['m3ugen.toml']);
    writeFileSync(`${template}.new`, '#EXTINF:-1,[<%= it.name %>]');
    renameSync(`${template}.new`, template);
    await until(() => changed.length === 2, 'the template renamed into place');
    expect(changed).toEqual(['m3ugen.toml', 'extinf.eta']);
    controller.abort();
    writeFileSync(config, 'input = "fourth.ndjson"\n');
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(changed).toHaveLength(2);
  });
});
