import { isMissing, writtenText, type NumberedChannel } from '@m3ugen/core';

function camel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** `object[key]` if it is the object's own: a field named `constructor` or `toString` is not Object.prototype's. */
function own(object: object, key: string): unknown {
  return Object.hasOwn(object, key) ? (object as Record<string, unknown>)[key] : undefined;
}

/** `name` on the channel, then on the record, in its spelling and in camelCase. */
function lookUp(nc: NumberedChannel, name: string, alias: string): unknown {
  return own(nc.channel, name) ?? own(nc.channel, alias) ?? own(nc, name) ?? own(nc, alias);
}

/** The value at a dotted path (`epg.country`): its first name looked up as a field is, the rest inside objects. */
function lookUpPath(nc: NumberedChannel, path: readonly string[]): unknown {
  let value = lookUp(nc, path[0]!, camel(path[0]!));
  for (let i = 1; i < path.length; i++) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    value = own(value, path[i]!) ?? own(value, camel(path[i]!));
  }
  return value;
}

/** The raw value of `field` as {@link fieldReader} and {@link hasField} find it: by name, else (a dotted name) by path. */
function valueReader(field: string): (nc: NumberedChannel) => unknown {
  const alias = camel(field);
  const path = field.includes('.') ? field.split('.') : undefined;
  return (nc) => {
    const value = lookUp(nc, field, alias);
    return value === undefined && path !== undefined ? lookUpPath(nc, path) : value;
  };
}

/**
 * A reader of one channel field by its input name, unknown fields included:
 * first on the channel, then on the record, in the given spelling and in
 * camelCase (`catchup_days` also finds `catchupDays`). A dotted name
 * (`epg.country`) that no field has itself reads inside object fields.
 * Strings come back as they are, numbers and booleans as text, a missing
 * field (or `null`) as `""`. An object or array throws a `TypeError` naming
 * the field (and `attribute`, when given): written as `""` it would silently
 * leave the value out.
 *
 * @example
 * ```ts
 * fieldReader('catchup_days')({ assignedNumber: 1, channel: { id: 'a', channelName: 'A', catchup_days: 7 } }); // '7'
 * fieldReader('epg.country')({ assignedNumber: 1, channel: { id: 'a', channelName: 'A', epg: { country: 'DE' } } }); // 'DE'
 * fieldReader('countries', 'tvg-country')({ assignedNumber: 1, channel: { id: 'a', channelName: 'A', countries: ['DE'] } });
 * // throws: attribute "tvg-country": field "countries" is an array, not text, a number or a boolean (…)
 * ```
 */
export function fieldReader(field: string, attribute?: string): (nc: NumberedChannel) => string {
  const valueOf = valueReader(field);
  return (nc) => {
    const value = valueOf(nc);
    const written = writtenText(value);
    if (written !== undefined) return written;
    // What writtenText refuses: an object, array, function or symbol, none of them null.
    const refused = value as object;
    const whose = attribute === undefined ? '' : `attribute "${attribute}": `;
    throw new TypeError(`${whose}field "${field}" is ${kindOf(refused)}, not text, a number or a boolean (${mendOf(field, refused, attribute)})`);
  };
}

/**
 * Whether a record has a value for a field, read as {@link fieldReader}
 * reads it: missing, `null` and `""` are none. What the attributes plugin
 * declares with `generator.readsField`, so a field no channel has (a
 * misspelt name) is a warning.
 *
 * @example
 * ```ts
 * hasField('epg.country')({ assignedNumber: 1, channel: { id: 'a', channelName: 'A', epg: { country: 'DE' } } }); // true
 * hasField('contry')({ assignedNumber: 1, channel: { id: 'a', channelName: 'A', country: 'DE' } }); // false
 * ```
 */
export function hasField(field: string): (nc: NumberedChannel) => boolean {
  const valueOf = valueReader(field);
  return (nc) => !isMissing(valueOf(nc));
}

/** How to write an attribute from an object or array field: read a field inside the object, or compute the text. */
function mendOf(field: string, value: object, attribute: string | undefined): string {
  const inner = Array.isArray(value) ? undefined : Object.keys(value)[0];
  const compute = 'give the attribute a compute function to turn it into text';
  if (inner === undefined) return compute;
  const path = JSON.stringify(`${field}.${inner}`);
  return attribute === undefined ? `read a field inside it, such as ${path}` : `write it as { name: ${JSON.stringify(attribute)}, field: ${path} }, or ${compute}`;
}

/**
 * Reads one field once; see {@link fieldReader}.
 *
 * @example
 * ```ts
 * readField({ assignedNumber: 1, channel: { id: 'a', channelName: 'A', catchupDays: 7 } }, 'catchup_days'); // '7'
 * ```
 */
export function readField(nc: NumberedChannel, field: string): string {
  return fieldReader(field)(nc);
}

/** What a value that is not text, a number or a boolean is, for messages: `an array`, `an object`, `a function`. */
export function kindOf(value: unknown): string {
  return Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
