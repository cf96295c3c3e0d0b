import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { chmodSync, chownSync, closeSync, existsSync, lstatSync, openSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkPublishable, publishAtomically, removeStaleTemporaries } from './publish.js';

const systemError = (code: string): Error => Object.assign(new Error(`${code}: simulated`), { code, syscall: 'write' });

describe('publishAtomically', () => {
  it('replaces the file only when everything was written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'm3ugen-publish-'));
    const target = join(dir, 'playlist.m3u');
    writeFileSync(target, 'old\n');
    await publishAtomically(target, async (out) => {
      out.write('new ');
      await new Promise<void>((resolve) => out.end('playlist\n', resolve));
    });
    expect(readFileSync(target, 'utf8')).toBe('new playlist\n');
    expect(readdirSync(dir)).toEqual(['playlist.m3u']);
  });

  it.each([
    ['ENOSPC', 'no space left on the device'],
    ['EIO', 'EIO: simulated'],
    ['EACCES', 'permission denied'],
  ])('turns a %s while writing into a clear message and keeps the earlier file', async (code, reason) => {
    const dir = mkdtempSync(join(tmpdir(), 'm3ugen-publish-'));
    const target = join(dir, 'playlist.m3u');
    writeFileSync(target, 'old\n');
    await expect(
      publishAtomically(target, async (out) => {
        out.write('partial');
        throw systemError(code);
      }),
    ).rejects.toThrow(`cannot write the output "${target}": ${reason}`);
    expect(readFileSync(target, 'utf8')).toBe('old\n');
    expect(readdirSync(dir)).toEqual(['playlist.m3u']);
  });

  it('lets errors that are not about the file pass unchanged', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'm3ugen-publish-'));
    await expect(publishAtomically(join(dir, 'p.m3u'), () => Promise.reject(new Error('bad record')))).rejects.toThrow(/^bad record$/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('removes temporary files of dead processes but not of live ones', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'm3ugen-publish-'));
    const target = join(dir, 'playlist.m3u');
    const dead = `.playlist.m3u.999999999.01ARZ3NDEKTSV4RRFFQ69G5FAV.tmp`;
    const alive = `.playlist.m3u.${process.ppid}.01ARZ3NDEKTSV4RRFFQ69G5FAV.tmp`;
    const other = '.other.m3u.999999999.01ARZ3NDEKTSV4RRFFQ69G5FAV.tmp';
    for (const name of [dead, alive, other]) writeFileSync(join(dir, name), 'x');
    expect(await removeStaleTemporaries(target)).toEqual([dead]);
    expect(readdirSync(dir).sort()).toEqual([alive, other].sort());
  });
});

describe('publishAtomically keeps what the replaced file was', () => {
  const publishText = (target: string, text: string): Promise<void> => publishAtomically(target, async (out) => void (await new Promise<void>((resolve) => out.end(text, resolve))));

  it.each([
    ['0666', 0o666],
    ['0640', 0o640],
    ['0600', 0o600],
  ])('keeps the permission bits %s, which the umask would otherwise cut', async (_, mode) => {
    const dir = mkdtempSync(join(tmpdir(), 'm3ugen-publish-'));
    const target = join(dir, 'playlist.m3u');
    writeFileSync(target, 'old\n');
    chmodSync(target, mode);
    await publishText(target, 'new\n');
    expect(statSync(target).mode & 0o777).toBe(mode);
    expect(readFileSync(target, 'utf8')).toBe('new\n');
  });

  // Only root may give a file away: a playlist a root cron job rewrites must stay the web server's.
  it.skipIf(process.getuid?.() !== 0)('keeps the owner and group (as root)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'm3ugen-publish-'));
    const target = join(dir, 'playlist.m3u');
    writeFileSync(target, 'old\n');
    chownSync(target, 1234, 2345);
    await publishText(target, 'new\n');
    expect(statSync(target)).toMatchObject({ uid: 1234, gid: 2345 });
  });
});

