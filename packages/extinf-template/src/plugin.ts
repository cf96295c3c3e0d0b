import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { checkOptionNames, closestName, displayName, isMissing, modelFieldName, OPTIONAL_CHANNEL_FIELDS, OptionError, systemErrorReason, type FieldRead, type M3uPlugin, type NumberedChannel, type RunInfo } from '@m3ugen/core';
import { TemplateError } from './template-error.js';
import { compileTemplate, hasLiteralLineStart, literalText, templateCode, type CompiledTemplate } from './compile.js';

const PLUGIN = '@m3ugen/extinf-template';

/**
 * The default EXTINF template: exactly the default writer's line, with the
 * attribute list other plugins built (`it.attributes`).
 */
export const DEFAULT_EXTINF_TEMPLATE = '#EXTINF:-1<%= it.attributes %>,<%= it.name %>';

/** The same line with every default attribute spelled out; faster (no attribute list is built), ignores attribute plugins. */
export const EXPLICIT_EXTINF_TEMPLATE =
  '#EXTINF:-1 tvg-id="<%= it.tvgId %>" tvg-name="<%= it.tvgName %>" tvg-logo="<%= it.tvgLogo %>" tvg-chno="<%= it.number %>" group-title="<%= it.groupTitle %>",<%= it.name %>';

/** Options of {@link extinfTemplate}. Each template may be given inline or as a file. */
export interface ExtinfTemplateOptions {
  /** Template of the `#EXTINF` line (without its newline). Default {@link DEFAULT_EXTINF_TEMPLATE}. */
  readonly extinf?: string | undefined;
  readonly extinfFile?: string | undefined;
  /** Template of the URL line; `it.url` is the URL the scheme built. */
  readonly url?: string | undefined;
  readonly urlFile?: string | undefined;
  /** Template of the header; `it.header` is the default (`#EXTM3U` and header attributes). */
  readonly header?: string | undefined;
  readonly headerFile?: string | undefined;
  /** Static values for the templates, as `it.data`. */
  readonly data?: Readonly<Record<string, unknown>> | undefined;
}

const OPTION_NAMES = ['extinf', 'extinfFile', 'url', 'urlFile', 'header', 'headerFile', 'data'] as const satisfies readonly (keyof ExtinfTemplateOptions)[];

/** Where relative template files are found (the config file's folder, when loaded from a config). */
export interface PluginContext {
  readonly configDir?: string | undefined;
}

/**
 * What an entry template sees as `it`. Values are raw; every interpolation
 * is sanitised where it stands (attribute value or text).
 */
export interface EntryTemplateData {
  readonly record: NumberedChannel;
  readonly channel: NumberedChannel['channel'];
  readonly index: number;
  /** The assigned number (`tvg-chno`). */
  readonly number: number;
  /** The display name as the default writer writes it (sanitised, trimmed, never blank). */
  readonly name: string;
  readonly tvgId: string;
  readonly tvgName: string;
  readonly tvgLogo: string;
  readonly tvgShift: string;
  readonly groupTitle: string;
  readonly streamUrl: string;
  /** The stream URL (extinf templates: the final URL line; URL templates: what the URL scheme built). */
  readonly url: string;
  /**
   * The attribute list as written by default, each with its leading space.
   * Filled, like `url`, only when the template's code names it or passes `it`
   * whole to other code.
   */
  readonly attributes: string;
  readonly baseUrl: string;
  readonly proxyId: string;
  readonly data: Readonly<Record<string, unknown>>;
  /** Percent-encodes a value for use inside a URL. */
  readonly encode: (value: unknown) => string;
  readonly run: RunInfo;
}

/**
 * What a header template sees as `it`.
 *
 * @example
 * ```ts
 * extinfTemplate({ header: '<%~ it.header %> x-tvg-url="<%= it.baseUrl %>/epg.xml"' });
 * ```
 */
export interface HeaderTemplateData {
  /** The default header: `#EXTM3U` and the header attributes plugins added. */
  readonly header: string;
  readonly baseUrl: string;
  readonly proxyId: string;
  readonly data: Readonly<Record<string, unknown>>;
  readonly run: RunInfo;
}

