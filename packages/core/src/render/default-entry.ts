/*
 * The contract's default entry, as text: the literals between its values,
 * shared by the renderer that writes it and by the comparison that reads a
 * written entry back (an EntryCache's key, without a copy of the fields).
 */
import { isMissing, type NumberedChannel } from '../channel/model.js';

/** `#EXTINF:-1 tvg-id="…" tvg-name="…" tvg-logo="…" tvg-chno="N" group-title="…",Name`: the literals, in order. */
export const LINE_START = '#EXTINF:-1 tvg-id="';
export const BEFORE_TVG_NAME = '" tvg-name="';
export const BEFORE_TVG_LOGO = '" tvg-logo="';
export const BEFORE_TVG_CHNO = '" tvg-chno="';
export const BEFORE_GROUP_TITLE = '" group-title="';
export const BEFORE_NAME = '",';

const QUOTE = 0x22;
const NEWLINE = 0x0a;
/** Digits of `tvg-chno` read back at most: below 2^53, so reading them as a number is exact. */
const MAX_NUMBER_DIGITS = 15;

/**
 * Where the `#EXTINF` line ends (the index of its `\n`) if the record `nc`
 * would be written as the default entry `text.slice(start, end)`, which was
 * written for a record with the id `id` (compared as it is); else -1. The
 * URL line after it is {@link urlLineIs}'s to compare, where the URL is not
 * built from the id alone.
 *
 * Each value is compared with where the entry shows it: an attribute value
 * runs to the next `"`, the name to the end of the line. What writing a value
 * changes (a `"`, a control character, a lone surrogate, the name's outer
 * spaces) never stands there, so a value equal to what the entry shows is
 * written unchanged, as the same bytes; a missing value shows as `""` and is
 * warned about alike. Anything else is "changed", to be written again:
 * a value of another type (a number where text was), a `tvg-chno` of more
 * than 15 digits. It cannot tell a blank name's stand-in (the tvg-name, the
 * id or `Channel N`) from a name, whose record is warned about differently:
 * key such an entry by its values instead. Reads the record's fields as the
 * renderer would; what they throw is thrown.
 *
 * @example
 * ```ts
 * const entry = '#EXTINF:-1 tvg-id="a" tvg-name="" tvg-logo="" tvg-chno="7" group-title="",A\nhttp://h/stream/a\n';
 * const record = { assignedNumber: 7, channel: { id: 'a', channelName: 'A', tvgId: 'a', tvgName: null } };
 * extinfWrittenAs('a', record, entry, 0, entry.length); // 75, the end of the #EXTINF line
 * extinfWrittenAs('a', { ...record, assignedNumber: 8 }, entry, 0, entry.length); // -1
 * ```
 */
export function extinfWrittenAs(id: string, nc: NumberedChannel, text: string, start: number, end: number): number {
  const ch = nc.channel;
  if (ch.id !== id) return -1;
  let at = attributeEnd(ch.tvgId, text, start + LINE_START.length);
  if (at < 0) return -1;
  at = attributeEnd(ch.tvgName, text, at + BEFORE_TVG_NAME.length);
  if (at < 0) return -1;
  at = attributeEnd(ch.tvgLogo, text, at + BEFORE_TVG_LOGO.length);
  if (at < 0) return -1;
  at = numberEnd(nc.assignedNumber, text, at + BEFORE_TVG_CHNO.length);
  if (at < 0) return -1;
  at = attributeEnd(ch.groupTitle, text, at + BEFORE_GROUP_TITLE.length);
  if (at < 0) return -1;
  at += BEFORE_NAME.length;
  const name: unknown = ch.channelName;
  if (typeof name !== 'string' || name.length === 0) return -1;
  // The name's line ends inside the entry, so what was read before it stood inside it too.
  const lineEnd = at + name.length;
  return lineEnd < end && text.charCodeAt(lineEnd) === NEWLINE && text.slice(at, lineEnd) === name && text.indexOf('\n', at) === lineEnd ? lineEnd : -1;
}

/**
 * Whether the URL line of the entry that ends at `end`, after the `#EXTINF`
 * line ending at `lineEnd` ({@link extinfWrittenAs}), is `url`: the rest of
 * the entry but its final newline. `undefined` (no URL could be built) is
 * never it.
 *
 * @example
 * ```ts
 * const entry = '#EXTINF:-1,A\nhttp://h/a\n';
 * urlLineIs('http://h/a', entry, 12, entry.length); // true
 * urlLineIs('http://h/b', entry, 12, entry.length); // false
 * ```
 */
export function urlLineIs(url: string | undefined, text: string, lineEnd: number, end: number): boolean {
  return url !== undefined && end - 1 - (lineEnd + 1) === url.length && text.charCodeAt(end - 1) === NEWLINE && text.slice(lineEnd + 1, end - 1) === url;
}

/** Where the attribute value at `at` ends (its closing `"`) if it is `value`, else -1. */
function attributeEnd(value: unknown, text: string, at: number): number {
  if (isMissing(value)) return text.charCodeAt(at) === QUOTE ? at : -1;
  if (typeof value !== 'string') return -1;
  const end = at + value.length;
  // Cheapest test first; then the text, then that no `"` of the value's own ended the entry's value early.
  return text.charCodeAt(end) === QUOTE && text.slice(at, end) === value && text.indexOf('"', at) === end ? end : -1;
}

/** Where the `tvg-chno` digits at `at` end if they are `value`'s, else -1. */
function numberEnd(value: unknown, text: string, at: number): number {
  if (typeof value !== 'number') return -1;
  let shown = 0;
  let end = at;
  for (let c = text.charCodeAt(end); c !== QUOTE; c = text.charCodeAt(++end)) {
    // Not a digit (NaN past the end included), or too many to read exactly.
    if (!(c >= 0x30 && c <= 0x39) || end - at === MAX_NUMBER_DIGITS) return -1;
    shown = shown * 10 + (c - 0x30);
  }
  return end > at && shown === value ? end : -1;
}
