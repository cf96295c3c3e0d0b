import { closestName, InputError, isMissing, lineBreakAt, OptionError, sanitizeText, type NumberedChannel, type UrlScheme } from '@m3ugen/core';
import { parseBaseUrl } from './base-url.js';
import { encodeChannelId } from './channel-id.js';
import { parseProxyId } from './proxy-id.js';

type Part = string | ((nc: NumberedChannel, index: number) => string);

/** Placeholders that read a channel field, and the field. */
const CHANNEL_FIELDS: Readonly<Record<string, string>> = { channel_id: 'id', tvg_id: 'tvgId', stream_url: 'streamUrl' };

const PLACEHOLDER = /\{([a-z_][a-z0-9_]*)\}/gi;

/**
 * Refuses an operator's pattern or parameter with a control character (a
 * multi-line TOML string, a pasted tab) before the run: the writer would
 * turn it into a space, a URL the operator did not write. A space is
 * refused too: no URL holds one, and a player cuts the URL there or fails.
 */
function checkLineSafe(key: string, value: string): void {
  const at = lineBreakAt(value);
  if (at !== -1) {
    const code = `U+${value.charCodeAt(at).toString(16).toUpperCase().padStart(4, '0')}`;
    throw new OptionError(key, `holds a control character or line break (${code} at character ${at + 1}), which a URL cannot hold`);
  }
  const space = value.indexOf(' ');
  if (space !== -1) throw new OptionError(key, `holds a space (at character ${space + 1}), which a URL cannot hold: write it as %20`);
}

/**
 * A placeholder of a channel field, percent-encoded. Required, since without
 * it the URL has a hole (`/live/.m3u8`) that plays nothing: an error naming
 * the channel and the field, as the direct scheme's for a missing
 * `stream_url`.
 */
function requiredField(inputName: 'tvg_id' | 'stream_url', field: 'tvgId' | 'streamUrl'): (nc: NumberedChannel, index: number) => string {
  return (nc, index) => {
    const value = nc.channel[field];
    // The placeholder is the field's input name.
    if (isMissing(value)) throw new InputError(`required by the URL pattern ({${inputName}}), but missing`, { index, field: `channel.${inputName}` });
    return encodeURIComponent(String(value).toWellFormed());
  };
}

/**
 * The parts with each run of fixed text joined and made line-safe once, so
 * the writer need not check every URL: the per-channel parts are ASCII
 * (percent-encoded values, digits), which no surrogate pairs with, so each
 * run comes out as the writer's `sanitizeText` of the whole URL would make
 * it (a lone surrogate in the pattern or the base URL becomes U+FFFD).
 */
function safeParts(parts: readonly Part[]): Part[] {
  const safe: Part[] = [];
  let text = '';
  for (const part of parts) {
    if (typeof part === 'string') text += part;
    else {
      if (text !== '') safe.push(sanitizeText(text));
      text = '';
      safe.push(part);
    }
  }
  if (text !== '') safe.push(sanitizeText(text));
  return safe;
}

/**
 * A URL pattern, e.g. `{base_url}/live/{channel_id}.ts?token={token}`.
 * Placeholders: `{base_url}`, `{proxy_id}`, `{channel_id}` (percent-encoded
 * when needed), `{assigned_number}`, `{tvg_id}` and `{stream_url}` (the
 * channel's upstream URL, for a relay: `http://relay/play?u={stream_url}`),
 * both percent-encoded, and required (a channel without one is an error,
 * not a URL with a hole), and any
 * name given in `urlOptions.params` (inserted as written, so a token can
 * carry its own encoding). The pattern is compiled once per run; an unknown
 * placeholder is an error naming it.
 *
 * @example
 * ```ts
 * createGenerator({ urlScheme: 'pattern', urlOptions: { pattern: '{base_url}/live/{channel_id}.ts?token={token}', params: { token: 's3cret' } } });
 * ```
 */
export const patternUrlScheme: UrlScheme = Object.freeze<UrlScheme>({
  name: 'pattern',
  description: 'a URL pattern with {placeholders}',
  optionNames: ['pattern', 'params'],
  create(run) {
    const pattern = run.options.urlOptions['pattern'];
    if (typeof pattern !== 'string' || pattern === '') {
      throw new OptionError('url.pattern', 'the pattern URL scheme needs a pattern, e.g. "{base_url}/live/{channel_id}.ts?token={token}"');
    }
    checkLineSafe('url.pattern', pattern);
    const params = (run.options.urlOptions['params'] ?? {}) as Record<string, unknown>;
    for (const [name, value] of Object.entries(params)) checkLineSafe(`url.params.${name}`, String(value));
    const fixed: Record<string, () => string> = {
      base_url: () => parseBaseUrl(run.options.baseUrl, 'baseUrl'),
      proxy_id: () => {
        if (run.options.proxyId === undefined) throw new OptionError('proxyId', 'the URL pattern uses {proxy_id}, but no proxy ULID is set');
        // Checked as the proxy scheme checks it (a config's is checked when read, a program's only here).
        return parseProxyId(run.options.proxyId, 'proxyId');
      },
    };
    const perChannel: Record<string, (nc: NumberedChannel, index: number) => string> = {
      channel_id: (nc) => encodeChannelId(nc.channel.id),
      assigned_number: (nc) => String(nc.assignedNumber),
      tvg_id: requiredField('tvg_id', 'tvgId'),
      stream_url: requiredField('stream_url', 'streamUrl'),
    };
    const parts: Part[] = [];
    let last = 0;
    for (const match of pattern.matchAll(PLACEHOLDER)) {
      const name = match[1]!;
      parts.push(pattern.slice(last, match.index));
      last = match.index + match[0].length;
      const compute = perChannel[name];
      if (compute !== undefined) parts.push(compute);
      else if (fixed[name] !== undefined) parts.push(fixed[name]());
      else if (Object.hasOwn(params, name)) parts.push(sanitizeText(String(params[name])));
      else {
        const names = [...Object.keys(fixed), ...Object.keys(perChannel), ...Object.keys(params)];
        const meant = closestName(name, names);
        const hint = meant === undefined ? '' : ` (did you mean {${meant}}?)`;
        throw new OptionError('url.pattern', `unknown placeholder {${name}}${hint}; known: ${names.map((n) => `{${n}}`).join(', ')}`);
      }
    }
    parts.push(pattern.slice(last));
    const compiled = safeParts(parts);
    const build = (nc: NumberedChannel, index: number): string => {
      let url = '';
      for (const part of compiled) url += typeof part === 'string' ? part : part(nc, index);
      return url;
    };
    // The placeholders name every channel field the URL reads (for EntryCache).
    const reads = [...new Set([...pattern.matchAll(PLACEHOLDER)].map((m) => CHANNEL_FIELDS[m[1]!]).filter((f) => f !== undefined))];
    return Object.assign(build, { reads, lineSafe: true });
  },
});
