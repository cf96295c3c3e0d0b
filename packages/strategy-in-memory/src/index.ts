export { inMemoryM3uStrategy, inMemoryContract, inMemoryStrategy } from './in-memory-strategy.js';
/** The plugin factory, for `plugins` lists in config files. */
export { inMemoryStrategy as default } from './in-memory-strategy.js';
