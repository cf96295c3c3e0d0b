import { checkOptionNames, type M3uPlugin, type UrlScheme } from '@m3ugen/core';
import { directUrlScheme } from './direct-scheme.js';
import { patternUrlScheme } from './pattern-scheme.js';
import { proxyUrlScheme } from './proxy-scheme.js';

/** Options of {@link urlBuilder}. */
export interface UrlBuilderOptions {
  /** Extra schemes to register beside `proxy`, `direct` and `pattern`. */
  readonly schemes?: readonly UrlScheme[];
}

/**
 * Registers the URL schemes: `proxy` (the default), `direct` (the channel's
 * own `stream_url`), `pattern` (`urlOptions.pattern`), plus any given. Pick one with the
 * generator's `urlScheme` option; register your own to change the URL layout
 * without forking, or tap `hooks.streamUrl` to adjust single URLs.
 *
 * @example
 * ```ts
 * new M3uGenerator({ plugins: [urlBuilder(), inMemoryStrategy()], proxyId: '01ARZ3NDEKTSV4RRFFQ69G5FAV' });
 * ```
 */
export function urlBuilder(options: UrlBuilderOptions = {}): M3uPlugin {
  checkOptionNames(options, ['schemes'] satisfies (keyof UrlBuilderOptions)[]);
  return {
    name: '@m3ugen/url-builder',
    // Schemes passed in are the user's code, which may keep state across channels.
    workerSafe: (options.schemes ?? []).length === 0,
    apply(generator) {
      generator.urlSchemes.register(proxyUrlScheme).register(directUrlScheme).register(patternUrlScheme);
      for (const scheme of options.schemes ?? []) generator.urlSchemes.register(scheme);
    },
  };
}
