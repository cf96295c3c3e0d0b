import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { assertPlugin, checkChannels } from '@m3ugen/plugin-check';
import { expect, it } from 'vitest';
import { catchup } from './catchup.mjs';

it('the custom-attributes example adds catchup attributes from code', () => {
  const stdout = execFileSync(process.execPath, [fileURLToPath(new URL('./generate.mjs', import.meta.url))], { encoding: 'utf8' });
  expect(stdout).toBe(readFileSync(new URL('./expected.m3u', import.meta.url), 'utf8'));
});

it("the integrator's plugin keeps the playlist whole and its cache right, whatever the channels hold", async () => {
  // The provider's tvg_country, sometimes hostile, beside the check's own hostile fields.
  const channels = (count: number, seed: number) => checkChannels(count, seed).map((nc, i) => ({ ...nc, channel: { ...nc.channel, tvgCountry: i % 5 === 0 ? 'NL\r\n#EXTINF:-1,x' : `C${seed}` } }));
  await assertPlugin(catchup, { channels });
});
