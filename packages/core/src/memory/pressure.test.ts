import { describe, expect, it } from 'vitest';
import { MEMORY_PRESETS, PressureMonitor, memoryUsageRatio, pressureLevelOf, type MemorySample } from './pressure.js';

const MB = 1024 * 1024;

describe('pressure levels', () => {
  it('maps usage ratios to levels with each preset', () => {
    expect(pressureLevelOf(0.1, MEMORY_PRESETS.default)).toBe('optimal');
    expect(pressureLevelOf(0.6, MEMORY_PRESETS.default)).toBe('moderate');
    expect(pressureLevelOf(0.8, MEMORY_PRESETS.default)).toBe('high');
    expect(pressureLevelOf(0.8, MEMORY_PRESETS.conservative)).toBe('critical');
    expect(pressureLevelOf(0.8, MEMORY_PRESETS.aggressive)).toBe('moderate');
    expect(pressureLevelOf(0.99, MEMORY_PRESETS.aggressive)).toBe('emergency');
  });

  it('measures RSS against the budget and the heap against min(budget, heap limit)', () => {
    expect(memoryUsageRatio({ rssBytes: 256 * MB, heapUsedBytes: 10 * MB, heapLimitBytes: 4096 * MB }, 512 * MB)).toBe(0.5);
    expect(memoryUsageRatio({ rssBytes: 100 * MB, heapUsedBytes: 90 * MB, heapLimitBytes: 100 * MB }, 512 * MB)).toBe(0.9);
  });
});

describe('PressureMonitor', () => {
  const sample = (rssMb: number): MemorySample => ({ rssBytes: rssMb * MB, heapUsedBytes: MB, heapLimitBytes: 4096 * MB });

  it('samples the probe and keeps the peak', () => {
    const readings = [100, 450, 200];
    const monitor = new PressureMonitor({
      maxMemoryBytes: 512 * MB,
      thresholds: MEMORY_PRESETS.default,
      enabled: true,
      probe: () => sample(readings.shift() ?? 0),
      sampleIntervalMs: 0,
    });
    expect(monitor.level()).toBe('optimal');
    expect(monitor.level()).toBe('critical');
    expect(monitor.level()).toBe('optimal');
    expect(monitor.peakRssBytes).toBe(450 * MB);
    expect(monitor.headroomBytes()).toBe(312 * MB);
  });

  it('measures nothing when tracking is off', () => {
    let calls = 0;
    const monitor = new PressureMonitor({
      maxMemoryBytes: 512 * MB,
      thresholds: MEMORY_PRESETS.default,
      enabled: false,
      probe: () => {
        calls++;
        return sample(10_000);
      },
      sampleIntervalMs: 0,
    });
    expect(monitor.level()).toBe('optimal');
    expect(calls).toBe(0);
    expect(monitor.headroomBytes()).toBe(512 * MB);
  });

  it('reuses the last reading within the sample interval', () => {
    let calls = 0;
    const monitor = new PressureMonitor({
      maxMemoryBytes: 512 * MB,
      thresholds: MEMORY_PRESETS.default,
      enabled: true,
      probe: () => {
        calls++;
        return sample(100);
      },
      sampleIntervalMs: 60_000,
    });
    monitor.level();
    monitor.level();
    expect(calls).toBe(1);
  });
});
