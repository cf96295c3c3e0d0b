export { main } from './main.js';
export type { CommandIo, MetricsReport } from './commands/generate.js';
export { publishAtomically, removeStaleTemporaries } from './publish.js';
export { UsageError, USAGE } from './args.js';
