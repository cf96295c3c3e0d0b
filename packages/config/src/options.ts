import { describeValue, type GenerateOptions } from '@m3ugen/core';
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
  const given: unknown = config;
  if (typeof given !== 'object' || given === null) throw new TypeError(`toGenerateOptions: expected a config (loadConfig()'s config), got ${describeValue(given)}`);
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

/** Config keys of the run options a run checks itself (URL schemes read theirs when a run starts). */
const CONFIG_KEYS: ReadonlyMap<string, string> = new Map([
  ['baseUrl', 'web.base_url'],
  ['proxyId', 'proxy_generation.proxy_id'],
  ['proxy_id', 'proxy_generation.proxy_id'],
  ['strategy', 'proxy_generation.strategy'],
  ['urlScheme', 'proxy_generation.url_scheme'],
  ['memory.preset', 'proxy_generation.memory.strategy_preset'],
  ['memory.sampleIntervalMs', 'proxy_generation.memory.sample_interval_ms'],
]);

/**
 * The config key a run option is set by, for an error a run raises about an
 * option (an `OptionError`'s `key`): `url.pattern` →
 * `proxy_generation.url.pattern`. `undefined` for options no config key sets.
 *
 * @example
 * ```ts
 * configKeyOfOption('url.params.token'); // 'proxy_generation.url.params.token'
 * configKeyOfOption('cache'); // undefined
 * ```
 */
export function configKeyOfOption(optionKey: string): string | undefined {
  if (optionKey === 'url' || optionKey.startsWith('url.')) return `proxy_generation.${optionKey}`;
  return CONFIG_KEYS.get(optionKey);
}