describe('publishAtomically into what is not a regular file', () => {
  it('follows a symbolic link: the file it points to is replaced, the link stays', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'm3ugen-publish-'));
    mkdirSync(join(dir, 'www'));
    const real = join(dir, 'www', 'playlist.m3u');
    writeFileSync(real, 'old\n');
    const link = join(dir, 'playlist.m3u');
    symlinkSync(real, link);
    await publishAtomically(link, async (out) => void (await new Promise<void>((resolve) => out.end('new\n', resolve))));
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe(real);
    expect(readFileSync(real, 'utf8')).toBe('new\n');
    expect(readdirSync(join(dir, 'www'))).toEqual(['playlist.m3u']);
  });

  it('writes a named pipe in place, leaving it a pipe', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'm3ugen-publish-'));
    const fifo = join(dir, 'playlist.fifo');
    execFileSync('mkfifo', [fifo]);
    await checkPublishable(fifo);
    const received = readFile(fifo, 'utf8');
    await publishAtomically(fifo, async (out) => void (await new Promise<void>((resolve) => out.end('#EXTM3U\n', resolve))));
    expect(await received).toBe('#EXTM3U\n');
    expect(statSync(fifo).isFIFO()).toBe(true);
    expect(readdirSync(dir)).toEqual(['playlist.fifo']);
  });

  it('writes an open file of the process (/dev/fd/N) in place, in the file that is open', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'm3ugen-publish-'));
    const file = join(dir, 'redirected.m3u');
    const fd = openSync(file, 'w');
    try {
      const inode = statSync(file).ino;
      await publishAtomically(`/dev/fd/${fd}`, async (out) => void (await new Promise<void>((resolve) => out.end('#EXTM3U\n', resolve))));
      expect(statSync(file).ino).toBe(inode);
      expect(readFileSync(file, 'utf8')).toBe('#EXTM3U\n');
    } finally {
      closeSync(fd);
    }
  });

  it.skipIf(!existsSync('/dev/shm'))('still replaces a regular file under /dev (/dev/shm) atomically', async () => {
    const dir = mkdtempSync('/dev/shm/m3ugen-publish-');
    try {
      const target = join(dir, 'playlist.m3u');
      writeFileSync(target, 'old\n');
      const inode = statSync(target).ino;
      await publishAtomically(target, async (out) => void (await new Promise<void>((resolve) => out.end('new\n', resolve))));
      expect(statSync(target).ino).not.toBe(inode);
      expect(readFileSync(target, 'utf8')).toBe('new\n');
      expect(readdirSync(dir)).toEqual(['playlist.m3u']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes /dev/null in place: a rename there would replace the device with a file', async () => {
    await publishAtomically('/dev/null', async (out) => void (await new Promise<void>((resolve) => out.end('#EXTM3U\n', resolve))));
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
    expect(readdirSync('/dev').filter((name) => name.startsWith('.null.'))).toEqual([]);
  });
});

