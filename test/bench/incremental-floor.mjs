// What an incremental run costs against merely reading its input:
//   node --expose-gc test/bench/incremental-floor.mjs [CHANNELS] [ROUNDS]
// In one process, after a first run fills an EntryCache: regenerations with no
// channel changed and with 1% changed (fresh record objects each round, as a
// pipeline re-reading its data makes, their strings the first run's), and a
// bare loop comparing the same fields of fresh records with stored keys, without
// the cache: on such records, on records whose strings are new as well, and on
// those a second time. Each is timed after a forced GC has settled. Prints each
// round's milliseconds.
import { EntryCache } from '@m3ugen/core';
import { createGenerator } from '@m3ugen/preset-default';
import { BASE_URL, makeChannels, PROXY_ID } from './channels.mjs';
import { collectAndSettle } from './timing.mjs';

const count = Number(process.argv[2] ?? 1_000_000);
const rounds = Number(process.argv[3] ?? 6);
const channels = makeChannels(count);
const generator = createGenerator({ baseUrl: BASE_URL, proxyId: PROXY_ID, memory: { enableTracking: false } });
const cache = new EntryCache();
await generator.generate(channels, { strategy: 'in-memory', cache });

/** Fresh records; every `every`-th one renamed (0: none). */
const fresh = (round, every) =>
  channels.map((nc, i) => ({ ...nc, channel: { ...nc.channel, channelName: every > 0 && i % every === 0 ? `${nc.channel.channelName} (${round})` : nc.channel.channelName } }));
const keys = channels.map((nc) => {
  const ch = nc.channel;
  return { number: nc.assignedNumber, id: ch.id, name: ch.channelName, tvgId: ch.tvgId, tvgName: ch.tvgName, tvgLogo: ch.tvgLogo, groupTitle: ch.groupTitle };
});
const time = async (run) => {
  await collectAndSettle();
  const start = performance.now();
  await run();
  return Math.round(performance.now() - start);
};

const rows = { 'none changed': [], '1% changed': [], 'bare comparison loop': [], 'bare loop, new strings': [], 'the same, second pass': [] };
for (let round = 0; round < rounds; round++) {
  const same = fresh(round, 0);
  rows['none changed'].push(await time(() => generator.generate(same, { strategy: 'in-memory', cache })));
  const changed = fresh(round, 100);
  rows['1% changed'].push(await time(() => generator.generate(changed, { strategy: 'in-memory', cache })));
  const compare = (records) => () => {
    let unchanged = 0;
    for (let i = 0; i < records.length; i++) {
      const nc = records[i];
      const ch = nc.channel;
      const k = keys[i];
      if (k.number === nc.assignedNumber && k.id === ch.id && k.name === ch.channelName && k.tvgId === ch.tvgId && k.tvgName === ch.tvgName && k.tvgLogo === ch.tvgLogo && k.groupTitle === ch.groupTitle) unchanged++;
    }
    if (unchanged !== records.length) throw new Error('the records changed');
  };
  rows['bare comparison loop'].push(await time(compare(fresh(round, 0))));
  // Records whose strings are new too, equal to the kept ones (as the bench's incremental-1% makes them), so
  // `===` reads their characters; then the same loop over the same records again, memory read before.
  const remade = makeChannels(count);
  rows['bare loop, new strings'].push(await time(compare(remade)));
  rows['the same, second pass'].push(await time(compare(remade)));
}
for (const [name, ms] of Object.entries(rows)) console.log(`${name.padEnd(22)} ${ms.join(' ')} ms`);