const text = (value: unknown): string => (value === undefined || value === null ? '' : String(value));
const encode = (value: unknown): string => encodeURIComponent(text(value).toWellFormed());

function load(kind: string, inline: string | undefined, file: string | undefined, context: PluginContext): CompiledTemplate | undefined {
  if (inline !== undefined && file !== undefined) throw new OptionError(`${kind}File`, `give either "${kind}" or "${kind}File", not both`);
  if (inline !== undefined) {
    if (typeof inline !== 'string') throw new OptionError(kind, 'expected a template string');
    // As a file's: a TOML multi-line string (`extinf = """…"""`) ends with one too.
    return compileTemplate(inline.replace(/\r?\n$/, ''), `${kind} template (inline)`);
  }
  if (file === undefined) return undefined;
  const path = isAbsolute(file) ? file : resolve(context.configDir ?? process.cwd(), file);
  let source: string;
  try {
    source = readFileSync(path, 'utf8');
  } catch (error) {
    // Said as the input's and the config's read failures are, with where a relative name was looked for.
    const where = path === file ? '' : ` (at ${path})`;
    throw new OptionError(`${kind}File`, `cannot read the template ${JSON.stringify(file)}${where}: ${systemErrorReason(error, 'no such file')}`, { cause: error });
  }
  // Editors end files with a newline; the template is one line's text.
  return compileTemplate(source.replace(/\r?\n$/, ''), `${kind} template "${file}"`);
}

/**
 * Renders the `#EXTINF` line (and optionally the URL line and the header)
 * from eta templates. Each template is compiled once per process; eta's
 * HTML escaping is off and M3U structure safety is applied to every
 * interpolated value instead. Literal template text is trusted: a template
 * may deliberately add lines. Errors name the template and line.
 *
 * @example
 * ```ts
 * extinfTemplate({
 *   extinf: '#EXTINF:-1 tvg-id="<%= it.tvgId %>" tvg-chno="<%= it.number %>" group-title="<%= it.groupTitle %>",<%= it.number %>. <%= it.name %>',
 *   url: '<%= it.baseUrl %>/live/<%= it.encode(it.channel.id) %>.ts?token=<%= it.data.token %>',
 *   data: { token: 's3cret' },
 * });
 * ```
 */
export function extinfTemplate(options: ExtinfTemplateOptions = {}, context: PluginContext = {}): M3uPlugin {
  // A misspelt option (`extinfFiel`) would otherwise be dropped without a word, leaving the default template.
  checkOptionNames(options, OPTION_NAMES);
  const extinf = load('extinf', options.extinf, options.extinfFile, context) ?? compileTemplate(DEFAULT_EXTINF_TEMPLATE, 'extinf template (default)');
  // Literal lines are the template's to choose, but one of them must be the entry's #EXTINF line.
  if (!hasLiteralLineStart(extinf.source, '#EXTINF:')) throw new TemplateError(extinf.name, undefined, 'no line starts with "#EXTINF:": each channel needs its #EXTINF line');
  const url = load('url', options.url, options.urlFile, context);
  if (url !== undefined) refuseUrlLayout(url);
  const data = Object.freeze({ ...options.data });
  for (const template of [extinf, url]) if (template !== undefined) refuseInputSpellings(template);
  for (const template of [extinf, url]) if (template !== undefined) refuseUnknownValues(template, ENTRY_VALUES, data, 'on every channel');
  const header = load('header', options.header, options.headerFile, context);
  if (header !== undefined) refuseUnknownValues(header, HEADER_VALUES, data, 'in every playlist');
  const fieldReads = [extinf, url].flatMap((template) => (template === undefined ? [] : fieldsReadBy(template)));
  const code = templateCode(extinf.source);
  const wantsAttributes = mayRead(code, 'attributes');
  const wantsUrl = mayRead(code, 'url');
  // Templates that cannot read `it.index` give an entry from its record alone (an EntryCache may move entries).
  const readsIndex = mayRead(code, 'index') || (url !== undefined && mayRead(templateCode(url.source), 'index'));
  const runValues = perRun();

  return {
    name: PLUGIN,
    // Templates render from the entry's data; `lastUrl` lives only from a channel's URL to its line.
    workerSafe: true,
    apply(generator) {
      for (const read of fieldReads) generator.readsField(read);
      // The URL is built before the EXTINF line (rendering is synchronous per channel), so it can be kept for it.
      let lastUrl = '';
      if (url !== undefined || wantsUrl) {
        generator.hooks.streamUrl.tap({ name: PLUGIN, stage: 1000, readsIndex }, (built, nc, index, run) => {
          lastUrl = url === undefined ? built : url.render(new EntryData(nc, index, run, displayName(nc.channel, nc.assignedNumber), built, '', data, runValues(run)));
          return lastUrl;
        });
      }
      // Stage -1000: the template sees the writer's own line and other plugins see the template's.
      generator.hooks.extinfLine.tap({ name: PLUGIN, stage: -1000, readsIndex }, (line, nc, index, run) => {
        const name = displayName(nc.channel, nc.assignedNumber);
        const attributes = wantsAttributes ? attributesOf(line, name) : '';
        return extinf.render(new EntryData(nc, index, run, name, lastUrl, attributes, data, runValues(run)));
      });
      if (header !== undefined) {
        generator.hooks.header.tap({ name: PLUGIN, stage: -1000 }, (defaultHeader, run) => {
          const { baseUrl, proxyId } = runValues(run);
          const values: HeaderTemplateData = { header: defaultHeader, baseUrl, proxyId, data, run };
          return header.render(values);
        });
      }
    },
  };
}

