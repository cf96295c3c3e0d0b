export type { StrategyCheckName, StrategyCheckOptions, StrategyCheckReport, StrategyCheckResult } from './check-strategy.js';
export { assertStrategy, checkStrategy, StrategyCheckError } from './check-strategy.js';
export { checkChannels } from './check-channels.js';
