import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

it('the library example prints its expected playlist, and its warnings by kind on stderr', () => {
  const script = fileURLToPath(new URL('./generate.mjs', import.meta.url));
  const { stdout, stderr, status } = spawnSync(process.execPath, [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  expect(status, stderr).toBe(0);
  expect(stdout).toBe(readFileSync(new URL('./expected.m3u', import.meta.url), 'utf8'));
  expect(stderr).toBe('3 channels, 807 bytes, strategy in-memory, 1 warning\n  1 × missing-field:tvg_logo, the first: channel at index 2: tvg_logo is missing; written as ""\n');
});