/** What an entry (EXTINF or URL) template's `it` has: {@link EntryTemplateData}. */
const ENTRY_VALUES = Object.freeze([
  'name', 'number', 'tvgId', 'tvgName', 'tvgLogo', 'tvgShift', 'groupTitle', 'streamUrl', 'url', 'attributes',
  'channel', 'record', 'index', 'baseUrl', 'proxyId', 'data', 'run', 'encode',
] satisfies readonly (keyof EntryTemplateData)[]);

/** What a header template's `it` has: {@link HeaderTemplateData}. */
const HEADER_VALUES = Object.freeze(['header', 'baseUrl', 'proxyId', 'data', 'run'] satisfies readonly (keyof HeaderTemplateData)[]);

/** One step of a read by dot: `.`, or `?.`, spaces allowed around it. */
const DOT = '\\s*\\??\\.\\s*';

/**
 * Reads of `it.a.b…` by dot, not of a property of something else called
 * `it` (`x.it.name`): with `next`, every read past the path, capturing the
 * name read (`it.name` for `['it']`); without, the first read of exactly the
 * path.
 */
function reads(path: readonly string[], next: boolean): RegExp {
  const names = path.map((name) => name.replace(/\$/g, '\\$')).join(DOT);
  return next ? new RegExp(`(?<![\\w$.])${names}${DOT}([A-Za-z_$][\\w$]*)`, 'g') : new RegExp(`(?<![\\w$.])${names}(?![\\w$])`);
}

/** A value read from `it` (`it.name`, `it?.name`). */
const IT_READ = reads(['it'], true);

/** The one-based line of the first match of `pattern` in `source`, or `undefined` without one. */
function lineOf(source: string, pattern: RegExp): number | undefined {
  const at = source.search(pattern);
  return at === -1 ? undefined : source.slice(0, at).split('\n').length;
}

/** A value read from `it.data` (`it.data.token`, `it?.data?.token`). */
const DATA_READ = reads(['it', 'data'], true);

/**
 * Refuses a template reading a value `it` does not have (`it.nmae`,
 * `it.tvgChno`), or a name `data` was not given (`it.data.tokn`): it would
 * be empty on every channel, without a word.
 */
