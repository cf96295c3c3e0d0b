import { checkOptionNames, closestName, describeValue, OptionError, type M3uPlugin, type UrlScheme } from '@m3ugen/core';
import { directUrlScheme } from './direct-scheme.js';
import { patternUrlScheme } from './pattern-scheme.js';
import { proxyUrlScheme } from './proxy-scheme.js';

/** The schemes {@link urlBuilder} always registers. */
const BUILT_IN_SCHEMES: readonly string[] = [proxyUrlScheme.name, directUrlScheme.name, patternUrlScheme.name];

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
 * @throws {OptionError} for an unknown option, or `schemes` that is not a list of scheme objects.
 * @example
 * ```ts
 * new M3uGenerator({ plugins: [urlBuilder(), inMemoryStrategy()], proxyId: '01ARZ3NDEKTSV4RRFFQ69G5FAV' });
 * ```
 */
export function urlBuilder(options: UrlBuilderOptions = {}): M3uPlugin {
  checkOptionNames(options, ['schemes'] satisfies (keyof UrlBuilderOptions)[]);
  const schemes: unknown = options.schemes;
  if (schemes !== undefined && !Array.isArray(schemes)) throw new OptionError('schemes', `expected a list of URL schemes ({ name, description, create }), got ${describeValue(schemes)}`);
  (schemes ?? []).forEach((scheme: unknown, i: number) => {
    if (typeof scheme === 'object' && scheme !== null) return;
    // A built-in scheme's name given to register: it is chosen with the urlScheme option instead.
    const builtIn = closestName(scheme, BUILT_IN_SCHEMES);
    const hint = builtIn === undefined ? '' : `: the built-in scheme "${builtIn}" needs no registering; choose it with urlScheme: "${builtIn}" (proxy_generation.url_scheme in a config file)`;
    throw new OptionError(`schemes[${i}]`, `expected a URL scheme ({ name, description, create }), got ${describeValue(scheme)}${hint}`);
  });
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
