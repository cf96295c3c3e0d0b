import { checkOptionNames, checkPlugins, M3uGenerator, type GeneratorConfig, type M3uPlugin } from '@m3ugen/core';
import { inMemoryStrategy } from '@m3ugen/strategy-in-memory';
import { streamingStrategy } from '@m3ugen/strategy-streaming';
import { urlBuilder } from '@m3ugen/url-builder';

/**
 * One plugin that applies the defaults: the `in-memory` and `streaming`
 * strategies and the `proxy` URL scheme.
 *
 * @example
 * ```ts
 * const generator = new M3uGenerator({ plugins: [presetDefault(), myPlugin] });
 * ```
 */
export function presetDefault(options: Readonly<Record<string, never>> = {}): M3uPlugin {
  // Listed in a config with options, it would otherwise take them without a word.
  checkOptionNames(options, []);
  return {
    name: '@m3ugen/preset-default',
    workerSafe: true,
    apply(generator) {
      generator.use(inMemoryStrategy()).use(streamingStrategy()).use(urlBuilder());
    },
  };
}

/**
 * A generator with {@link presetDefault} applied first, then `config.plugins`.
 *
 * @example
 * ```ts
 * import { createGenerator } from '@m3ugen/preset-default';
 *
 * const generator = createGenerator({ baseUrl: 'http://localhost:8080', proxyId: '01ARZ3NDEKTSV4RRFFQ69G5FAV' });
 * const { playlist } = await generator.generate([
 *   { assignedNumber: 1, channel: { id: '550e8400-e29b-41d4-a716-446655440001', channelName: 'Example News HD' } },
 * ]);
 * ```
 */
export function createGenerator(config: GeneratorConfig = {}): M3uGenerator {
  const given: unknown = config;
  // Not an object (from JavaScript): the generator says what to pass; spread here, a string would be options "0", "1", ….
  if (typeof given !== 'object' || given === null || Array.isArray(given)) return new M3uGenerator(config);
  const plugins = config.plugins ?? [];
  // Checked here, so a bad entry is named by its place in the caller's list, not after the preset.
  checkPlugins(plugins);
  return new M3uGenerator({ ...config, plugins: [presetDefault(), ...plugins] });
}
