/*
 * Structure safety (contract §2, docs/escaping.md): no value may add or split
 * a line. Each check is one regex test so the common, clean value costs
 * almost nothing; only dirty values are rewritten.
 */

/** Characters that end a line somewhere: C0 and C1 controls, DEL, U+2028/U+2029. */
const LINE_BREAKING = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
/** Anything text needs rewritten for: line-breaking characters and lone surrogate halves (any surrogate triggers the check). */
const UNSAFE_TEXT = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ud800-\udfff]/;
/** As {@link UNSAFE_TEXT}, plus `"`, which would end an attribute value. */
const UNSAFE_ATTRIBUTE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029"\ud800-\udfff]/;

/**
 * Makes free text safe for one line: control characters (CR, LF, NUL, tab,
 * C1, DEL) and U+2028/U+2029 become a space, lone surrogates become U+FFFD.
 * Used for URL lines and comments.
 *
 * @example
 * ```ts
 * sanitizeText('News\r\n#EXTINF:-1,Injected'); // 'News  #EXTINF:-1,Injected'
 * ```
 */
export function sanitizeText(value: string): string {
  if (!UNSAFE_TEXT.test(value)) return value;
  return value.toWellFormed().replace(LINE_BREAKING, ' ');
}

/**
 * Where the first character {@link sanitizeText} would turn into a space
 * stands in `value` (a control character, DEL, U+2028 or U+2029), or `-1`:
 * for values an operator wrote, which are refused rather than rewritten.
 *
 * @example
 * ```ts
 * lineBreakAt('{base_url}/live\n/{channel_id}'); // 15
 * ```
 */
export function lineBreakAt(value: string): number {
  return value.search(LINE_BREAKING);
}

/**
 * Makes a value safe inside `name="…"`: as {@link sanitizeText}, and `"`
 * becomes `'`.
 *
 * @example
 * ```ts
 * sanitizeAttributeValue('The "Best" Channel'); // "The 'Best' Channel"
 * ```
 */
export function sanitizeAttributeValue(value: string): string {
  if (!UNSAFE_ATTRIBUTE.test(value)) return value;
  return value.toWellFormed().replace(LINE_BREAKING, ' ').replaceAll('"', "'");
}

/**
 * The channel name as written after the attribute list: as
 * {@link sanitizeAttributeValue} (parsers drop text of the form `x="…"` from
 * names, so `"` becomes `'`), and trimmed (parsers trim lines). Commas stay.
 *
 * @example
 * ```ts
 * sanitizeName(' Sports, "Live"\n'); // "Sports, 'Live'"
 * ```
 */
export function sanitizeName(value: string): string {
  return sanitizeAttributeValue(value).trim();
}

/**
 * The name an entry shows: the sanitised channel name, or, when that is
 * blank, the sanitised tvg-name, or else the channel id, or, when even that
 * is blank (an id of spaces or control characters), `Channel <number>`:
 * players and parsers drop entries without a name.
 *
 * @example
 * ```ts
 * displayName({ id: 'a', channelName: '\n', tvgName: 'News' }); // 'News'
 * displayName({ id: ' ', channelName: '\n' }, 7);                 // 'Channel 7'
 * ```
 */
export function displayName(
  channel: { readonly id: string; readonly channelName: string; readonly tvgName?: string | null | undefined },
  assignedNumber?: number,
): string {
  const name = sanitizeName(channel.channelName);
  if (name !== '') return name;
  const tvgName = typeof channel.tvgName === 'string' ? sanitizeName(channel.tvgName) : '';
  if (tvgName !== '') return tvgName;
  const id = sanitizeName(channel.id);
  if (id !== '') return id;
  return assignedNumber === undefined ? 'Channel' : `Channel ${assignedNumber}`;
}

const ATTRIBUTE_NAME = /^[A-Za-z0-9_.:-]+$/;

/**
 * True for names that are safe as an EXTINF attribute name (`tvg-id`, `x-tvg-url`, `catchup-days`).
 *
 * @example
 * ```ts
 * isValidAttributeName('catchup-days'); // true
 * isValidAttributeName('a="b'); // false
 * ```
 */
export function isValidAttributeName(name: string): boolean {
  return ATTRIBUTE_NAME.test(name);
}
