import { OptionError } from '@m3ugen/core';
import { isValid } from 'ulid';

/**
 * Validates a proxy ULID (26 Crockford base-32 characters, any case, at
 * most `7ZZZZZZZZZZZZZZZZZZZZZZZZZ`). The text is returned unchanged.
 *
 * @throws {OptionError} for `proxy_id`.
 * @example
 * ```ts
 * parseProxyId('01ARZ3NDEKTSV4RRFFQ69G5FAV'); // '01ARZ3NDEKTSV4RRFFQ69G5FAV'
 * ```
 */
export function parseProxyId(value: unknown, key = 'proxy_id'): string {
  if (typeof value === 'string' && isValid(value) && value[0]! <= '7') return value;
  throw new OptionError(key, `expected a ULID (26 characters of 0-9 and A-Z without I, L, O, U), got ${JSON.stringify(value)}`);
}
