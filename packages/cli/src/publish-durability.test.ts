import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { publishAtomically } from './publish.js';

/** What reached the disk, in order: flushes of files and folders, and renames. */
const events: string[] = [];
const label = (path: string): string => (basename(path).endsWith('.tmp') ? 'temporary file' : basename(path) === 'playlist.m3u' ? 'playlist' : 'folder');

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...real,
    open: async (path: string, ...rest: Parameters<typeof real.open> extends [unknown, ...infer R] ? R : never) => {
      const handle = await real.open(path, ...rest);
      const sync = handle.sync.bind(handle);
      handle.sync = async () => {
        events.push(`flush ${label(path)}`);
        return sync();
      };
      return handle;
    },
    rename: async (from: string, to: string) => {
      events.push(`rename ${label(from)} → ${label(to)}`);
      return real.rename(from, to);
    },
  };
});

describe('publishAtomically and power cuts', () => {
  it('flushes the file before the rename and the folder after it, so neither a hole nor the earlier file can come back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'm3ugen-durable-'));
    const target = join(dir, 'playlist.m3u');
    writeFileSync(target, 'old\n');
    events.length = 0;
    await publishAtomically(target, async (out) => void (await new Promise<void>((resolve) => out.end('new\n', resolve))));
    expect(events).toEqual(['flush temporary file', 'rename temporary file → playlist', 'flush folder']);
    expect(readFileSync(target, 'utf8')).toBe('new\n');
  });
});
