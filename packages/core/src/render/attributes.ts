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
  if (attributes.length === 0) return '';
  let out = '';
  for (let i = 0; i < attributes.length; i++) {
    const attribute = attributes[i]!;
    const name = attribute.name;
    const joints = jointsByName.get(name) ?? jointsOf(name);
    const value = attribute.value as unknown;
    // The quote that closes a value is written with the next name's opening: one joint between two values.
    out = out + (i === 0 ? joints.first : joints.next) + sanitizeAttributeValue(typeof value === 'string' ? value : (writtenText(value) ?? notText(value, name)));
  }
  return out + '"';
}

/** What stands before an attribute's value: ` name="` first in the list, `" name="` after another's value. */
interface Joints {
  readonly first: string;
  readonly next: string;
}

/**
 * The joints of each attribute name already found valid. The same few names
 * recur on every channel: each is checked and joined once, which leaves two
 * concatenations per attribute instead of five.
 */
const jointsByName = new Map<string, Joints>();

function jointsOf(name: unknown): Joints {
  if (typeof name !== 'string' || !isValidAttributeName(name)) {
    throw new M3ugenError('E_ATTRIBUTE_NAME', `invalid attribute name ${describeValue(name)}: use letters, digits, "-", "_", "." or ":"`);
  }
  const joints = { first: ` ${name}="`, next: `" ${name}="` };
  // Bounded, in case names are generated.
  if (jointsByName.size < 4096) jointsByName.set(name, joints);
  return joints;
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
  if (!jointsByName.has(name) && !isValidAttributeName(name)) return `has the invalid name ${JSON.stringify(name)}: use letters, digits, "-", "_", "." or ":"`;
  if (writtenText(value) !== undefined) return undefined;
  return `"${name}" has ${describeValue(value)} as its value, not text, a number or a boolean`;
}
