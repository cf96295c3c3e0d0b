export { parseBaseUrl } from './base-url.js';
export { parseProxyId } from './proxy-id.js';
export { encodeChannelId } from './channel-id.js';
export { MISSING_PROXY_ID_MESSAGE, proxyUrlScheme } from './proxy-scheme.js';
export { directUrlScheme } from './direct-scheme.js';
export { patternUrlScheme } from './pattern-scheme.js';
export type { UrlBuilderOptions } from './plugin.js';
export { urlBuilder } from './plugin.js';
/** The plugin factory, for `plugins` lists in config files. */
export { urlBuilder as default } from './plugin.js';
