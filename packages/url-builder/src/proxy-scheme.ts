import { sanitizeText, type NumberedChannel, type UrlScheme } from '@m3ugen/core';

/** The URL depends on the channel id only (for EntryCache). */
const READS = Object.freeze(['id']);
import { parseBaseUrl } from './base-url.js';
import { encodeChannelId } from './channel-id.js';
import { parseProxyId } from './proxy-id.js';

/**
 * What the proxy scheme's `missing-proxy-id` warning says, once per run.
 * A summary that has only the warning's count (as the command's, after the
 * run) says it in these words.
 *
 * @example
 * ```ts
 * if (result.warnings.counts['missing-proxy-id'] !== undefined) console.warn(MISSING_PROXY_ID_MESSAGE);
 * ```
 */
export const MISSING_PROXY_ID_MESSAGE = 'no proxy ULID is set: stream URLs fall back to {base_url}/stream/{channel_id}';

/**
 * The default URL scheme (contract §2): `{base_url}/stream/{proxy_ulid}/{channel_id}`.
 * Without a proxy ULID it falls back to `{base_url}/stream/{channel_id}` and
 * warns once per run.
 *
 * @example
 * ```ts
 * generator.urlSchemes.register(proxyUrlScheme);
 * // http://localhost:8080/stream/01ARZ3NDEKTSV4RRFFQ69G5FAV/550e8400-e29b-41d4-a716-446655440001
 * ```
 */
export const proxyUrlScheme: UrlScheme = Object.freeze<UrlScheme>({
  name: 'proxy',
  description: '{base_url}/stream/{proxy_ulid}/{channel_id}',
  optionNames: [],
  create(run) {
    // Named as the run's options name them; the command names a config's key or a flag instead.
    const base = parseBaseUrl(run.options.baseUrl, 'baseUrl');
    let prefix: string;
    if (run.options.proxyId === undefined) {
      run.warn({
        code: 'missing-proxy-id',
        message: MISSING_PROXY_ID_MESSAGE,
        aboutConfig: true,
      });
      prefix = `${base}/stream/`;
    } else {
      prefix = `${base}/stream/${parseProxyId(run.options.proxyId, 'proxyId')}/`;
    }
    // The prefix is checked once (a base URL's path may hold a lone surrogate); the encoded id is ASCII: line-safe.
    const safePrefix = sanitizeText(prefix);
    return Object.assign((nc: NumberedChannel) => safePrefix + encodeChannelId(nc.channel.id), { reads: READS, lineSafe: true });
  },
});
