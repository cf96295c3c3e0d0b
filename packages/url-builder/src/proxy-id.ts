import { OptionError } from '@m3ugen/core';
import { isValid } from 'ulid';

/**
 * Validates a proxy ULID (26 Crockford base-32 characters, any case, at
 * most `7ZZZZZZZZZZZZZZZZZZZZZZZZZ`). The text is returned unchanged.
 *
 * A refusal says which rule the text breaks (its length, the character and
 * its place, or a first character above 7), since a ULID pasted with one
 * character lost or misread is the usual mistake.
 *
 * @throws {OptionError} for `proxy_id`.
 * @example
 * ```ts
 * parseProxyId('01ARZ3NDEKTSV4RRFFQ69G5FAV'); // '01ARZ3NDEKTSV4RRFFQ69G5FAV'
 * parseProxyId('01ARZ3NDEKTSV4RRFFQ69G5FAU'); // throws: character 26 "U" …
 * ```
 */
export function parseProxyId(value: unknown, key = 'proxy_id'): string {
  if (typeof value === 'string' && isValid(value) && value[0]! <= '7') return value;
  throw new OptionError(key, `expected a ULID (26 characters of 0-9 and A-Z without I, L, O, U), got ${JSON.stringify(value)}${ulidProblem(value)}`);
}

/** Which rule a refused `value` breaks, as a clause to append to the message. */
function ulidProblem(value: unknown): string {
  if (typeof value !== 'string') return '';
  const length = [...value].length;
  if (length !== 26) return `: ${length} characters`;
  const bad = /[^0-9A-HJKMNP-TV-Z]/i.exec(value);
  if (bad) return `: character ${bad.index + 1} ${JSON.stringify(bad[0])} is not one of them`;
  // 26 base-32 characters hold 130 bits; a ULID is 128, so the first is 0-7.
  return `: it starts with "${value[0]}", and a ULID starts with 0-7 (the largest is 7ZZZZZZZZZZZZZZZZZZZZZZZZZ)`;
}
