/** Characters a path segment may hold as they are (RFC 3986 unreserved). */
const UNRESERVED = /^[A-Za-z0-9\-._~]+$/;

/**
 * The channel id as a URL path segment: unchanged when it only has
 * unreserved characters (every UUID), percent-encoded otherwise. Lone
 * surrogates are encoded as U+FFFD instead of throwing.
 *
 * @example
 * ```ts
 * encodeChannelId('550e8400-e29b-41d4-a716-446655440001'); // unchanged
 * encodeChannelId('news/hd 1');                            // 'news%2Fhd%201'
 * ```
 */
export function encodeChannelId(id: string): string {
  // `.` and `..` alone would be resolved away by clients as path segments.
  if (id === '.' || id === '..') return id.replaceAll('.', '%2E');
  if (UNRESERVED.test(id)) return id;
  return encodeURIComponent(id.toWellFormed());
}
