// Paired A/B of the command's start-up: node test/bench/startup-ab.mjs BIN_A BIN_B [pairs] [-- ARGS…]
// (ARGS go to both commands, e.g. `-- --config examples/basic/m3ugen.toml`.)
// Runs the two bins alternately (A then B, then B then A, ...) on 10 channels and
// prints each one's median time to the first output byte and the median of the
// per-pair differences. On a noisy machine only the paired figure is worth
// reading: two medians taken minutes apart drift by more than the change.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeChannels, toNdjsonLine } from './channels.mjs';
import { firstByteMs, median } from './timing.mjs';

const dashes = process.argv.indexOf('--');
const extra = dashes === -1 ? [] : process.argv.slice(dashes + 1);
const [binA, binB, pairsText = '40'] = process.argv.slice(2, dashes === -1 ? undefined : dashes);
if (binA === undefined || binB === undefined) {
  console.error('usage: node test/bench/startup-ab.mjs BIN_A BIN_B [pairs]');
  process.exit(2);
}
const dir = mkdtempSync(join(tmpdir(), 'm3ugen-startup-'));
const input = join(dir, 'small.ndjson');
writeFileSync(input, `${makeChannels(10).map(toNdjsonLine).join('\n')}\n`);

const a = [];
const b = [];
try {
  await firstByteMs(binA, input, extra); // warm the file cache for both
  await firstByteMs(binB, input, extra);
  for (let i = 0; i < Number(pairsText); i++) {
    if (i % 2 === 0) {
      a.push(await firstByteMs(binA, input, extra));
      b.push(await firstByteMs(binB, input, extra));
    } else {
      b.push(await firstByteMs(binB, input, extra));
      a.push(await firstByteMs(binA, input, extra));
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const differences = a.map((ms, i) => b[i] - ms);
console.log(`A ${median(a).toFixed(0)} ms, B ${median(b).toFixed(0)} ms (medians of ${a.length})`);
console.log(`B − A per pair: median ${median(differences).toFixed(1)} ms; B faster in ${differences.filter((d) => d < 0).length} of ${a.length} pairs`);
