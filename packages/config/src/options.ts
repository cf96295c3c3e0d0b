import type { GenerateOptions } from '@m3ugen/core';
import type { M3ugenConfig } from './schema.js';

/**
 * The generator options a configuration sets (keys it leaves out stay
 * undefined, so defaults and command-line flags can fill them).
 *
 * @example
 * ```ts
 * toGenerateOptions({ web: { base_url: 'https://tv.example' }, proxy_generation: { memory: { max_memory_mb: 256 } } });
 * // { baseUrl: 'https://tv.example', memory: { maxMemoryMb: 256, … } }
 * ```
 */
export function toGenerateOptions(config: M3ugenConfig): GenerateOptions {
  const generation = config.proxy_generation ?? {};
  const memory = generation.memory ?? {};
  return {
    baseUrl: config.web?.base_url,
    proxyId: generation.proxy_id,
    strategy: generation.strategy,
    urlScheme: generation.url_scheme,
    urlOptions: generation.url === undefined ? undefined : { ...generation.url },
    strict: generation.strict,
    checkDuplicates: generation.check_duplicates,
    memory: {
      enableTracking: generation.enable_memory_tracking,
      maxMemoryMb: memory.max_memory_mb,
      preset: memory.strategy_preset,
      largeInputThreshold: memory.large_input_threshold,
      sampleIntervalMs: memory.sample_interval_ms,
    },
  };
}
