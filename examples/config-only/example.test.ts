import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { runCli } from '../../test/support/cli.js';

const here = fileURLToPath(new URL('.', import.meta.url));

it('attributes, header, comments, groups and the EXTINF template come from the config file alone', async () => {
  const result = await runCli(['generate', '--config', 'm3ugen.toml', '--quiet'], { cwd: here });
  expect(result.code).toBe(0);
  expect(result.stdout).toBe(readFileSync(new URL('./expected.m3u', import.meta.url), 'utf8'));
});

it('reports a bad plugin option with the file, the entry and the option', async () => {
  const result = await runCli(['generate', '--config', 'fixtures/bad-options.toml'], { cwd: here });
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(
    /^m3ugen: error: fixtures\/bad-options\.toml: key "plugins\[0\]": plugin "@m3ugen\/attributes" rejected its options: option "ready\.0": expected one of tvg-shift/,
  );
});
