// What new memory costs this machine, apart from any m3ugen code: node test/bench/first-touch.mjs [MiB]
// Fills a new buffer of MiB (default 300, about the bench's 297 MB playlist at 1M channels) twice, then has V8
// flatten a rope of as many bytes, as reading a regenerated playlist makes it do. The first fill takes a page
// fault per 4 KiB page; the second, in the same pages, none.
const mib = Number(process.argv[2] ?? 300);

/** Runs `work` and prints how long it took and the page faults it took. */
function timed(what, work) {
  const faultsBefore = process.resourceUsage().minorPageFault;
  const started = performance.now();
  work();
  const ms = performance.now() - started;
  console.log(`${what}: ${ms.toFixed(0)} ms, ${process.resourceUsage().minorPageFault - faultsBefore} page faults`);
}

const buffer = Buffer.allocUnsafe(mib * 2 ** 20);
timed(`new ${mib} MiB buffer filled`, () => buffer.fill(1));
timed('the same buffer filled again', () => buffer.fill(2));

const part = 'x'.repeat(2 ** 20 - 8);
let rope = '';
for (let i = 0; i < mib; i++) rope += part + String(i).padStart(8, '0');
timed(`a ${mib} MiB rope of ${mib} parts flattened`, () => rope.charCodeAt(0));
