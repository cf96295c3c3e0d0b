import { getHeapStatistics } from 'node:v8';

/** Memory pressure levels, from no pressure to about to fail. */
export const PRESSURE_LEVELS = Object.freeze(['optimal', 'moderate', 'high', 'critical', 'emergency'] as const);

/** One of {@link PRESSURE_LEVELS}. */
export type PressureLevel = (typeof PRESSURE_LEVELS)[number];

/** A reading of the process's memory. */
export interface MemorySample {
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  /** V8's heap limit; the process dies when the heap reaches it, whatever `max_memory_mb` says. */
  readonly heapLimitBytes: number;
}

/**
 * Reads memory. Injectable so tests (and hosts that meter memory their own
 * way) can drive pressure.
 *
 * @example
 * ```ts
 * const fakeProbe: MemoryProbe = () => ({ rssBytes: 900e6, heapUsedBytes: 100e6, heapLimitBytes: 4e9 });
 * ```
 */
export type MemoryProbe = () => MemorySample;

let cachedHeapLimit: number | undefined;

/** The default probe: the process's RSS and V8 heap. */
export const processMemoryProbe: MemoryProbe = () => {
  cachedHeapLimit ??= getHeapStatistics().heap_size_limit;
  const usage = process.memoryUsage();
  return { rssBytes: usage.rss, heapUsedBytes: usage.heapUsed, heapLimitBytes: cachedHeapLimit };
};

/**
 * Fractions of the memory budget at which each level starts. `optimal` is
 * everything below `moderate`.
 */
export interface PressureThresholds {
  readonly moderate: number;
  readonly high: number;
  readonly critical: number;
  readonly emergency: number;
}

/** Names of the threshold presets (`strategy_preset` in the config). */
export type MemoryPreset = 'conservative' | 'default' | 'aggressive';

/**
 * The presets: `conservative` reacts early, `aggressive` lets memory run
 * closer to the budget before switching to streaming.
 */
export const MEMORY_PRESETS: Readonly<Record<MemoryPreset, PressureThresholds>> = Object.freeze({
  conservative: Object.freeze({ moderate: 0.5, high: 0.65, critical: 0.8, emergency: 0.9 }),
  default: Object.freeze({ moderate: 0.6, high: 0.75, critical: 0.85, emergency: 0.95 }),
  aggressive: Object.freeze({ moderate: 0.7, high: 0.85, critical: 0.92, emergency: 0.98 }),
});

/**
 * The fraction of the budget in use: the larger of RSS against
 * `max_memory_mb` and the V8 heap against the smaller of the budget and the
 * heap limit.
 *
 * @example
 * ```ts
 * memoryUsageRatio({ rssBytes: 300e6, heapUsedBytes: 100e6, heapLimitBytes: 4e9 }, 400e6); // 0.75
 * ```
 */
export function memoryUsageRatio(sample: MemorySample, maxMemoryBytes: number): number {
  const heapBudget = Math.min(maxMemoryBytes, sample.heapLimitBytes);
  return Math.max(sample.rssBytes / maxMemoryBytes, sample.heapUsedBytes / heapBudget);
}

/**
 * The pressure level of a usage ratio.
 *
 * @example
 * ```ts
 * pressureLevelOf(0.9, MEMORY_PRESETS.default); // 'critical'
 * ```
 */
export function pressureLevelOf(ratio: number, thresholds: PressureThresholds): PressureLevel {
  if (ratio >= thresholds.emergency) return 'emergency';
  if (ratio >= thresholds.critical) return 'critical';
  if (ratio >= thresholds.high) return 'high';
  if (ratio >= thresholds.moderate) return 'moderate';
  return 'optimal';
}

/**
 * Compares two levels: negative when `a` is lower than `b`.
 *
 * @example
 * ```ts
 * comparePressure('high', 'moderate') > 0; // true
 * ```
 */
export function comparePressure(a: PressureLevel, b: PressureLevel): number {
  return PRESSURE_LEVELS.indexOf(a) - PRESSURE_LEVELS.indexOf(b);
}

/** Settings of a {@link PressureMonitor}. */
export interface PressureMonitorOptions {
  readonly maxMemoryBytes: number;
  readonly thresholds: PressureThresholds;
  /** `false` (config `enable_memory_tracking = false`): nothing is measured and the level is always `optimal`. */
  readonly enabled: boolean;
  readonly probe: MemoryProbe;
  /** Samples closer together than this reuse the last reading. 0 samples every time. */
  readonly sampleIntervalMs: number;
}

/**
 * Samples memory during a run, at most once per `sampleIntervalMs`, and keeps
 * the peaks for the run's metrics.
 *
 * @example
 * ```ts
 * const monitor = new PressureMonitor({ maxMemoryBytes: 512 * 1024 * 1024, thresholds: MEMORY_PRESETS.default, enabled: true, probe: processMemoryProbe, sampleIntervalMs: 5 });
 * if (comparePressure(monitor.level(), 'high') >= 0) console.warn('memory is getting tight');
 * ```
 */
export class PressureMonitor {
  #options: PressureMonitorOptions;
  #lastAt = Number.NEGATIVE_INFINITY;
  #level: PressureLevel = 'optimal';
  #lastSample: MemorySample | undefined;
  peakRssBytes = 0;
  peakHeapUsedBytes = 0;

  constructor(options: PressureMonitorOptions) {
    this.#options = options;
  }

  /** The latest reading (after {@link level} sampled at least once). */
  get lastSample(): MemorySample | undefined {
    return this.#lastSample;
  }

  /** Current level, sampling the probe if the interval has passed. */
  level(): PressureLevel {
    if (!this.#options.enabled) return 'optimal';
    const now = performance.now();
    if (now - this.#lastAt < this.#options.sampleIntervalMs) return this.#level;
    this.#lastAt = now;
    const sample = this.#options.probe();
    this.#lastSample = sample;
    if (sample.rssBytes > this.peakRssBytes) this.peakRssBytes = sample.rssBytes;
    if (sample.heapUsedBytes > this.peakHeapUsedBytes) this.peakHeapUsedBytes = sample.heapUsedBytes;
    this.#level = pressureLevelOf(memoryUsageRatio(sample, this.#options.maxMemoryBytes), this.#options.thresholds);
    return this.#level;
  }

  /** Bytes left under the budget at the last reading (the whole budget when tracking is off). */
  headroomBytes(): number {
    if (!this.#options.enabled || this.#lastSample === undefined) return this.#options.maxMemoryBytes;
    return Math.max(0, this.#options.maxMemoryBytes - this.#lastSample.rssBytes);
  }
}
