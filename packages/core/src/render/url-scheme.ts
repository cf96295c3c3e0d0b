import type { NumberedChannel } from '../channel/model.js';
import type { Named } from '../registry/registry.js';
import type { RunInfo } from '../run/run-info.js';

/** Builds one channel's stream URL. Called once per channel: keep it allocation-light. */
export type StreamUrlBuilder = (channel: NumberedChannel, index: number) => string;

/**
 * A way to build stream URLs (proxy, direct, pattern, …), registered by name
 * and chosen with the `urlScheme` option. `create` runs once per run: the
 * place to validate options, warn once and precompute prefixes.
 *
 * @example
 * ```ts
 * generator.urlSchemes.register({
 *   name: 'cdn',
 *   description: 'https://cdn.example/{assigned_number}.m3u8',
 *   create: () => (nc) => `https://cdn.example/${nc.assignedNumber}.m3u8`,
 * });
 * ```
 */
export interface UrlScheme extends Named {
  readonly description: string;
  create(run: RunInfo): StreamUrlBuilder;
}
