import { closestAllowedValue, closestName, describeOptionValue, didYouMean, keyPath, OptionError, sanitizeText, valueAtPath, writtenText, type ExtinfAttribute, type FieldRead, type M3uPlugin, type NumberedChannel, type RunInfo } from '@m3ugen/core';
import { z } from 'zod';
import { fieldReader, hasField, kindOf } from './field.js';
import { attributesOptionsSchema, READY_ATTRIBUTES, type AttributesOptions, type ComputeAttribute } from './options.js';

const PLUGIN = '@m3ugen/attributes';
const DEFAULT_NAMES = new Set(['tvg-id', 'tvg-name', 'tvg-logo', 'group-title']);

interface CompiledSpec {
  readonly name: string;
  readonly writeEmpty: boolean;
  readonly valueOf: (nc: NumberedChannel, index: number, run: RunInfo) => string;
}

/**
 * A compute function's result as text. Anything but text, a number, a boolean
 * or nothing is the integrator's mistake, most often an async function: said,
 * not written as "[object Promise]" on every channel.
 */
function computed(name: string, value: unknown): string {
  const written = writtenText(value);
  if (written !== undefined) return written;
  if (value instanceof Promise) {
    throw new TypeError(`compute of attribute "${name}" returned a Promise: it runs as each line is written, so look values up before the run and return them as they are`);
  }
  throw new TypeError(`compute of attribute "${name}" returned ${kindOf(value)}, not a string, number or boolean`);
}

function pick(path: string, separator: string, part: 'full' | 'first' | 'last'): string {
  if (part === 'full') return path;
  const parts = path.split(separator).map((p) => p.trim()).filter((p) => p !== '');
  return (part === 'first' ? parts[0] : parts.at(-1)) ?? '';
}

/** The option names of the object at `path` in the options (`['attributes', 0]` → an attribute's), read from the schema. */
function optionNamesAt(path: readonly PropertyKey[]): string[] | undefined {
  const unwrap = (schema: unknown): unknown => (schema instanceof z.ZodOptional ? schema.unwrap() : schema);
  let schema: unknown = attributesOptionsSchema;
  for (const step of path) {
    schema = unwrap(schema);
    if (schema instanceof z.ZodObject) schema = (schema.shape as Record<PropertyKey, unknown>)[step];
    else if (schema instanceof z.ZodArray) schema = schema.element;
    else return undefined;
  }
  schema = unwrap(schema);
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : undefined;
}

