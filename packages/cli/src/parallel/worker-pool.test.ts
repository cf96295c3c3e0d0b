import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { InputPart } from './input-parts.js';
import { WorkerPool } from './worker-pool.js';

const SETUP = { flags: {} as never, path: 'unused.ndjson', file: 'unused.ndjson', skipInvalid: false };

function part(seq: number): InputPart {
  return { seq, start: 0, end: 0, firstLine: 1, firstIndex: 0, records: 1 };
}

/** A worker entry written to a temporary file. */
function script(source: string): URL {
  const file = join(mkdtempSync(join(tmpdir(), 'm3ugen-pool-')), 'worker.mjs');
  writeFileSync(file, source);
  return pathToFileURL(file);
}

describe('WorkerPool', () => {
  it('answers each part from the worker it went to', async () => {
    const echo = script(`import { parentPort } from 'node:worker_threads';
parentPort.on('message', (p) => parentPort.postMessage({ seq: p.seq, ok: true, answeredAt: p.seq * 10 }));`);
    const pool = new WorkerPool(2, SETUP, undefined, echo);
    try {
      const results = await Promise.all([0, 1, 2, 3].map((seq) => pool.render(part(seq))));
      expect(results.map((r) => (r as unknown as { answeredAt: number }).answeredAt)).toEqual([0, 10, 20, 30]);
    } finally {
      await pool.close();
    }
  });

  it("tells what a worker read of a part sent with shiftToCome, and sends the count back to that part's worker", async () => {
    const waits = script(`import { parentPort } from 'node:worker_threads';
const waiting = new Map();
parentPort.on('message', (m) => {
  if ('shiftOf' in m) return parentPort.postMessage({ seq: m.shiftOf, ok: true, channelShift: m.channelShift, read: waiting.get(m.shiftOf) });
  waiting.set(m.seq, m.shiftToCome === true);
  parentPort.postMessage({ seq: m.seq, skippedInPart: 10 + m.seq });
});`);
    const read: [number, number][] = [];
    const pool: WorkerPool = new WorkerPool(2, SETUP, (seq, skipped) => {
      read.push([seq, skipped]);
      pool.release(seq, 100 * skipped);
    }, waits);
    try {
      const results = await Promise.all([0, 1, 2].map((seq) => pool.render({ ...part(seq), shiftToCome: true })));
      expect(read.sort()).toEqual([[0, 10], [1, 11], [2, 12]]);
      expect(results.map((r) => [r.channelShift, (r as unknown as { read: boolean }).read])).toEqual([[1000, true], [1100, true], [1200, true]]);
    } finally {
      await pool.close();
    }
  });

  it('fails the parts of a worker that stopped, also those sent after it stopped, instead of waiting forever', async () => {
    const stops = script(`process.exit(3);`);
    const pool = new WorkerPool(1, SETUP, undefined, stops);
    try {
      await expect(pool.render(part(0))).rejects.toThrow('a worker thread stopped (exit code 3)');
      // The worker is gone and idle now: a part sent to it must fail too.
      await expect(pool.render(part(1))).rejects.toThrow('a worker thread stopped (exit code 3)');
    } finally {
      await pool.close();
    }
  });
});
