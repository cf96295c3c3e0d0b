import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// V8 flags are per process, and vitest's own process has long grown its young
// generation: each case runs in a fresh Node, on the built package.
const DIST = fileURLToPath(new URL('../dist/index.js', import.meta.url));

/** Allocates with many survivors, which makes V8 grow the young generation; returns its largest sizes in MiB while held and after release. */
function youngGenerationSizes(setup: string, nodeFlags: readonly string[] = []): { held: number; released: number } {
  const script = `
import { getHeapSpaceStatistics } from 'node:v8';
import { holdYoungGeneration } from ${JSON.stringify(DIST)};
const size = () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size / 2 ** 20;
const churn = async () => {
  let largest = 0;
  let kept = [];
  for (let round = 0; round < 1000; round++) {
    for (let i = 0; i < 4000; i++) { kept.push({ i }); if (kept.length > 200000) kept = []; }
    // A turn of the event loop between pieces of work smaller than the space, as a run has between batches.
    await new Promise((resolve) => setImmediate(resolve));
    largest = Math.max(largest, size());
  }
  return largest;
};
const release = ${setup};
const held = await churn();
release();
const released = await churn();
console.log(JSON.stringify({ held, released }));
`;
  const child = spawnSync(process.execPath, [...nodeFlags, '--input-type=module', '-e', script], { encoding: 'utf8' });
  expect(child.stderr).toBe('');
  return JSON.parse(child.stdout) as { held: number; released: number };
}

describe('holdYoungGeneration', () => {
  it('keeps the young generation at 8 MiB while held, as --max-semi-space-size=4 did, and lets it grow once released', () => {
    expect(youngGenerationSizes('holdYoungGeneration()')).toEqual({ held: 8, released: 32 });
  });

  it('keeps holding it while another run of the process still does', () => {
    const twoRuns = '(() => { const first = holdYoungGeneration(); globalThis.second = holdYoungGeneration(); return first; })()';
    expect(youngGenerationSizes(twoRuns)).toEqual({ held: 8, released: 8 });
  });

  it('holds it at the cap it is given', () => {
    expect(youngGenerationSizes('holdYoungGeneration(16 * 2 ** 20)').held).toBe(16);
  });

  it('leaves it alone when Node was started with a flag that sizes it', () => {
    expect(youngGenerationSizes('holdYoungGeneration()', ['--max-semi-space-size=8']).held).toBe(16);
    expect(youngGenerationSizes('holdYoungGeneration(8 * 2 ** 20, "--semi-space-growth-factor=3")').held).toBe(32);
  });

  it('lets it grow as V8 likes without it (what the first case is measured against)', () => {
    expect(youngGenerationSizes('() => {}').held).toBe(32);
  });
});