function parseOptions(options: unknown): ReturnType<typeof attributesOptionsSchema.parse> {
  const result = attributesOptionsSchema.safeParse(options ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  if (issue.code === 'unrecognized_keys') {
    // Name the unknown key itself, and the option it most likely meant, or those known where it stands.
    const key = issue.keys[0]!;
    const names = optionNamesAt(issue.path);
    const known = names === undefined ? '' : didYouMean(closestName(key, names)) || `; known: ${names.join(', ')}`;
    throw new OptionError(keyPath([...issue.path, key]), `unknown option${known}`);
  }
  const key = issue.path.length === 0 ? 'attributes plugin' : keyPath(issue.path);
  // A refinement's message stands alone; a type's says what came instead, and how to mend the likely slips.
  if (issue.code === 'custom') throw new OptionError(key, issue.message);
  const value = valueAtPath(options, issue.path as PropertyKey[]);
  throw new OptionError(key, `${issue.message}, got ${describeOptionValue(value)}${didYouMean(closestAllowedValue(issue, value))}${mend(issue.path as PropertyKey[], value)}`);
}

/** The likely mend of a value in the wrong shape where a list is expected: a map of attributes, or one name alone. */
function mend(path: readonly PropertyKey[], value: unknown): string {
  const [option, index] = path;
  if (option === 'attributes' && path.length === 1 && typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const [name, field] = Object.entries(value)[0] ?? ['tvg-country', 'country'];
    const spec = typeof field === 'string' ? `{ name: ${JSON.stringify(name)}, field: ${JSON.stringify(field)} }` : `{ name: ${JSON.stringify(name)}, value: … }`;
    return `: write each attribute as ${spec} in a list`;
  }
  if (option === 'attributes' && typeof index === 'number' && path.length === 2 && typeof value === 'string') {
    return value in READY_ATTRIBUTES ? `: a ready attribute goes in "ready": ["${value}"]` : `: { name: ${JSON.stringify(value)}, field: … } or value: …`;
  }
  if ((option === 'ready' || option === 'order' || option === 'comments') && path.length === 1 && typeof value === 'string') return `: a list of one is [${JSON.stringify(value)}]`;
  return '';
}

/**
 * Refuses an attribute named twice among `ready` and `attributes`: the later
 * would replace the earlier's value on every channel, so one of the two is a
 * slip (a copied entry, a ready attribute also written out). Replacing a
 * default attribute (`tvg-name`) by naming it stays allowed.
 */
function checkNamedOnce(o: ReturnType<typeof parseOptions>): void {
  const given = new Map<string, string>();
  const named = (name: string, key: string): void => {
    const earlier = given.get(name);
    if (earlier !== undefined) {
      throw new OptionError(key, `"${name}" is named twice (also in "${earlier}"): the later would replace the earlier's value on every channel; keep one`);
    }
    given.set(name, key);
  };
  (o.ready ?? []).forEach((name, i) => named(name, `ready[${i}]`));
  (o.attributes ?? []).forEach((spec, i) => named(spec.name, `attributes[${i}].name`));
}

/**
 * Adds EXTINF attributes beyond the defaults, header attributes, comment
 * lines and hierarchical groups. Values are sanitised by the writer, so
 * channel data can be used as it is.
 *
 * @throws {OptionError} naming the option that is wrong.
 * @example
 * ```ts
 * import { attributes } from '@m3ugen/attributes';
 *
 * createGenerator({
 *   plugins: [
 *     attributes({
 *       ready: ['tvg-shift', 'catchup', 'catchup-days'],
 *       attributes: [
 *         { name: 'tvg-country', value: 'DE' },
 *         { name: 'catchup-source', compute: (nc) => `http://archive.example/${nc.channel.id}?utc={utc}` },
 *       ],
 *       header: { 'x-tvg-url': 'http://epg.example/guide.xml' },
 *       groups: { separator: '/', extgrp: true },
 *     }),
 *   ],
 * });
 * ```
 */
export function attributes(options: AttributesOptions = {}): M3uPlugin {
  const o = parseOptions(options);
  checkNamedOnce(o);
  const writeEmpty = o.writeEmpty ?? false;
  const specs: CompiledSpec[] = [];
  /** The fields the attributes read, declared to the generator: one no channel has is most likely misspelt. */
  const fieldReads: FieldRead[] = [];
  const reads = (field: string, name: string): void => {
    fieldReads.push({ field, by: `attribute "${name}"`, has: hasField(field) });
  };
  for (const name of o.ready ?? []) {
    specs.push({ name, writeEmpty, valueOf: fieldReader(READY_ATTRIBUTES[name], name) });
    reads(READY_ATTRIBUTES[name], name);
  }
  for (const spec of o.attributes ?? []) {
    let valueOf: CompiledSpec['valueOf'];
    if (spec.compute !== undefined) {
      const compute: ComputeAttribute = spec.compute;
      const name = spec.name;
      valueOf = (nc, index, run) => computed(name, compute(nc, index, run));
    } else if (spec.field !== undefined) {
      valueOf = fieldReader(spec.field, spec.name);
      reads(spec.field, spec.name);
    } else {
      // A string, number or boolean (the options' schema says so): always written.
      const fixed = writtenText(spec.value) ?? '';
      valueOf = () => fixed;
    }
    specs.push({ name: spec.name, writeEmpty: spec.writeEmpty ?? writeEmpty, valueOf });
  }
  const order = o.order ?? [];
  const separator = o.groups?.separator ?? '/';
  const groupPart = o.groups?.groupTitle ?? 'full';
  const extgrp = o.groups?.extgrp === true ? 'full' : o.groups?.extgrp === false ? undefined : o.groups?.extgrp;
  const omitEmptyDefaults = o.omitEmptyDefaults ?? false;
  const rank = (name: string): number => {
    const at = order.indexOf(name);
    return at === -1 ? order.length : at;
  };
  const touchesEntries = specs.length > 0 || order.length > 0 || omitEmptyDefaults || groupPart !== 'full';

  // A `compute` function is the user's code: it may count or remember channels, or read their index.
  const noCompute = (o.attributes ?? []).every((spec) => spec.compute === undefined);
  /** Per-channel taps: without `compute`, what they add depends on the record alone (an EntryCache may move entries). */
  const tap = { name: PLUGIN, readsIndex: !noCompute };
  return {
    name: PLUGIN,
    workerSafe: noCompute,
    apply(generator) {
      for (const read of fieldReads) generator.readsField(read);
      if (touchesEntries) {
        generator.hooks.entryAttributes.tap(tap, (list, nc, index, run) => {
          let out: ExtinfAttribute[] = list;
          for (const spec of specs) {
            const value = spec.valueOf(nc, index, run);
            let existing: ExtinfAttribute | undefined;
            for (const attribute of out) {
              if (attribute.name === spec.name) {
                existing = attribute;
                break;
              }
            }
            if (existing !== undefined) existing.value = value;
            else if (value !== '' || spec.writeEmpty) out.push({ name: spec.name, value });
          }
          if (groupPart !== 'full') {
            const group = out.find((a) => a.name === 'group-title');
            if (group !== undefined) group.value = pick(group.value, separator, groupPart);
          }
          if (omitEmptyDefaults) out = out.filter((a) => a.value !== '' || !DEFAULT_NAMES.has(a.name));
          // Array.prototype.sort is stable: attributes not named in `order` keep their order.
          if (order.length > 0) out.sort((a, b) => rank(a.name) - rank(b.name));
          return out;
        });
      }
      if (extgrp !== undefined) {
        generator.hooks.extinfLine.tap(tap, (line, nc) => {
          const group = nc.channel.groupTitle;
          if (typeof group !== 'string' || group === '') return line;
          const value = sanitizeText(pick(group, separator, extgrp));
          return value === '' ? line : `${line}\n#EXTGRP:${value}`;
        });
      }
      const header = Object.entries(o.header ?? {});
      if (header.length > 0) {
        generator.hooks.headerAttributes.tap(PLUGIN, (list) => [...list, ...header.map(([name, value]) => ({ name, value: String(value) }))]);
      }
      const comments = o.comments ?? [];
      if (comments.length > 0) {
        // "# " keeps a comment from ever reading as a directive such as #EXTINF.
        generator.hooks.header.tap(PLUGIN, (text) => `${text}${comments.map((c) => `\n# ${sanitizeText(c)}`).join('')}`);
      }
    },
  };
}
