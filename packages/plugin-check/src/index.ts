export type { CheckReport, CheckResult } from './report.js';
export { CheckError } from './report.js';
export type { StrategyCheckName, StrategyCheckOptions } from './check-strategy.js';
export { assertStrategy, checkStrategy } from './check-strategy.js';
export type { PluginCheckName, PluginCheckOptions } from './check-plugin.js';
export { assertPlugin, checkPlugin } from './check-plugin.js';
export { playlistStructureProblems } from './structure.js';
export { checkChannels, HOSTILE_TEXTS } from './check-channels.js';
