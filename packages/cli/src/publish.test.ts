import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
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

describe('checkPublishable', () => {
  it('accepts a new or existing file in an existing folder, and creates nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'm3ugen-publish-'));
    writeFileSync(join(dir, 'old.json'), '{}');
    await checkPublishable(join(dir, 'new.json'));
    await checkPublishable(join(dir, 'old.json'));
    expect(readdirSync(dir)).toEqual(['old.json']);
  });

  it.each([
    ['a directory', 'sub', 'it is a directory'],
    ['a missing folder', 'missing/m.json', 'its folder does not exist'],
  ])('refuses %s with the message a publish would give, under its label', async (_, name, reason) => {
    const dir = mkdtempSync(join(tmpdir(), 'm3ugen-publish-'));
    mkdirSync(join(dir, 'sub'));
    const target = join(dir, name);
    await expect(checkPublishable(target, { label: 'metrics file' })).rejects.toThrow(`cannot write the metrics file "${target}": ${reason}`);
    await expect(publishAtomically(target, async () => undefined, { label: 'metrics file' })).rejects.toThrow(`cannot write the metrics file "${target}": ${reason}`);
  });
});
