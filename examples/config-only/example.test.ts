import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { runCli } from '../../test/support/cli.js';

const here = fileURLToPath(new URL('.', import.meta.url));

it('attributes, header, comments, groups and the EXTINF template come from the config file alone', async () => {
  const result = await runCli(['generate', '--config', 'm3ugen.toml', '--quiet'], { cwd: here });
  expect(result.code).toBe(0);
  expect(result.stdout).toBe(readFileSync(new URL('./expected.m3u', import.meta.url), 'utf8'));
});

it.each([[[]], [['--workers', '2', '-o', 'out.m3u']]])('works from a folder with nothing installed, the plugins coming with the command (%j)', async (extra) => {
  const folder = mkdtempSync(join(tmpdir(), 'm3ugen-operator-'));
  for (const file of ['m3ugen.toml', 'extinf.eta', 'channels.ndjson']) copyFileSync(join(here, file), join(folder, file));
  // NODE_PATH: the test runner's (set by pnpm's bin shim) would find the workspace's packages from anywhere.
  const result = await runCli(['generate', '--config', 'm3ugen.toml', '--quiet', ...extra], { cwd: folder, env: { NODE_PATH: '' } });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  const written = extra.length === 0 ? result.stdout : readFileSync(join(folder, 'out.m3u'), 'utf8');
  expect(written).toBe(readFileSync(new URL('./expected.m3u', import.meta.url), 'utf8'));
});

it('reports a bad plugin option with the file, the entry and the option', async () => {
  const result = await runCli(['generate', '--config', 'fixtures/bad-options.toml'], { cwd: here });
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(
    /^m3ugen: error: fixtures\/bad-options\.toml: key "plugins\[0\]": plugin "@m3ugen\/attributes" rejected its options: option "ready\[0\]": expected one of tvg-shift/,
  );
});
