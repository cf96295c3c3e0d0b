import { M3ugenError } from '../errors.js';
import { isValidAttributeName, sanitizeAttributeValue } from './sanitize.js';

/**
 * One `name="value"` pair of an `#EXTINF` or `#EXTM3U` line. Values are
 * sanitised when the line is written, so plugins may pass channel data as is.
 *
 * @example
 * ```ts
 * const attribute: ExtinfAttribute = { name: 'catchup-days', value: '7' };
 * ```
 */
export interface ExtinfAttribute {
  name: string;
  value: string;
}

/**
 * Writes attributes as ` name="value"` pairs (each with its leading space),
 * sanitising every value.
 *
 * @throws {M3ugenError} `E_ATTRIBUTE_NAME` for a name that would break the line.
 * @example
 * ```ts
 * formatAttributes([{ name: 'tvg-id', value: 'a"b' }]); // ' tvg-id="a\'b"'
 * ```
 */
export function formatAttributes(attributes: readonly ExtinfAttribute[]): string {
  let out = '';
  for (const attribute of attributes) {
    const name = attribute.name;
    if (!checkedNames.has(name)) {
      if (!isValidAttributeName(name)) {
        throw new M3ugenError('E_ATTRIBUTE_NAME', `invalid attribute name ${JSON.stringify(name)}: use letters, digits, "-", "_", "." or ":"`);
      }
      // The same few names recur on every channel: check each once (bounded, in case names are generated).
      if (checkedNames.size < 4096) checkedNames.add(name);
    }
    const value = attribute.value;
    out += ' ' + name + '="' + sanitizeAttributeValue(typeof value === 'string' ? value : String(value)) + '"';
  }
  return out;
}

/** Attribute names already found valid. */
const checkedNames = new Set<string>();