function refuseUnknownValues(template: CompiledTemplate, values: readonly string[], data: Readonly<Record<string, unknown>>, everywhere: string): void {
  const code = templateCode(template.source);
  const unknown = [...code.matchAll(IT_READ)].find((read) => !values.includes(read[1]!));
  if (unknown !== undefined) {
    const name = unknown[1]!;
    const meant = closestName(name, values) ?? (name === 'tvgChno' ? 'number' : undefined);
    const hint = meant === undefined ? `it has ${values.join(', ')}` : `did you mean it.${meant}?`;
    throw new TemplateError(template.name, lineOf(template.source, reads(['it', name], false)), `it.${name} is not a template value, so it would be empty ${everywhere}: ${hint}`);
  }
  if (!values.includes('data')) return;
  const names = Object.keys(data);
  const missing = [...code.matchAll(DATA_READ)].find((read) => !(read[1]! in data));
  if (missing === undefined) return;
  const name = missing[1]!;
  const meant = closestName(name, names);
  const hint = meant !== undefined ? `did you mean it.data.${meant}?` : names.length === 0 ? `give it in the "data" option (data: { ${name}: … })` : `"data" has ${names.join(', ')}`;
  throw new TemplateError(template.name, lineOf(template.source, reads(['it', 'data', name], false)), `it.data.${name} is not in the "data" option, so it would be empty ${everywhere}: ${hint}`);
}

/**
 * Refuses a URL template whose own text would spoil every URL line: a line
 * break (written as a space inside the URL, since a channel's URL is one
 * line), or white space before or after the URL.
 */
function refuseUrlLayout(template: CompiledTemplate): void {
  const pieces = literalText(template.source);
  if (pieces.some((piece) => piece !== undefined && /[\r\n]/.test(piece))) {
    throw new TemplateError(template.name, undefined, 'its text has a line break, which would be written as a space inside every URL: a URL template is one line');
  }
  const first = pieces[0];
  const last = pieces.at(-1);
  if ((first !== undefined && /^\s/.test(first)) || (last !== undefined && /\s$/.test(last))) {
    throw new TemplateError(template.name, undefined, 'its text starts or ends with white space, which would stand around every URL: remove it');
  }
}

/** A field read from `it.channel`, `it.record` or `it.record.channel`, by dot or by a quoted key. */
const FIELD_READ = new RegExp(`\\bit\\s*\\??\\.\\s*(record\\s*\\??\\.\\s*channel|record|channel)\\s*(?:\\??\\.\\s*|(?:\\?\\.)?\\[\\s*['"\`])([A-Za-z_$][\\w$]*)`, 'g');

/**
 * Refuses a template reading a known field by its input spelling
 * (`it.channel.tvg_logo`): records are read into the camelCase model, so it
 * would be empty on every channel, without a word.
 */
function refuseInputSpellings(template: CompiledTemplate): void {
  const found = [...templateCode(template.source).matchAll(FIELD_READ)].find((read) => modelFieldName(read[2]!) !== undefined);
  if (found === undefined) return;
  const [, path, field] = found as unknown as [string, string, string];
  const owner = path.endsWith('channel') ? 'channel' : 'record';
  const camel = modelFieldName(field)!;
  const line = lineOf(template.source, new RegExp(`\\b${field}\\b`));
  const shortcut = camel === 'assignedNumber' ? 'it.number' : camel === 'channelName' ? 'it.name' : camel === 'tvgChno' ? undefined : `it.${camel}`;
  const model = owner === 'record' && camel !== 'assignedNumber' ? `it.record.channel.${camel}` : `it.${owner}.${camel}`;
  const instead = shortcut === undefined ? model : `${model}, or ${shortcut}`;
  throw new TemplateError(template.name, line, `${field} is read by its input spelling, which is always empty here: records are read into camelCase fields (${instead})`);
}

/** The model's own fields, by their names in `it.channel` and `it.record`: the run checks these itself. */
const MODEL_CHANNEL_FIELDS: ReadonlySet<string> = new Set(['id', 'channelName', ...OPTIONAL_CHANNEL_FIELDS.map((f) => f.camel)]);
const MODEL_RECORD_FIELDS: ReadonlySet<string> = new Set(['assignedNumber', 'channel']);

/**
 * The input fields beyond the model's that an entry template reads
 * (`it.channel.country`, `it.record.source`), for `generator.readsField`:
 * one that no channel of a run has is a warning, as a misspelt name leaves
 * its text empty on every channel.
 */
