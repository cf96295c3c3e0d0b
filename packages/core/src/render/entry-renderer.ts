/*
 * Where a channel becomes bytes. Every strategy calls the renderer made here,
 * which is why all strategies, and every mid-run switch, write the same bytes.
 */
import { RECORD_LINE, type NumberedChannel } from '../channel/model.js';
import { InputError } from '../errors.js';
import { isTapped, type GenerationHooks } from '../hooks/hooks.js';
import type { RunInfo } from '../run/run-info.js';
import { FingerprintSet, NumberSet } from '../run/duplicates.js';
import type { EntryCache } from '../run/entry-cache.js';
import type { WarningLog } from '../run/warnings.js';
import { formatAttributes, type ExtinfAttribute } from './attributes.js';
import { displayName, sanitizeAttributeValue, sanitizeName, sanitizeText } from './sanitize.js';
import type { StreamUrlBuilder } from './url-scheme.js';

/** Renders one channel: its `#EXTINF` line and its URL line, each ending in `\n`; `""` when dropped. */
export type EntryRenderer = (channel: NumberedChannel, index: number) => string;

/** What the renderer needs from the run. */
export interface RenderContext {
  readonly hooks: GenerationHooks;
  readonly run: RunInfo;
  readonly warnings: WarningLog;
  readonly buildUrl: StreamUrlBuilder;
  /** Channels rendered (dropped ones included) and dropped by a plugin, counted for the metrics. */
  readonly counts: { rendered: number; dropped: number };
  /** The input's name, for error messages. */
  readonly sourceName?: string | undefined;
  /** Entries of earlier runs to reuse when a channel is unchanged. */
  readonly cache?: EntryCache | undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Same test as sanitizeText's fast path, for URLs. */
const UNSAFE_URL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ud800-\udfff]/;

/** The default attribute names, in contract order, with the input field each one reads. */
const DEFAULT_ATTRIBUTE_FIELDS = [
  ['tvg-id', 'tvgId', 'tvg_id'],
  ['tvg-name', 'tvgName', 'tvg_name'],
  ['tvg-logo', 'tvgLogo', 'tvg_logo'],
  ['tvg-chno', '', 'assigned_number'],
  ['group-title', 'groupTitle', 'group_title'],
] as const;

/** Throws an InputError naming the input, the record (line when a reader recorded it, else index) and the field. */
function fail(nc: unknown, index: number, field: string, reason: string, sourceName?: string): never {
  const line = typeof nc === 'object' && nc !== null ? (nc as { [RECORD_LINE]?: unknown })[RECORD_LINE] : undefined;
  throw new InputError(reason, { file: sourceName, line: typeof line === 'number' ? line : undefined, index, field });
}

/** Checks what the TypeScript types promise, for plain-JavaScript callers. Fields are named as in the interchange format. */
function checkRequired(nc: NumberedChannel, index: number, sourceName: string | undefined): void {
  if (typeof nc !== 'object' || nc === null) fail(nc, index, '(record)', 'expected a channel record (an object)', sourceName);
  const channel = nc.channel;
  if (typeof channel !== 'object' || channel === null) fail(nc, index, 'channel', 'expected an object', sourceName);
  if (typeof channel.id !== 'string' || channel.id === '') fail(nc, index, 'channel.id', 'expected a non-empty string', sourceName);
  if (typeof channel.channelName !== 'string' || channel.channelName === '') {
    fail(nc, index, 'channel.channel_name', 'expected a non-empty string', sourceName);
  }
  const n = nc.assignedNumber;
  if (!Number.isSafeInteger(n) || n < 0) fail(nc, index, 'assigned_number', `expected an integer >= 0, got ${String(n)}`, sourceName);
}

/**
 * Builds the renderer of one run. Decides once which hooks are tapped: with
 * none, each channel is one string concatenation and nothing else is
 * allocated; with taps, the general path runs them in order: channel →
 * dropChannel → entryAttributes → streamUrl → extinfLine.
 */
