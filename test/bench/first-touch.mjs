// What new memory costs this machine, apart from any m3ugen code: node test/bench/first-touch.mjs [MiB]
// Fills a new buffer of MiB (default 300, about the bench's 297 MB playlist at 1M channels) twice, then has V8
// flatten a rope of as many bytes, as reading a regenerated playlist makes it do. The first fill takes a page
// fault per 4 KiB page; the second, in the same pages, none.
const mib = Number(process.argv[2] ?? 300);
const faults = () => process.resourceUsage().minorPageFault;
const ms = (started) => `${(performance.now() - started).toFixed(0)} ms`;

let faultsBefore = faults();
let started = performance.now();
const buffer = Buffer.allocUnsafe(mib * 2 ** 20);
buffer.fill(1);
console.log(`new ${mib} MiB buffer filled: ${ms(started)}, ${faults() - faultsBefore} page faults`);
faultsBefore = faults();
started = performance.now();
buffer.fill(2);
console.log(`the same buffer filled again: ${ms(started)}, ${faults() - faultsBefore} page faults`);

const part = 'x'.repeat(2 ** 20 - 8);
let rope = '';
for (let i = 0; i < mib; i++) rope += part + String(i).padStart(8, '0');
faultsBefore = faults();
started = performance.now();
rope.charCodeAt(0);
console.log(`a ${mib} MiB rope of ${mib} parts flattened: ${ms(started)}, ${faults() - faultsBefore} page faults`);
