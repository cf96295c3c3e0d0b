// Why regenerating with one cache slows down over many runs (docs/performance.md, "Regenerating many times"):
//   node --expose-gc test/bench/key-layout.mjs MODE [runs] [channels]
// No m3ugen code: a bare loop compares fresh records (made again each run, as a re-read gives them) with kept
// values, as EntryCache's speed keys do, and each run keeps new values for a different 1% it renamed. MODE:
//   objects  one key object per entry, pointing at the strings of the record it was made from (as EntryCache does)
//   arrays   one array per field instead of objects (values still the records' strings)
//   refresh  arrays, and every equal entry points at this run's strings afterwards (all keys from the last run)
//   copy     arrays, the renamed entries' values copied into one flat string per run (no record string pinned)
//   fixed    arrays never changed: nothing renamed, nothing kept from a run
// Prints the milliseconds of runs 0, 5, 10, … and of the last three.
const GROUPS = ['News', 'Sports', 'Movies', 'Kids', 'Music', 'Documentary', 'Entertainment', 'Lifestyle'];
const flat = (...parts) => parts.join('');
const mode = process.argv[2] ?? 'objects';
const runs = Number(process.argv[3] ?? 40);
const count = Number(process.argv[4] ?? 1_000_000);
if (!['objects', 'arrays', 'refresh', 'copy', 'fixed'].includes(mode)) throw new Error(`unknown mode ${mode}`);

/** The bench's channels (channels.mjs), without its imports, so this script runs on its own. */
function make(rename) {
  const records = new Array(count);
  for (let i = 0; i < count; i++) {
    const n = i + 1;
    const name = flat('Channel ', n, ' ', GROUPS[i % 8], ' HD', rename >= 0 && i % 100 === rename % 100 ? ` (${rename})` : '');
    const id = flat('550e8400-e29b-41d4-a716-', n.toString(16).padStart(12, '0'));
    const channel = { id, channelName: name, streamUrl: flat('http://upstream.example/live/', n, '.ts'), tvgId: flat('channel-', n, '.example'), tvgName: name, tvgLogo: flat('http://localhost:8080/logos/channel-', n, '.png'), groupTitle: GROUPS[i % 8] };
    records[i] = { assignedNumber: n, channel };
  }
  return records;
}

const FIELDS = ['id', 'channelName', 'tvgId', 'tvgName', 'tvgLogo', 'groupTitle'];
const numbers = new Float64Array(count);
const columns = FIELDS.map(() => new Array(count));
let objects = [];
const keep = (i, nc) => {
  if (mode === 'objects') {
    const ch = nc.channel;
    objects[i] = { number: nc.assignedNumber, id: ch.id, name: ch.channelName, tvgId: ch.tvgId, tvgName: ch.tvgName, tvgLogo: ch.tvgLogo, groupTitle: ch.groupTitle };
    return;
  }
  numbers[i] = nc.assignedNumber;
  for (let f = 0; f < FIELDS.length; f++) columns[f][i] = nc.channel[FIELDS[f]];
};
const same = (i, nc) => {
  const ch = nc.channel;
  if (mode === 'objects') {
    const k = objects[i];
    return k.number === nc.assignedNumber && k.id === ch.id && k.name === ch.channelName && k.tvgId === ch.tvgId && k.tvgName === ch.tvgName && k.tvgLogo === ch.tvgLogo && k.groupTitle === ch.groupTitle;
  }
  const [id, name, tvgId, tvgName, tvgLogo, group] = columns;
  return numbers[i] === nc.assignedNumber && id[i] === ch.id && name[i] === ch.channelName && tvgId[i] === ch.tvgId && tvgName[i] === ch.tvgName && tvgLogo[i] === ch.tvgLogo && group[i] === ch.groupTitle;
};
/** The renamed entries' values as slices of one flat string (V8 copies slices under 13 characters). */
function keepCopied(records, changed) {
  const text = changed.flatMap((i) => FIELDS.map((field) => records[i].channel[field])).join('');
  let at = 0;
  for (const i of changed) {
    numbers[i] = records[i].assignedNumber;
    for (let f = 0; f < FIELDS.length; f++) {
      const length = records[i].channel[FIELDS[f]].length;
      columns[f][i] = text.slice(at, at + length);
      at += length;
    }
  }
}

make(-1).forEach((nc, i) => keep(i, nc));
const shown = [];
for (let run = 0; run < runs; run++) {
  const records = make(mode === 'fixed' ? -1 : run);
  globalThis.gc();
  const started = performance.now();
  const changed = [];
  for (let i = 0; i < count; i++) {
    const nc = records[i];
    if (same(i, nc)) {
      if (mode === 'refresh') keep(i, nc);
    } else if (mode === 'copy') changed.push(i);
    else keep(i, nc);
  }
  if (changed.length > 0) keepCopied(records, changed);
  const ms = performance.now() - started;
  if (run % 5 === 0 || run >= runs - 3) shown.push(`${run}:${ms.toFixed(0)}`);
}
console.log(`${mode.padEnd(8)} ${shown.join(' ')} ms`);
