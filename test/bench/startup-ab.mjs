// Paired A/B of the command's start-up: node test/bench/startup-ab.mjs BIN_A BIN_B [pairs] [--whole] [-- ARGS…]
// (ARGS go to both commands, e.g. `-- --config examples/basic/m3ugen.toml`.)
// Runs the two bins alternately (A then B, then B then A, ...) on 10 channels and
// prints each one's median time to the first output byte (with --whole, until
// the command exited) and the median of the per-pair differences. On a noisy
// machine only the paired figure is worth reading: two medians taken minutes
// apart drift by more than the change.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeChannels, toNdjsonLine } from './channels.mjs';
import { firstByteMs, median, wholeRunMs } from './timing.mjs';

const dashes = process.argv.indexOf('--');
const extra = dashes === -1 ? [] : process.argv.slice(dashes + 1);
const ours = process.argv.slice(2, dashes === -1 ? undefined : dashes);
const whole = ours.includes('--whole');
const [binA, binB, pairsText = '40'] = ours.filter((arg) => arg !== '--whole');
const timed = whole ? wholeRunMs : firstByteMs;
if (binA === undefined || binB === undefined) {
  console.error('usage: node test/bench/startup-ab.mjs BIN_A BIN_B [pairs] [--whole] [-- ARGS…]');
  process.exit(2);
}
const dir = mkdtempSync(join(tmpdir(), 'm3ugen-startup-'));
const input = join(dir, 'small.ndjson');
writeFileSync(input, `${makeChannels(10).map(toNdjsonLine).join('\n')}\n`);

const a = [];
const b = [];
try {
  await timed(binA, input, extra); // warm the file cache for both
  await timed(binB, input, extra);
  for (let i = 0; i < Number(pairsText); i++) {
    if (i % 2 === 0) {
      a.push(await timed(binA, input, extra));
      b.push(await timed(binB, input, extra));
    } else {
      b.push(await timed(binB, input, extra));
      a.push(await timed(binA, input, extra));
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const differences = a.map((ms, i) => b[i] - ms);
console.log(`A ${median(a).toFixed(0)} ms, B ${median(b).toFixed(0)} ms (medians of ${a.length})`);
console.log(`B − A per pair: median ${median(differences).toFixed(1)} ms; B faster in ${differences.filter((d) => d < 0).length} of ${a.length} pairs`);