function fieldsReadBy(template: CompiledTemplate): FieldRead[] {
  const fields = new Map<string, FieldRead>();
  for (const [, path, field] of templateCode(template.source).matchAll(FIELD_READ) as Iterable<[string, string, string]>) {
    const onRecord = path === 'record';
    if ((onRecord ? MODEL_RECORD_FIELDS : MODEL_CHANNEL_FIELDS).has(field) || fields.has(field)) continue;
    const has = onRecord
      ? (nc: NumberedChannel): boolean => Object.hasOwn(nc, field) && !isMissing((nc as unknown as Record<string, unknown>)[field])
      : (nc: NumberedChannel): boolean => Object.hasOwn(nc.channel, field) && !isMissing(nc.channel[field]);
    fields.set(field, { field, by: template.name, has });
  }
  return [...fields.values()];
}

/**
 * Whether an entry template whose code (see `templateCode`) is `code` may
 * read `it[field]`, for the fields that cost something to fill: its code names the field, or hands `it` itself to code
 * that could read any field (`JSON.stringify(it)`, `it[key]`, a helper in
 * `data` called as `it.data.show(it)`). Errs towards yes: a wrong yes costs
 * time, a wrong no an empty value.
 */
function mayRead(code: string, field: string): boolean {
  return code.includes(field) || /\bit\b(?!\s*\??\.\s*[A-Za-z_$])/.test(code) || /\barguments\b/.test(code);
}

const LINE_START = '#EXTINF:-1';

/**
 * The attribute list of the writer's line: `#EXTINF:-1` + attributes + `,` + name.
 * Taking it from the line costs a slice, where asking for the list would make
 * the writer build an array of attribute objects for every channel.
 */
function attributesOf(line: string, name: string): string {
  const comma = line.length - name.length - 1;
  if (line.startsWith(LINE_START) && line.charCodeAt(comma) === 44 && line.endsWith(name)) return line.slice(LINE_START.length, comma);
  throw new Error('the #EXTINF line was changed before the template saw it; tap extinfLine after the template (stage > -1000)');
}

interface RunValues {
  readonly baseUrl: string;
  readonly proxyId: string;
}

/** Values that are the same for every channel of a run, computed once per run. */
function perRun(): (run: RunInfo) => RunValues {
  let last: RunInfo | undefined;
  let values: RunValues = { baseUrl: '', proxyId: '' };
  return (run) => {
    if (run !== last) {
      last = run;
      values = { baseUrl: run.options.baseUrl.replace(/\/+$/, ''), proxyId: text(run.options.proxyId) };
    }
    return values;
  };
}

/** `it` of an entry template: fields are computed when a template reads them. */
class EntryData implements EntryTemplateData {
  readonly record: NumberedChannel;
  readonly index: number;
  readonly run: RunInfo;
  readonly name: string;
  readonly url: string;
  readonly attributes: string;
  readonly data: Readonly<Record<string, unknown>>;
  readonly #values: RunValues;

  constructor(record: NumberedChannel, index: number, run: RunInfo, name: string, url: string, attributes: string, data: Readonly<Record<string, unknown>>, values: RunValues) {
    this.record = record;
    this.index = index;
    this.run = run;
    this.name = name;
    this.url = url;
    this.attributes = attributes;
    this.data = data;
    this.#values = values;
  }

  get channel(): NumberedChannel['channel'] {
    return this.record.channel;
  }
  get number(): number {
    return this.record.assignedNumber;
  }
  get tvgId(): string {
    return text(this.record.channel.tvgId);
  }
  get tvgName(): string {
    return text(this.record.channel.tvgName);
  }
  get tvgLogo(): string {
    return text(this.record.channel.tvgLogo);
  }
  get tvgShift(): string {
    return text(this.record.channel.tvgShift);
  }
  get groupTitle(): string {
    return text(this.record.channel.groupTitle);
  }
  get streamUrl(): string {
    return text(this.record.channel.streamUrl);
  }
  get baseUrl(): string {
    return this.#values.baseUrl;
  }
  get proxyId(): string {
    return this.#values.proxyId;
  }
  get encode(): (value: unknown) => string {
    return encode;
  }
}
