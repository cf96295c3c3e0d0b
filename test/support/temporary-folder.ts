/*
 * vitest's globalSetup: every test run gets a temporary folder of its own
 * (TMPDIR, which os.tmpdir() and the commands the tests spawn read), removed
 * when the run ends, with the transpiled TypeScript cache inside it. Tests
 * make thousands of folders with mkdtemp; left in the system's /tmp, they
 * piled up to 100,000 names over a few hundred runs, and a command that lists
 * that folder (the duplicate check's clean-up of killed runs' keys) measured
 * that pile, not itself.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const folder = mkdtempSync(join(tmpdir(), 'm3ugen-tests-'));
  process.env['TMPDIR'] = folder;
  // Transpiled TypeScript of the tests' configs and plugins, kept here rather than in the user's ~/.cache.
  process.env['M3UGEN_CACHE_DIR'] = join(folder, 'cache');
  return () => rmSync(folder, { recursive: true, force: true, maxRetries: 3 });
}