describe('publishAtomically when its process is signalled', () => {
  /** The built package, as a program that imports it runs it. */
  const cli = new URL('../dist/index.js', import.meta.url).href;
  /** The signal-exit the package uses, as another library in the program would load it. */
  const signalExitUrl = pathToFileURL(createRequire(import.meta.url).resolve('signal-exit')).href;
  /**
   * A program that publishes `target` and, once half of it is written, says
   * "writing" and waits for `go` before finishing. `handler`: its own SIGTERM
   * handler, or none.
   */
  const program = (handler: string): string => `
    import { publishAtomically } from ${JSON.stringify(cli)};
    let go;
    const finish = new Promise((resolve) => (go = resolve));
    const alive = setInterval(() => {}, 1000); // a pending promise alone does not keep a process running
    ${handler}
    await publishAtomically(process.argv[1], async (out) => {
      out.write('new ');
      console.log('writing');
      await finish;
      await new Promise((resolve) => out.end('playlist\\n', resolve));
    });
    console.log('published');
    clearInterval(alive);
  `;

  /** Runs `source` over a file holding an earlier playlist, sends `signal` while it writes, and reports how it ended. */
  async function signalled(
    source: string,
    signal: NodeJS.Signals,
  ): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; playlist: string; files: string[] }> {
    const dir = mkdtempSync(join(tmpdir(), 'm3ugen-publish-'));
    const target = join(dir, 'playlist.m3u');
    writeFileSync(target, 'old\n');
    const child = spawn(process.execPath, ['--input-type=module', '-e', source, target], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.setEncoding('utf8');
    const ended = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    await new Promise<void>((resolve) =>
      child.stdout.on('data', (chunk: string) => {
        stdout += chunk;
        if (stdout.includes('writing')) resolve();
      }),
    );
    child.kill(signal);
    const [code, endedBy] = await ended;
    return { code, signal: endedBy, stdout, playlist: readFileSync(target, 'utf8'), files: readdirSync(dir) };
  }

  it.each(['SIGTERM', 'SIGINT', 'SIGHUP'] as const)('lets %s end a process without its own handler for it, as it would have, without the temporary file', async (signal) => {
    const run = await signalled(program(''), signal);
    expect(run).toEqual({ code: null, signal, stdout: 'writing\n', playlist: 'old\n', files: ['playlist.m3u'] });
  });

  it('does the same beside another signal-exit user (execa, write-file-atomic) in the process, rather than each waiting for the other', async () => {
    const run = await signalled(program(`const { onExit } = await import(${JSON.stringify(signalExitUrl)}); onExit(() => console.log('their cleanup'));`), 'SIGTERM');
    expect(run).toEqual({ code: null, signal: 'SIGTERM', stdout: 'writing\ntheir cleanup\n', playlist: 'old\n', files: ['playlist.m3u'] });
  });

  it("leaves a program's own handler in charge: a graceful shutdown lets the publish finish", async () => {
    const run = await signalled(program(`process.on('SIGTERM', () => { console.log('shutting down'); go(); });`), 'SIGTERM');
    expect(run).toEqual({ code: 0, signal: null, stdout: 'writing\nshutting down\npublished\n', playlist: 'new playlist\n', files: ['playlist.m3u'] });
  });

  it('removes the temporary file when the program\'s own handler exits at once', async () => {
    const run = await signalled(program(`process.on('SIGTERM', () => process.exit(3));`), 'SIGTERM');
    expect(run).toEqual({ code: 3, signal: null, stdout: 'writing\n', playlist: 'old\n', files: ['playlist.m3u'] });
  });
});

describe('checkPublishable', () => {
  it('accepts a new or existing file in an existing folder, and creates nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'm3ugen-publish-'));
    writeFileSync(join(dir, 'old.json'), '{}');
    await checkPublishable(join(dir, 'new.json'));
    await checkPublishable(join(dir, 'old.json'));
    expect(readdirSync(dir)).toEqual(['old.json']);
  });

  it.each([
    ['a directory', 'sub', 'is a directory'],
    ['a missing folder', 'missing/m.json', 'its folder does not exist'],
    ['a folder that is not there (a trailing slash)', 'missing/', 'the path ends in a slash, which names a folder, and there is none'],
    ['a path through a file', 'file.json/m.json', 'a folder on its path is a file'],
    ['a file named as a folder', 'file.json/', 'a folder on its path is a file'],
  ])('refuses %s with the message a publish would give, under its label', async (_, name, reason) => {
    const dir = mkdtempSync(join(tmpdir(), 'm3ugen-publish-'));
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'file.json'), '{}');
    const target = join(dir, name);
    await expect(checkPublishable(target, { label: 'metrics file' })).rejects.toThrow(`cannot write the metrics file "${target}": ${reason}`);
    await expect(publishAtomically(target, async () => undefined, { label: 'metrics file' })).rejects.toThrow(`cannot write the metrics file "${target}": ${reason}`);
  });
});
