import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { runCli } from '../../test/support/cli.js';

const here = fileURLToPath(new URL('.', import.meta.url));

it('a strategy shipped as its own package is loaded from the config and selected by name', async () => {
  const result = await runCli(['generate', '--quiet'], { cwd: here });
  expect(result.code).toBe(0);
  expect(result.stdout).toBe(readFileSync(new URL('./expected.m3u', import.meta.url), 'utf8'));
});

it('is listed among the strategies the command knows', async () => {
  const result = await runCli(['generate', '--strategy', 'nope'], { cwd: here });
  expect(result.code).toBe(2);
  expect(result.stderr).toContain('available: auto, in-memory, streaming, sorted');
});
