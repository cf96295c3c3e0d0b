export { main } from './main.js';
export type { CommandIo, MetricsReport } from './commands/generate.js';
export type { PublishOptions } from './publish.js';
export { checkPublishable, publishAtomically, removeStaleTemporaries } from './publish.js';
export { UsageError, USAGE } from './args.js';
export type { UsageErrorOptions } from './args.js';
export { holdYoungGeneration, YOUNG_GENERATION_CAP_BYTES } from './young-generation.js';
