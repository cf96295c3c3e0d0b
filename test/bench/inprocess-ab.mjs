// Two builds in one process, alternating: node --expose-gc test/bench/inprocess-ab.mjs TREE_A TREE_B [strategy] [channels] [runs]
// Loads @m3ugen/preset-default from each built tree, renders the same channels
// with each in turn (A B, then B A, ...), and prints both medians and the
// median of the per-run differences (B − A). One process means one heap and
// one CPU state for both, which pairs of fresh processes cannot give; the
// trees must be built (`pnpm build`).
import { makeChannels, BASE_URL, PROXY_ID } from './channels.mjs';
import { median } from './timing.mjs';

const [treeA, treeB, strategy = 'in-memory', channelsText = '1000000', runsText = '16'] = process.argv.slice(2);
if (treeB === undefined) {
  console.error('usage: node --expose-gc test/bench/inprocess-ab.mjs TREE_A TREE_B [strategy] [channels] [runs]');
  process.exit(2);
}
const load = async (tree) => (await import(`${tree}/packages/preset-default/dist/index.js`)).createGenerator;
const channels = makeChannels(Number(channelsText));
const options = { baseUrl: BASE_URL, proxyId: PROXY_ID, memory: { enableTracking: false } };
const generators = { A: (await load(treeA))(options), B: (await load(treeB))(options) };
const times = { A: [], B: [] };
for (let run = 0; run < Number(runsText); run++) {
  for (const build of run % 2 === 0 ? ['A', 'B'] : ['B', 'A']) {
    globalThis.gc?.();
    const started = performance.now();
    const { playlist } = await generators[build].generate(channels, { strategy });
    playlist.charCodeAt(playlist.length - 1);
    times[build].push(performance.now() - started);
  }
}
const differences = times.A.map((a, i) => times.B[i] - a);
console.log(
  `${strategy}, ${channels.length} channels: A ${median(times.A).toFixed(0)} ms, B ${median(times.B).toFixed(0)} ms, ` +
    `B − A ${median(differences).toFixed(0)} ms; B faster in ${differences.filter((d) => d < 0).length} of ${differences.length}`,
);
