import { modelFieldName, type NumberedChannel } from '../channel/model.js';
import type { Named } from '../registry/registry.js';
import type { RunInfo } from '../run/run-info.js';
import { describeValue, M3ugenError, OptionError } from '../errors.js';
import { unusableResult } from '../hooks/hooks.js';
import { closestName, didYouMean } from '../run/options.js';
// For TSDoc links.
import type { EntryCache } from '../run/entry-cache.js';

/**
 * Builds one channel's stream URL. Called once per channel: keep it
 * allocation-light.
 *
 * @example
 * ```ts
 * const build: StreamUrlBuilder = Object.assign((nc: NumberedChannel) => `https://cdn.example/${nc.channel.id}.m3u8`, { reads: ['id'] });
 * // Percent-encoded ids leave nothing for the writer to check:
 * const safe: StreamUrlBuilder = Object.assign((nc: NumberedChannel) => `https://cdn.example/${encodeURIComponent(nc.channel.id.toWellFormed())}.m3u8`, { reads: ['id'], lineSafe: true });
 * ```
 */
export interface StreamUrlBuilder {
  (channel: NumberedChannel, index: number): string;
  /**
   * The channel fields (as named on `channel`, e.g. `id`, `streamUrl`) the URL
   * is built from, when the URL depends on nothing else but the record's
   * number and the run's options. An {@link EntryCache} then compares these
   * fields instead of building the URL again to tell whether an entry
   * changed. Leave it out when unsure: the URL is then rebuilt and compared.
   * A cache that prefers memory may also build a URL again to compare it
   * with the entry's; the warnings a builder raises then are not raised
   * twice (those of the entry's first writing are replayed when it is
   * reused), so a builder's warnings should follow from what its URL reads.
   */
  readonly reads?: readonly string[] | undefined;
  /**
   * `true` when every URL the builder returns is already one safe line: no
   * control characters (C0, DEL, C1), U+2028, U+2029 or lone surrogates,
   * by construction or because the builder passed it through
   * `sanitizeText`. The writer then skips its own check of each URL (a
   * regular-expression test that copies a concatenated URL first). Leave it
   * out unless the builder guarantees it.
   */
  readonly lineSafe?: boolean | undefined;
}

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
  /**
   * The `urlOptions` keys the scheme reads (`[]` for none). When given, a
   * run whose `urlOptions` hold another key fails before its first channel
   * with an `OptionError` naming it (`url.<key>`), and the registered scheme
   * that reads it, if any: a `pattern` left for the `proxy` scheme would
   * otherwise be ignored without a word. Leave it out to check the options
   * in `create` yourself.
   */
  readonly optionNames?: readonly string[] | undefined;
  create(run: RunInfo): StreamUrlBuilder;
}

/**
 * Refuses `urlOptions` keys that `scheme` does not read, when it says which
 * it reads ({@link UrlScheme.optionNames}); names the scheme among `schemes`
 * that reads the key, if one does.
 *
 * @throws {OptionError} for the first such key, as `url.<key>`.
 * @example
 * ```ts
 * checkUrlOptions(proxyUrlScheme, { pattern: '{base_url}/{channel_id}' }, generator.urlSchemes.list());
 * // throws: option "url.pattern": the "proxy" URL scheme reads no URL options; "pattern" is read by the "pattern" scheme, which is not the one chosen
 * ```
 */
export function checkUrlOptions(scheme: UrlScheme, urlOptions: Readonly<Record<string, unknown>>, schemes: readonly UrlScheme[]): void {
  const known = scheme.optionNames;
  if (known === undefined) return;
  for (const key of Object.keys(urlOptions)) {
    if (known.includes(key) || urlOptions[key] === undefined) continue;
    const reads = known.length === 0 ? 'reads no URL options' : `reads only ${known.map((name) => `"${name}"`).join(', ')}`;
    const owner = schemes.find((other) => other !== scheme && other.optionNames?.includes(key) === true);
    const hint = owner !== undefined ? `; "${key}" is read by the "${owner.name}" scheme, which is not the one chosen` : didYouMean(closestName(key, known));
    throw new OptionError(`url.${key}`, `the "${scheme.name}" URL scheme ${reads}${hint}`);
  }
}

/**
 * `scheme.create(run)`, checked: what it throws, unless it is m3ugen's own
 * error (an option it refused), and anything but a builder function it
 * returns (an async create's Promise) fail the run naming the scheme, not
 * the strategy that first calls the builder.
 *
 * @example
 * ```ts
 * const buildUrl = startUrlScheme(generator.urlSchemes.require('proxy'), run);
 * ```
 */
export function startUrlScheme(scheme: UrlScheme, run: RunInfo): StreamUrlBuilder {
  let builder: unknown;
  try {
    builder = scheme.create(run);
  } catch (error) {
    if (error instanceof M3ugenError) throw error;
    throw new M3ugenError('E_PLUGIN', `URL scheme "${scheme.name}" failed in create(): ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  if (typeof builder !== 'function') {
    const why = unusableResult(builder, 'the function that builds each URL', 'create()').message;
    throw new M3ugenError('E_PLUGIN', `URL scheme "${scheme.name}": create() ${why}`);
  }
  checkReads(scheme.name, (builder as StreamUrlBuilder).reads);
  return builder as StreamUrlBuilder;
}

/**
 * An {@link EntryCache} trusts `reads` to tell it when a URL changed: a name
 * no channel has (the input's `stream_url` for the model's `streamUrl`) would
 * make it keep old URLs for changed channels, so it is refused.
 */
function checkReads(scheme: string, reads: unknown): void {
  if (reads === undefined) return;
  const fail = (why: string): never => {
    throw new M3ugenError('E_PLUGIN', `URL scheme "${scheme}": the builder's reads ${why}`);
  };
  if (!Array.isArray(reads)) fail(`is ${describeValue(reads)}, not a list of channel field names`);
  for (const field of reads as unknown[]) {
    if (typeof field !== 'string') fail(`holds ${describeValue(field)}, not a channel field name`);
    const camel = typeof field === 'string' ? modelFieldName(field) : undefined;
    if (camel !== undefined) {
      fail(`names "${field}", the input's spelling: channel fields are read as camelCase ("${camel}"), and "${field}" would never change, so an entry cache would keep old URLs`);
    }
  }
}
