// Regenerations after churn, one after another in one process, as a watching service makes them:
//   node --expose-gc test/bench/churn-runs.mjs [RUNS] [read]
// A full run fills an EntryCache with 1M channels; then each run removes every 200th channel and inserts as
// many new ones elsewhere (at other places each run), with every record and its name made again, as a pipeline
// re-reading its data gets them. Prints each run's ms until generate() returned (with `read`, also until its
// string was read, which makes V8 copy the rope into one flat string) and the process's RSS at the end.
import { EntryCache } from '@m3ugen/core';
import { createGenerator } from '@m3ugen/preset-default';
import { BASE_URL, makeChannels, PROXY_ID } from './channels.mjs';
import { collectAndSettle } from './timing.mjs';

const count = 1_000_000;
const runs = Number(process.argv[2] ?? 6);
const read = process.argv[3] === 'read';
const generator = createGenerator({ baseUrl: BASE_URL, proxyId: PROXY_ID, memory: { enableTracking: false } });
const cache = new EntryCache();
let current = makeChannels(count);
await generator.generate(current, { strategy: 'in-memory', cache });

const times = [];
for (let r = 0; r < runs; r++) {
  const fresh = makeChannels(Math.ceil(count / 200), count * (r + 2));
  const next = [];
  for (let i = 0; i < current.length; i++) {
    const nc = current[i];
    if (i % 200 === (r * 37) % 200) next.push(fresh[Math.floor(i / 200)]);
    // The name made again: an equal string, not the same one.
    if (i % 200 !== (r * 37 + 100) % 200) next.push({ ...nc, channel: { ...nc.channel, channelName: ` ${nc.channel.channelName}`.slice(1) } });
  }
  current = next;
  await collectAndSettle();
  const started = performance.now();
  const { playlist } = await generator.generate(current, { strategy: 'in-memory', cache });
  const returned = performance.now() - started;
  if (read) playlist.charCodeAt(playlist.length - 1);
  times.push(read ? `${Math.round(returned)}/${Math.round(performance.now() - started)}` : `${Math.round(returned)}`);
}
console.log(`${times.join(' ')} ms (until returned${read ? '/read' : ''}); RSS ${Math.round(process.memoryUsage().rss / 2 ** 20)} MB`);
