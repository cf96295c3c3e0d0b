import { describeValue, InputError, isMissing, sanitizeText, type NumberedChannel, type UrlScheme } from '@m3ugen/core';

/** The URL depends on stream_url only (for EntryCache). */
const READS = Object.freeze(['streamUrl']);

const ABSOLUTE = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

/**
 * Direct mode: each entry points at the channel's own upstream `stream_url`,
 * so clients skip the proxy (no redirect). A channel without an absolute
 * `stream_url` (`scheme://…`) is an error naming its index and field: a
 * relative or `#…` value would not be read as a URL by players. White space
 * around it is trimmed, and a space inside it is written `%20`.
 *
 * @example
 * ```ts
 * createGenerator({ urlScheme: 'direct' }); // http://upstream.example/live/1.ts
 * ```
 */
export const directUrlScheme: UrlScheme = Object.freeze<UrlScheme>({
  name: 'direct',
  description: "the channel's own stream_url (no proxy)",
  optionNames: [],
  create() {
    return Object.assign((nc: NumberedChannel, index: number): string => {
      const url = nc.channel.streamUrl;
      if (isMissing(url)) throw new InputError('required by the direct URL scheme, but missing', { index, field: 'channel.stream_url' });
      // A number or object from code is not a URL: said as what it is, not as missing.
      if (typeof url !== 'string') throw new InputError(`expected an absolute URL (scheme://…), got ${describeValue(url)}`, { index, field: 'channel.stream_url' });
      const text = sanitizeText(url).trim();
      if (!ABSOLUTE.test(text)) throw new InputError(`expected an absolute URL (scheme://…), got ${JSON.stringify(url.slice(0, 80))}`, { index, field: 'channel.stream_url' });
      // No URL holds a space: a player cuts the URL there, or sends a request line the server refuses.
      return text.includes(' ') ? text.replaceAll(' ', '%20') : text;
    }, { reads: READS, lineSafe: true });
  },
});
