// Two builds in one process, alternating: node --expose-gc test/bench/inprocess-ab.mjs TREE_A TREE_B [strategy] [channels] [runs]
// (strategy: in-memory, streaming, incremental-1%, a plugin path: attributes, eta-template, or pattern-url)
// Loads @m3ugen/preset-default from each built tree, renders the same channels
// with each in turn (A B, then B A, ...), and prints both medians and the
// median of the per-run differences (B − A), with the string read and until
// generate() returned. The strategy `incremental-1%` times in-memory
// regenerations with each build's own EntryCache (filled by a first, untimed
// run), on records made again with a different 1% renamed each run. One process
// means one heap and one CPU state for both, which pairs of fresh processes
// cannot give; the trees must be built (`pnpm build`).
import { makeChannels, BASE_URL, PROXY_ID, remadeWithRenamed } from './channels.mjs';
import { collectAndSettle, median } from './timing.mjs';

const [treeA, treeB, strategy = 'in-memory', channelsText = '1000000', runsText = '16'] = process.argv.slice(2);
if (treeB === undefined) {
  console.error('usage: node --expose-gc test/bench/inprocess-ab.mjs TREE_A TREE_B [strategy] [channels] [runs]');
  process.exit(2);
}
/** The plugins of the bench's plugin paths (measure.mjs), from the tree's own packages; the path runs in memory. */
const PLUGIN_PATHS = {
  attributes: async (tree) => [(await import(`${tree}/packages/attributes/dist/index.js`)).attributes({ ready: ['catchup', 'catchup-days'], attributes: [{ name: 'tvg-country', value: 'DE' }] })],
  'eta-template': async (tree) => [(await import(`${tree}/packages/extinf-template/dist/index.js`)).extinfTemplate()],
};
/** Paths that change the run's options, in memory: `pattern-url`, the pattern URL scheme with two placeholders of channel values. */
const OPTION_PATHS = {
  'pattern-url': { urlScheme: 'pattern', urlOptions: { pattern: '{base_url}/live/{tvg_id}/{assigned_number}.ts' } },
};
const load = async (tree) => {
  const { createGenerator } = await import(`${tree}/packages/preset-default/dist/index.js`);
  const plugins = (await PLUGIN_PATHS[strategy]?.(tree)) ?? [];
  return (options) => createGenerator({ ...options, plugins });
};
/** The tree's own EntryCache class: the same module its preset's generator uses. */
const loadCache = async (tree) => (await import(`${tree}/packages/core/dist/index.js`)).EntryCache;
const channels = makeChannels(Number(channelsText));
const options = { baseUrl: BASE_URL, proxyId: PROXY_ID, memory: { enableTracking: false }, ...OPTION_PATHS[strategy] };
const generators = { A: (await load(treeA))(options), B: (await load(treeB))(options) };
const incremental = strategy === 'incremental-1%';
const caches = incremental ? { A: new (await loadCache(treeA))(), B: new (await loadCache(treeB))() } : {};
if (incremental) for (const build of ['A', 'B']) await generators[build].generate(channels, { strategy: 'in-memory', cache: caches[build] });
/** Records and strings made again (equal values, not the same strings, as a re-read gives), the `run`-th hundredth of them renamed. */
const changed = (run) => remadeWithRenamed(channels.length, { offset: run % 100, suffix: ` (${run})` });
const times = { A: [], B: [] };
/** Until generate() returned, before the playlist was read (and so flattened). */
const returned = { A: [], B: [] };
for (let run = 0; run < Number(runsText); run++) {
  const input = incremental ? changed(run) : channels;
  for (const build of run % 2 === 0 ? ['A', 'B'] : ['B', 'A']) {
    await collectAndSettle();
    const started = performance.now();
    const { playlist } = await generators[build].generate(input, incremental ? { strategy: 'in-memory', cache: caches[build] } : { strategy: strategy in PLUGIN_PATHS || strategy in OPTION_PATHS ? 'in-memory' : strategy });
    returned[build].push(performance.now() - started);
    playlist.charCodeAt(playlist.length - 1);
    times[build].push(performance.now() - started);
  }
}
const differences = times.A.map((a, i) => times.B[i] - a);
console.log(
  `${strategy}, ${channels.length} channels: A ${median(times.A).toFixed(0)} ms, B ${median(times.B).toFixed(0)} ms, ` +
    `B − A ${median(differences).toFixed(0)} ms; B faster in ${differences.filter((d) => d < 0).length} of ${differences.length}`,
);
const untilReturned = returned.A.map((a, i) => returned.B[i] - a);
console.log(
  `  until generate() returned: A ${median(returned.A).toFixed(0)} ms, B ${median(returned.B).toFixed(0)} ms, ` +
    `B − A ${median(untilReturned).toFixed(0)} ms; B faster in ${untilReturned.filter((d) => d < 0).length} of ${untilReturned.length}`,
);
