import { writtenText } from '../channel/model.js';
import { describeValue, M3ugenError } from '../errors.js';
import { isValidAttributeName, sanitizeAttributeValue } from './sanitize.js';

/**
 * One `name="value"` pair of an `#EXTINF` or `#EXTM3U` line. Values are
 * sanitised when the line is written, so plugins may pass channel data as is;
 * from JavaScript, a number or boolean is written as its text and `null` or
 * `undefined` as `""` (anything else fails the run, naming the plugin).
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
    const opening = openings.get(name) ?? openingOf(name);
    const value = attribute.value as unknown;
    out += opening + sanitizeAttributeValue(typeof value === 'string' ? value : (writtenText(value) ?? notText(value, name))) + '"';
  }
  return out;
}

/**
 * ` name="` of each attribute name already found valid. The same few names
 * recur on every channel: each is checked and joined once, which leaves two
 * concatenations per attribute instead of four.
 */
const openings = new Map<string, string>();

function openingOf(name: unknown): string {
  if (typeof name !== 'string' || !isValidAttributeName(name)) {
    throw new M3ugenError('E_ATTRIBUTE_NAME', `invalid attribute name ${describeValue(name)}: use letters, digits, "-", "_", "." or ":"`);
  }
  const opening = ` ${name}="`;
  // Bounded, in case names are generated.
  if (openings.size < 4096) openings.set(name, opening);
  return opening;
}

function notText(value: unknown, name: string): never {
  throw new TypeError(`attribute "${name}": the value is ${describeValue(value)}, not text, a number or a boolean`);
}

/**
 * Why an item of an attribute list cannot be written, or `undefined` if it
 * can. What the `entryAttributes` and `headerAttributes` taps return is
 * checked with it, so the plugin that made the item is the one named.
 *
 * @example
 * ```ts
 * attributeProblem({ name: 'tvg-country', value: 'DE' }); // undefined
 * attributeProblem({ value: 'DE' }); // 'has no name (its value is "DE")'
 * attributeProblem({ name: 'epg', value: { lang: 'de' } }); // '"epg" has an object as its value, not text, a number or a boolean'
 * ```
 */
export function attributeProblem(attribute: unknown): string | undefined {
  if (typeof attribute !== 'object' || attribute === null) return `is ${describeValue(attribute)}, not { name, value }`;
  const { name, value } = attribute as { name?: unknown; value?: unknown };
  if (typeof name !== 'string') return `${name === undefined ? 'has no name' : `has ${describeValue(name)} as its name, not text`} (its value is ${describeValue(value)})`;
  if (!openings.has(name) && !isValidAttributeName(name)) return `has the invalid name ${JSON.stringify(name)}: use letters, digits, "-", "_", "." or ":"`;
  if (writtenText(value) !== undefined) return undefined;
  return `"${name}" has ${describeValue(value)} as its value, not text, a number or a boolean`;
}
