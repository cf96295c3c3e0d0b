// Paired A/B of one bench path between two checkouts:
//   node test/bench/paired.mjs PATH CHANNELS PAIRS TREE_A TREE_B [--at-return]
// Each tree must be built (`pnpm build`). Runs `measure.mjs PATH CHANNELS` in
// TREE_A and TREE_B alternately (A then B, then B then A, ...), each in a fresh
// process, and prints both medians and the median of the per-pair differences
// (B − A, ms until the string was read, or until generate() returned with
// --at-return). Compare builds in two worktrees side by side: a build in one
// folder against the same files elsewhere has measured 190 ms apart here.
import { execFileSync } from 'node:child_process';
import { median } from './timing.mjs';

const args = process.argv.slice(2);
const atReturn = args.includes('--at-return');
const [path, channels, pairsText, treeA, treeB] = args.filter((arg) => arg !== '--at-return');
if (treeB === undefined) {
  console.error('usage: node test/bench/paired.mjs PATH CHANNELS PAIRS TREE_A TREE_B [--at-return]');
  process.exit(2);
}
const measure = (tree) => {
  const result = JSON.parse(execFileSync('node', ['--expose-gc', 'test/bench/measure.mjs', path, channels], { cwd: tree, encoding: 'utf8' }));
  return Math.round(atReturn ? result.msAtReturn : result.ms);
};
const a = [];
const b = [];
for (let i = 0; i < Number(pairsText); i++) {
  if (i % 2 === 0) {
    a.push(measure(treeA));
    b.push(measure(treeB));
  } else {
    b.push(measure(treeB));
    a.push(measure(treeA));
  }
}
const differences = a.map((ms, i) => b[i] - ms);
console.log(`A: median ${median(a)} ms (${a.join(', ')})`);
console.log(`B: median ${median(b)} ms (${b.join(', ')})`);
console.log(`B − A: median ${median(differences)} ms; B faster in ${differences.filter((d) => d < 0).length} of ${differences.length} pairs`);