export function createEntryRenderer(context: RenderContext): EntryRenderer {
  const { hooks, run, warnings, buildUrl, counts, sourceName } = context;
  const strict = run.options.strict;
  const ids = run.options.checkDuplicates ? new FingerprintSet() : undefined;
  const numbers = run.options.checkDuplicates ? new NumberSet() : undefined;

  const missing = (index: number, field: string): string => {
    warnings.add('missing-field', field, index, () => `channel at index ${index}: ${field} is missing; written as ""`);
    return '';
  };
  /** An optional field's text as is, or `""` with a missing-field warning. */
  const present = (value: unknown, index: number, field: string): string => {
    if (typeof value === 'string') return value === '' ? missing(index, field) : value;
    return value === undefined || value === null ? missing(index, field) : String(value);
  };
  const attribute = (value: unknown, index: number, field: string): string => sanitizeAttributeValue(present(value, index, field));
  /** Uniqueness of id and number across the run (reused entries are counted too). */
  const checkUnique = (nc: NumberedChannel, index: number): void => {
    const id = nc.channel.id;
    if (ids !== undefined && !ids.add(id)) {
      fail(nc, index, 'channel.id', `duplicate channel id ${JSON.stringify(id)}: an earlier record has the same id`, sourceName);
    }
    if (numbers !== undefined && !numbers.add(nc.assignedNumber)) {
      fail(nc, index, 'assigned_number', `duplicate channel number ${nc.assignedNumber}: an earlier record has the same number`, sourceName);
    }
  };
  /** Required fields, UUID-ness of the id, and uniqueness of id and number. */
  const check = (nc: NumberedChannel, index: number): void => {
    checkRequired(nc, index, sourceName);
    const id = nc.channel.id;
    if (!UUID.test(id)) {
      if (strict) fail(nc, index, 'channel.id', `expected a UUID (strict mode), got ${JSON.stringify(id)}`, sourceName);
      warnings.add('non-uuid-id', 'id', index, () => `channel at index ${index}: id ${JSON.stringify(id)} is not a UUID`);
    }
    checkUnique(nc, index);
  };
  const name = (nc: NumberedChannel, index: number): string => {
    const clean = sanitizeName(nc.channel.channelName);
    if (clean !== '') return clean;
    warnings.add('blank-name', 'channel_name', index, () => `channel at index ${index}: channel_name is blank; written as its tvg-name or id`);
    return displayName(nc.channel);
  };
  const url = (nc: NumberedChannel, index: number): string => {
    const built = buildUrl(nc, index);
    const line = UNSAFE_URL.test(built) ? sanitizeText(built) : built;
    if (line === '') fail(nc, index, 'channel.id', 'the URL scheme built an empty stream URL', sourceName);
    return line;
  };

  const tapped = {
    channel: isTapped(hooks.channel),
    drop: isTapped(hooks.dropChannel),
    attributes: isTapped(hooks.entryAttributes),
    url: isTapped(hooks.streamUrl),
    extinf: isTapped(hooks.extinfLine),
  };

  /** The contract's default `#EXTINF` line, without newline. */
  const defaultLine = (nc: NumberedChannel, index: number): string => {
    const ch = nc.channel;
    return (
      '#EXTINF:-1 tvg-id="' +
      attribute(ch.tvgId, index, 'tvg_id') +
      '" tvg-name="' +
      attribute(ch.tvgName, index, 'tvg_name') +
      '" tvg-logo="' +
      attribute(ch.tvgLogo, index, 'tvg_logo') +
      '" tvg-chno="' +
      nc.assignedNumber +
      '" group-title="' +
      attribute(ch.groupTitle, index, 'group_title') +
      '",' +
      name(nc, index)
    );
  };

  const render = !tapped.channel && !tapped.drop && !tapped.attributes && !tapped.url && !tapped.extinf ? renderPlain : renderWithHooks;
  const cache = context.cache;
  if (cache === undefined) return render;
  return (nc, index) => {
    const reused = cache.lookup(nc, index);
    if (reused === undefined) {
      let captured: ReturnType<typeof warnings.stopCapture>;
      let text: string;
      warnings.startCapture();
      try {
        text = render(nc, index);
      } finally {
        captured = warnings.stopCapture();
      }
      cache.store(nc, index, text, captured);
      return text;
    }
    counts.rendered++;
    if (reused.text === '') counts.dropped++;
    else checkUnique(nc, index);
    for (const w of reused.warnings ?? []) warnings.add(w.code, w.field, index, () => w.message);
    return reused.text;
  };

  /** The hot path: no hook to consult, one string expression per channel. */
  function renderPlain(nc: NumberedChannel, index: number): string {
    counts.rendered++;
    check(nc, index);
    return defaultLine(nc, index) + '\n' + url(nc, index) + '\n';
  }

  function renderWithHooks(input: NumberedChannel, index: number): string {
    counts.rendered++;
    const nc = tapped.channel ? hooks.channel.call(input, index, run) : input;
    if (tapped.drop && hooks.dropChannel.call(nc, index, run) === true) {
      counts.dropped++;
      return '';
    }
    check(nc, index);
    const ch = nc.channel;
    let line: string;
    if (tapped.attributes) {
      const defaults: ExtinfAttribute[] = DEFAULT_ATTRIBUTE_FIELDS.map(([name, camel, snake]) => ({
        name,
        // Raw: formatAttributes sanitises every value once, after the plugins.
        value: camel === '' ? String(nc.assignedNumber) : present(ch[camel], index, snake),
      }));
      line = `#EXTINF:-1${formatAttributes(hooks.entryAttributes.call(defaults, nc, index, run))},${name(nc, index)}`;
    } else {
      line = defaultLine(nc, index);
    }
    let streamUrl = url(nc, index);
    if (tapped.url) {
      streamUrl = sanitizeText(hooks.streamUrl.call(streamUrl, nc, index, run));
      if (streamUrl === '') fail(nc, index, 'channel.id', 'the streamUrl hook returned an empty URL', sourceName);
    }
    if (tapped.extinf) line = hooks.extinfLine.call(line, nc, index, run);
    return `${line}\n${streamUrl}\n`;
  }
}

/** The header with its newline: `#EXTM3U`, any `headerAttributes`, then the `header` hook. */
export function renderHeader(hooks: GenerationHooks, run: RunInfo): string {
  let header = '#EXTM3U';
  if (isTapped(hooks.headerAttributes)) header += formatAttributes(hooks.headerAttributes.call([], run));
  if (isTapped(hooks.header)) header = hooks.header.call(header, run);
  return `${header}\n`;
}
