export type { ExtinfTemplateOptions, PluginContext, EntryTemplateData, HeaderTemplateData } from './plugin.js';
export { extinfTemplate, DEFAULT_EXTINF_TEMPLATE, EXPLICIT_EXTINF_TEMPLATE } from './plugin.js';
export type { CompiledTemplate } from './compile.js';
export { compileTemplate, compiledTemplateCount } from './compile.js';
export { TemplateError } from './template-error.js';
/** The plugin factory, for `plugins` lists in config files. */
export { extinfTemplate as default } from './plugin.js';
