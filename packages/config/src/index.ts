export type { ConfigProblem } from './config-error.js';
export { ConfigError } from './config-error.js';
export type { M3ugenConfig, PluginEntry } from './schema.js';
export { configSchemas, defineConfig } from './schema.js';
export type { LoadedConfig } from './load.js';
export { loadConfig, validateConfig, CONFIG_SEARCH_PLACES } from './load.js';
export type { PluginFactory, PluginFactoryContext, ResolvePluginsOptions } from './plugins.js';
export { resolvePlugins } from './plugins.js';
export { configKeyOfOption, toGenerateOptions } from './options.js';
