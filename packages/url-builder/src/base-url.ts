import { OptionError } from '@m3ugen/core';

const WHITESPACE_OR_CONTROL = /[\s\u0000-\u001f\u007f-\u009f]/;

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
 * parseBaseUrl('localhost:8080');            // throws: expected an absolute http(s) URL
 * ```
 */
export function parseBaseUrl(value: unknown, key = 'base_url'): string {
  const expected = 'expected an absolute http(s) URL such as "http://localhost:8080" or "https://tv.example/iptv"';
  if (typeof value !== 'string' || value === '') throw new OptionError(key, `${expected}, got ${JSON.stringify(value)}`);
  if (WHITESPACE_OR_CONTROL.test(value)) throw new OptionError(key, `${expected}; it contains white space or control characters`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new OptionError(key, `${expected}, got ${JSON.stringify(value)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new OptionError(key, `${expected}, got the scheme "${url.protocol.slice(0, -1)}"`);
  }
  if (url.search !== '' || url.hash !== '' || value.includes('?') || value.includes('#')) {
    throw new OptionError(key, `${expected} without "?query" or "#fragment" (stream paths are appended to it)`);
  }
  return value.replace(/\/+$/, '');
}
