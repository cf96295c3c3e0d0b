import { OptionError } from '@m3ugen/core';

const WHITESPACE_OR_CONTROL = /[\s\u0000-\u001f\u007f-\u009f]/;

/** A host name or address, an optional port, then a path or nothing: a URL written without its `http://`. */
const HOST_WITHOUT_SCHEME = /^(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?(?:\/[^?#]*)?$/;

/** The authority of an http(s) URL as written: `user@host:port`, up to the path. */
const AUTHORITY = /^https?:\/\/(?:[^@/]*@)?(\[[^\]/]*\]|[^:/[\]]*)(?::([^/]*))?(?=\/|$)/i;

/** Why an http(s) URL the parser refused is no URL, where the authority says it: `; the port 99999 is above 65535`. */
function authorityFault(value: string): string {
  const authority = AUTHORITY.exec(value);
  if (authority === null) return '';
  const [, host = '', port] = authority;
  if (host === '') return '; it names no host';
  if (port === undefined || port === '') return '';
  if (!/^\d+$/.test(port)) return `; its port "${port}" is not a number`;
  return Number(port) > 65535 ? `; its port ${port} is above 65535` : '';
}

/**
 * Validates `base_url` and returns it without trailing slashes. It must be an
 * absolute http(s) URL; a path prefix is fine (`https://tv.example/iptv`), a
 * query or fragment is not (the stream path is appended to it). The text is
 * otherwise kept as written: `http://localhost:8080` stays without a slash.
 *
 * @throws {OptionError} for `base_url`, saying what was expected.
 * @example
 * ```ts
 * parseBaseUrl('https://tv.example/iptv//'); // 'https://tv.example/iptv'
 * parseBaseUrl('localhost:8080');            // throws: expected an absolute http(s) URL … (did you mean "http://localhost:8080"?)
 * ```
 */
export function parseBaseUrl(value: unknown, key = 'base_url'): string {
  const expected = 'expected an absolute http(s) URL such as "http://localhost:8080" or "https://tv.example/iptv"';
  if (typeof value !== 'string' || value === '') throw new OptionError(key, `${expected}, got ${JSON.stringify(value)}`);
  if (WHITESPACE_OR_CONTROL.test(value)) throw new OptionError(key, `${expected}; it contains white space or control characters`);
  // `localhost:8080` parses as the scheme "localhost"; `tv.example/iptv` does not parse: both lack only `http://`.
  const meant = HOST_WITHOUT_SCHEME.test(value) ? ` (did you mean "http://${value}"?)` : '';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new OptionError(key, `${expected}, got ${JSON.stringify(value)}${meant}${authorityFault(value)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new OptionError(key, `${expected}, got ${meant === '' ? `the scheme "${url.protocol.slice(0, -1)}"` : JSON.stringify(value)}${meant}`);
  }
  // The text is kept as written, so it must be what the parser read: `http:/x` parses as `http://x/`, but written out it is no URL.
  if (!value.slice(0, url.protocol.length + 2).toLowerCase().startsWith(`${url.protocol}//`) || value.includes('\\')) {
    throw new OptionError(key, `${expected}, got ${JSON.stringify(value)} (did you mean "${url.protocol}//${url.host}${url.pathname === '/' ? '' : url.pathname}"?)`);
  }
  if (url.search !== '' || url.hash !== '' || value.includes('?') || value.includes('#')) {
    throw new OptionError(key, `${expected} without "?query" or "#fragment" (stream paths are appended to it)`);
  }
  return value.replace(/\/+$/, '');
}
