// Paired A/B of the command's start-up: node test/bench/startup-ab.mjs BIN_A BIN_B [pairs]
// Runs the two bins alternately (A then B, then B then A, ...) on 10 channels and
// prints each one's median time to the first output byte and the median of the
// per-pair differences. On a noisy machine only the paired figure is worth
// reading: two medians taken minutes apart drift by more than the change.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { makeChannels, PROXY_ID, toNdjsonLine } from './channels.mjs';

const [binA, binB, pairsText = '40'] = process.argv.slice(2);
if (binA === undefined || binB === undefined) {
  console.error('usage: node test/bench/startup-ab.mjs BIN_A BIN_B [pairs]');
  process.exit(2);
}
const dir = mkdtempSync(join(tmpdir(), 'm3ugen-startup-'));
const input = join(dir, 'small.ndjson');
writeFileSync(input, `${makeChannels(10).map(toNdjsonLine).join('\n')}\n`);

function firstByteMs(bin) {
  return new Promise((done, fail) => {
    const started = performance.now();
    const child = spawn(resolve(bin), ['generate', '--input', input, '--proxy-id', PROXY_ID, '--quiet'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let first;
    child.stdout.once('data', () => (first = performance.now() - started));
    child.stdout.resume();
    child.on('error', fail);
    child.on('close', (code) => (code === 0 ? done(first) : fail(new Error(`${bin} exited with ${code}`))));
  });
}

const median = (values) => [...values].sort((x, y) => x - y)[values.length >> 1];
const a = [];
const b = [];
try {
  await firstByteMs(binA); // warm the file cache for both
  await firstByteMs(binB);
  for (let i = 0; i < Number(pairsText); i++) {
    if (i % 2 === 0) {
      a.push(await firstByteMs(binA));
      b.push(await firstByteMs(binB));
    } else {
      b.push(await firstByteMs(binB));
      a.push(await firstByteMs(binA));
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const differences = a.map((ms, i) => b[i] - ms);
console.log(`A ${median(a).toFixed(0)} ms, B ${median(b).toFixed(0)} ms (medians of ${a.length})`);
console.log(`B − A per pair: median ${median(differences).toFixed(1)} ms; B faster in ${differences.filter((d) => d < 0).length} of ${a.length} pairs`);
