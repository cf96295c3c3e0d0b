export { presetDefault, createGenerator } from './preset.js';
/** The plugin factory, for `plugins` lists in config files. */
export { presetDefault as default } from './preset.js';
