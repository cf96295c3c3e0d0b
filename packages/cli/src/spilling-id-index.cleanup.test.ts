import * as fs from 'node:fs';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { SpillingIdIndex } from './spilling-id-index.js';

// rmSync refuses folders named "…-theirs": what a shared /tmp does with another user's folder (EPERM, sticky bit), which root cannot otherwise be shown.
vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  return {
    ...actual,
    rmSync: (path: fs.PathLike, options?: fs.RmOptions) => {
      if (String(path).endsWith('-theirs')) throw Object.assign(new Error(`EPERM: operation not permitted, rmdir '${String(path)}'`), { code: 'EPERM' });
      actual.rmSync(path, options);
    },
  };
});

/** A process id no process has: above Linux's pid_max limit. */
const DEAD = 4_194_305;

describe('SpillingIdIndex.removeAbandoned', () => {
  it("removes the key folders of runs that are gone, leaves live runs' folders and other names, and goes on past one it may not remove", () => {
    const folder = mkdtempSync(join(tmpdir(), 'm3ugen-abandoned-'));
    const make = (name: string): void => {
      mkdirSync(join(folder, name));
      writeFileSync(join(folder, name, '0.keys'), 'keys');
    };
    // Twenty removable ones: listed in the file system's order, nearly always some come after the one that is not.
    const abandoned = Array.from({ length: 20 }, (_, i) => `m3ugen-ids-${DEAD}-${String(i).padStart(2, '0')}`);
    make(`m3ugen-ids-${DEAD}-theirs`);
    make(`m3ugen-ids-${process.pid}-live`);
    make('m3ugen-idsX-other');
    abandoned.forEach(make);
    expect(SpillingIdIndex.removeAbandoned(folder).sort()).toEqual(abandoned);
    expect(readdirSync(folder).sort()).toEqual([`m3ugen-ids-${DEAD}-theirs`, `m3ugen-ids-${process.pid}-live`, 'm3ugen-idsX-other'].sort());
  });

  it('is run by the first spill, so a run that never spills leaves the folder unread', () => {
    const folder = mkdtempSync(join(tmpdir(), 'm3ugen-abandoned-'));
    mkdirSync(join(folder, `m3ugen-ids-${DEAD}-a`));
    const previous = process.env['TMPDIR'];
    process.env['TMPDIR'] = folder;
    try {
      const index = new SpillingIdIndex({ rescan: async function* () {}, memoryIds: 4, runKeys: 2 });
      for (const id of ['a', 'b', 'c', 'd']) index.add(id);
      expect(readdirSync(folder)).toEqual([`m3ugen-ids-${DEAD}-a`]);
      index.add('e');
      index.add('f');
      expect(readdirSync(folder)).toHaveLength(1);
      expect(readdirSync(folder)[0]).toMatch(new RegExp(`^m3ugen-ids-${process.pid}-`));
      index.close();
      expect(readdirSync(folder)).toEqual([]);
    } finally {
      if (previous === undefined) delete process.env['TMPDIR'];
      else process.env['TMPDIR'] = previous;
    }
  });
});
