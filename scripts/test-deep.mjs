// pnpm test:deep [SCALE] [VITEST ARGS…]: the test suite with every fast-check property trying SCALE times
// (default 20) as many cases (test/support/property-runs.ts), and each test's time limit scaled to match.
// For a search deeper than CI's before a release, or after a change to rendering, escaping, the readers or
// the cache: `pnpm test:deep 50 test/incremental.test.ts` searches one file harder.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

// pnpm passes a `--` on verbatim, npm does not: either way, what is not the scale goes to vitest.
const args = process.argv.slice(2).filter((arg) => arg !== '--');
const scaleGiven = args.length > 0 && /^\d*\.?\d+$/.test(args[0]);
const scale = Number(scaleGiven ? args.shift() : (process.env.M3UGEN_PROPERTY_RUNS_SCALE ?? '20'));
if (!Number.isFinite(scale) || scale <= 0) {
  console.error(`usage: pnpm test:deep [SCALE] [VITEST ARGS…] (SCALE: a positive number, got ${scale})`);
  process.exit(2);
}
// The bin its package.json names (the file itself is not among vitest's exports).
const require = createRequire(import.meta.url);
const vitestPackage = require.resolve('vitest/package.json');
const vitest = join(dirname(vitestPackage), require(vitestPackage).bin.vitest);
const limitMs = Math.ceil(60_000 * Math.max(1, scale));
console.log(`fast-check properties at ${scale}× their cases; time limit ${limitMs / 1000} s a test`);
const { status, signal } = spawnSync(process.execPath, [vitest, 'run', `--testTimeout=${limitMs}`, ...args], {
  stdio: 'inherit',
  env: { ...process.env, M3UGEN_PROPERTY_RUNS_SCALE: String(scale) },
});
if (signal !== null) console.error(`vitest ended on ${signal}`);
process.exit(status ?? 1);
