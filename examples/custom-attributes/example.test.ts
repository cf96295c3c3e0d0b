import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

it('the custom-attributes example adds catchup attributes from code', () => {
  const stdout = execFileSync(process.execPath, [fileURLToPath(new URL('./generate.mjs', import.meta.url))], { encoding: 'utf8' });
  expect(stdout).toBe(readFileSync(new URL('./expected.m3u', import.meta.url), 'utf8'));
});
