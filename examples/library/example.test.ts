import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

it('the library example prints its expected playlist', () => {
  const script = fileURLToPath(new URL('./generate.mjs', import.meta.url));
  const stdout = execFileSync(process.execPath, [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  expect(stdout).toBe(readFileSync(new URL('./expected.m3u', import.meta.url), 'utf8'));
});
