export type { AttributesOptions, ComputeAttribute, ReadyAttribute } from './options.js';
export { attributesOptionsSchema, READY_ATTRIBUTES } from './options.js';
export { readField, fieldReader, hasField } from './field.js';
export { attributes } from './plugin.js';
/** The plugin factory, for `plugins` lists in config files. */
export { attributes as default } from './plugin.js';
