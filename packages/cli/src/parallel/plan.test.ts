import { type M3uPlugin } from '@m3ugen/core';
import { createGenerator, presetDefault } from '@m3ugen/preset-default';
import { describe, expect, it } from 'vitest';
import { AUTO_MIN_INPUT_BYTES, planWorkers, type WorkerFacts } from './plan.js';

const BIG = AUTO_MIN_INPUT_BYTES * 2;

function facts(overrides: Partial<WorkerFacts> = {}): WorkerFacts {
  const plugins = overrides.plugins ?? [presetDefault()];
  return {
    requested: 'auto',
    outputIsFile: true,
    ndjsonFileBytes: BIG,
    verbose: false,
    strategy: 'auto',
    maxMemoryMb: 512,
    cores: 2,
    plugins,
    generator: createGenerator({ plugins }),
    ...overrides,
  };
}

describe('planWorkers', () => {
  it('uses one worker per core (at most 4) for a large NDJSON file into a file', () => {
    expect(planWorkers(facts()).workers).toBe(2);
    expect(planWorkers(facts({ cores: 16, maxMemoryMb: 4096 })).workers).toBe(4);
  });

  it('stays in the main thread where workers lose or could change the result', () => {
    const cases: [Partial<WorkerFacts>, RegExp][] = [
      [{ requested: 1 }, /workers = 1/],
      [{ outputIsFile: false }, /not a file/],
      [{ ndjsonFileBytes: undefined }, /the input cannot be cut into parts \(a JSON array or a named pipe; NDJSON from a file or stdin can be\)/],
      [{ ndjsonFileBytes: undefined, ndjsonStdin: true }, /auto, stdin: its size is not known before it is read \(--workers N cuts it into parts as it comes\)/],
      [{ compression: 'gzip', ndjsonFileBytes: AUTO_MIN_INPUT_BYTES - 1 }, /input of 128 MB once inflated \(less than 128 MB\)/],
      [{ verbose: true }, /--verbose/],
      [{ ndjsonFileBytes: AUTO_MIN_INPUT_BYTES - 1 }, /less than 128 MB/],
      [{ cores: 1 }, /one core/],
      [{ strategy: 'streaming' }, /strategy "streaming" was chosen/],
      [{ maxMemoryMb: 256 }, /max_memory_mb 256/],
    ];
    for (const [change, reason] of cases) {
      const plan = planWorkers(facts(change));
      expect(plan.workers, JSON.stringify(change)).toBe(1);
      expect(plan.reason).toMatch(reason);
    }
  });

  it('fits the worker count to the memory budget, ids checked across parts included', () => {
    expect(planWorkers(facts({ cores: 4, maxMemoryMb: 400 })).workers).toBe(3);
    // 5M ids take up to 153 MB in the main thread: 2 workers fit 512 MB, 3 do not.
    expect(planWorkers(facts({ cores: 4, maxMemoryMb: 512, estimateRecords: () => 5_000_000 })).workers).toBe(2);
    // 10M ids (306 MB) and two workers (300 MB) pass 512 MB: one thread, which checks ids on disk.
    const tooMany = planWorkers(facts({ estimateRecords: () => 10_000_000 }));
    expect(tooMany.workers).toBe(1);
    expect(tooMany.reason).toMatch(/max_memory_mb 512 is less than the 606 MB two workers take for .* about 10,000,000 channels/);
    expect(planWorkers(facts({ estimateRecords: () => 10_000_000, maxMemoryMb: 1024 })).workers).toBe(2);
  });

  it('needs every plugin to declare workerSafe, and none to change or drop channels', () => {
    const counting: M3uPlugin = { name: 'counter', apply: () => undefined };
    expect(planWorkers(facts({ plugins: [presetDefault(), counting] })).reason).toMatch(/plugin "counter" does not declare workerSafe/);
    const pure: M3uPlugin = { name: 'pure', workerSafe: true, apply: (g) => g.hooks.entryAttributes.tap('pure', (list) => list) };
    expect(planWorkers(facts({ plugins: [presetDefault(), pure] })).workers).toBe(2);
    const dropper: M3uPlugin = { name: 'dropper', workerSafe: true, apply: (g) => g.hooks.dropChannel.tap('dropper', () => false) };
    expect(planWorkers(facts({ plugins: [presetDefault(), dropper] })).reason).toMatch(/changes or drops channels/);
  });

  it('skips invalid records in workers, also with a tap that may read the channel indexes a skipped record shifts', () => {
    const position: M3uPlugin = { name: 'position', workerSafe: true, apply: (g) => g.hooks.entryAttributes.tap('position', (list, _nc, index) => [...list, { name: 'x-i', value: String(index) }]) };
    expect(planWorkers(facts({ plugins: [presetDefault(), position] })).workers).toBe(2);
  });

  it('renders a gzip-compressed NDJSON file in workers, weighed by the text it holds', () => {
    const plan = planWorkers(facts({ compression: 'gzip', estimateRecords: () => 1_000_000 }));
    expect(plan).toEqual({ workers: 2, reason: '2 worker threads: auto, 256 MB of NDJSON (gzip-compressed), about 1,000,000 channels, 2 cores, 331 MB expected' });
    expect(planWorkers(facts({ compression: 'gzip', requested: 2 })).workers).toBe(2);
  });

  it('cuts NDJSON from stdin into parts when workers are asked for by count', () => {
    expect(planWorkers(facts({ ndjsonFileBytes: undefined, ndjsonStdin: true, requested: 2 }))).toEqual({ workers: 2, reason: '2 worker threads: requested' });
    expect(planWorkers(facts({ ndjsonFileBytes: undefined, ndjsonStdin: true, requested: 2, outputIsFile: false })).workers).toBe(1);
  });

  it('uses the requested count when asked, even for a small input or a chosen strategy', () => {
    expect(planWorkers(facts({ requested: 3, ndjsonFileBytes: 10, strategy: 'streaming', cores: 1 })).workers).toBe(3);
    expect(planWorkers(facts({ requested: 3, outputIsFile: false })).workers).toBe(1);
  });
});
