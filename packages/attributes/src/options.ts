import type { NumberedChannel, RunInfo } from '@m3ugen/core';
import { z } from 'zod';

/** Attributes IPTV clients read, ready to take from the channel field of the same (snake_case) name. */
export const READY_ATTRIBUTES = Object.freeze({
  'tvg-shift': 'tvg_shift',
  'tvg-country': 'tvg_country',
  'tvg-language': 'tvg_language',
  'tvg-rec': 'tvg_rec',
  catchup: 'catchup',
  'catchup-days': 'catchup_days',
  'catchup-source': 'catchup_source',
  timeshift: 'timeshift',
  radio: 'radio',
} as const);

/** Name of a ready attribute. */
export type ReadyAttribute = keyof typeof READY_ATTRIBUTES;

/** Computes an attribute's value for one channel; `""`, `undefined` or `null` mean "empty". */
export type ComputeAttribute = (channel: NumberedChannel, index: number, run: RunInfo) => string | number | boolean | null | undefined;

const NAME = z.string({ error: 'expected an attribute name' }).regex(/^[A-Za-z0-9_.:-]+$/, { error: 'expected an attribute name of letters, digits, "-", "_", "." or ":"' });
const PART = z.enum(['full', 'first', 'last'], { error: 'expected "full", "first" or "last"' });

const attributeSpec = z
  .strictObject(
    {
    name: NAME,
    value: z.union([z.string(), z.number(), z.boolean()], { error: 'expected a string, number or boolean' }).optional(),
    field: z.string({ error: 'expected a field name' }).min(1, { error: 'expected a field name' }).optional(),
    compute: z.custom<ComputeAttribute>((v) => typeof v === 'function', { error: 'expected a function' }).optional(),
    writeEmpty: z.boolean({ error: 'expected true or false' }).optional(),
    },
    { error: 'expected an attribute: { name, and one of value, field or compute }' },
  )
  .refine((spec) => [spec.value, spec.field, spec.compute].filter((v) => v !== undefined).length === 1, {
    error: 'give exactly one of "value", "field" or "compute"',
  });

/** Options of the attributes plugin (from code, or a config's `plugins` entry). */
export const attributesOptionsSchema = z.strictObject({
  /** Ready attributes, each read from its channel field (`catchup-days` ← `catchup_days`). */
  ready: z
    .array(z.enum(Object.keys(READY_ATTRIBUTES) as [ReadyAttribute, ...ReadyAttribute[]], { error: `expected one of ${Object.keys(READY_ATTRIBUTES).join(', ')}` }), {
      error: 'expected a list of ready attribute names',
    })
    .optional(),
  /** Custom attributes, after the defaults and ready ones; one naming an existing attribute replaces its value. */
  attributes: z.array(attributeSpec, { error: 'expected a list of attributes, each { name, and one of value, field or compute }' }).optional(),
  /** Attribute names to put first, in this order; the rest keep theirs. */
  order: z.array(NAME, { error: 'expected a list of attribute names' }).optional(),
  /** Write custom and ready attributes whose value is empty (default: leave them out). */
  writeEmpty: z.boolean({ error: 'expected true or false' }).optional(),
  /** Leave out default attributes (tvg-id, tvg-name, tvg-logo, group-title) that are empty. */
  omitEmptyDefaults: z.boolean({ error: 'expected true or false' }).optional(),
  /** `#EXTM3U` attributes, e.g. `{ "x-tvg-url": "http://epg.example/guide.xml" }`. */
  header: z
    .record(NAME, z.union([z.string(), z.number()], { error: 'expected a string or number' }), { error: 'expected a table of header attributes, e.g. { "x-tvg-url": "https://epg.example/guide.xml" }' })
    .optional(),
  /** Comment lines after the header (each written as `# text`). */
  comments: z.array(z.string({ error: 'expected a string' }), { error: 'expected a list of comment lines' }).optional(),
  /** Hierarchical groups such as `Sports/Football`. */
  groups: z
    .strictObject({
      separator: z.string({ error: 'expected a non-empty string' }).min(1, { error: 'expected a non-empty string' }).optional(),
      /** Which part goes into group-title (default `full`). */
      groupTitle: PART.optional(),
      /** Also write an `#EXTGRP:` line after the `#EXTINF` line: `true` (= `full`) or the part. */
      extgrp: z.union([z.boolean(), PART], { error: 'expected true, false, "full", "first" or "last"' }).optional(),
    }, { error: 'expected a table: { separator, groupTitle, extgrp }' })
    .optional(),
}, { error: 'expected the options object' });

/** Options of {@link attributes}. */
export type AttributesOptions = z.input<typeof attributesOptionsSchema>;
