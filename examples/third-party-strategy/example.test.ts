import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { checkStrategy } from '@m3ugen/plugin-check';
import { sortedStrategy } from 'm3ugen-strategy-sorted';
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

it('passes @m3ugen/plugin-check, given the order it writes in', async () => {
  const report = await checkStrategy(sortedStrategy, { order: (a, b) => a.assignedNumber - b.assignedNumber });
  expect(report.passed, report.summary).toBe(true);
  // Checked as if it wrote in input order, it is found out: its order is what the option declares.
  const unordered = await checkStrategy(sortedStrategy);
  expect(unordered.checks.find((check) => check.name === 'same-bytes')?.problems.length).toBeGreaterThan(0);
});
