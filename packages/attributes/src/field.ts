import type { NumberedChannel } from '@m3ugen/core';

function camel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/**
 * A reader of one channel field by its input name, unknown fields included:
 * first on the channel, then on the record, in the given spelling and in
 * camelCase (`catchup_days` also finds `catchupDays`). Strings come back as
 * they are, numbers and booleans as text, a missing field (or `null`) as `""`.
 * An object or array throws a `TypeError` naming the field (and `attribute`,
 * when given): written as `""` it would silently leave the value out.
 *
 * @example
 * ```ts
 * fieldReader('catchup_days')({ assignedNumber: 1, channel: { id: 'a', channelName: 'A', catchup_days: 7 } }); // '7'
 * fieldReader('countries', 'tvg-country')({ assignedNumber: 1, channel: { id: 'a', channelName: 'A', countries: ['DE'] } });
 * // throws: attribute "tvg-country": field "countries" is an array, not text, a number or a boolean (…)
 * ```
 */
export function fieldReader(field: string, attribute?: string): (nc: NumberedChannel) => string {
  const alias = camel(field);
  return (nc) => {
    const channel = nc.channel as Record<string, unknown>;
    const record = nc as Record<string, unknown>;
    const value = channel[field] ?? channel[alias] ?? record[field] ?? record[alias];
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
    if (value === undefined || value === null) return '';
    const what = kindOf(value);
    const whose = attribute === undefined ? '' : `attribute "${attribute}": `;
    throw new TypeError(`${whose}field "${field}" is ${what}, not text, a number or a boolean (give the attribute a compute function to turn it into text)`);
  };
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
