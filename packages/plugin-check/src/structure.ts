import { quoted } from './harness.js';

/** A control character (tab aside, which splits no line), NEL, U+2028 or U+2029: what m3ugen's escaping rules keep out of every line. */
const UNSAFE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/;

/** The line shown in a problem, clipped. */
function shown(line: string): string {
  return quoted(line.length > 80 ? `${line.slice(0, 77)}...` : line);
}

/** Whether the attribute list of an `#EXTINF:` line (up to the first comma outside quotes) closes every quote it opens. */
function quotesClosed(line: string): boolean {
  let inQuotes = false;
  for (let i = '#EXTINF:'.length; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 0x22) inQuotes = !inQuotes;
    else if (c === 0x2c && !inQuotes) return true;
  }
  return !inQuotes;
}

/**
 * What breaks the structure of an Extended M3U playlist, as a player reads
 * it, one line each (empty when nothing does): the text must start with
 * `#EXTM3U` and end with a newline; no line may hold a control character
 * (tab aside), U+2028, U+2029 or a lone surrogate; lines other than
 * directives (`#…`) are URL lines, each after its entry's `#EXTINF:` line,
 * one per entry; an `#EXTINF:` line's attribute list closes its quotes;
 * no line is blank. Given `entries` (the channels the run kept), the
 * playlist must hold that many.
 *
 * @example
 * ```ts
 * const { playlist, metrics } = await generator.generate(channels);
 * playlistStructureProblems(playlist, metrics.channels); // [] when every channel is its #EXTINF line and its URL line
 * playlistStructureProblems('#EXTM3U\n#EXTINF:-1,A\nB\nhttp://x\n'); // ['line 4: a URL line without an #EXTINF line before it: "http://x"']
 * ```
 */
export function playlistStructureProblems(playlist: string, entries?: number): string[] {
  const problems: string[] = [];
  const lines = playlist.split('\n');
  if (lines.at(-1) === '') lines.pop();
  else problems.push('the playlist does not end with a newline');
  if (!lines[0]?.startsWith('#EXTM3U')) problems.push(`line 1: the playlist does not start with #EXTM3U: ${shown(lines[0] ?? '')}`);
  let found = 0;
  /** The line of the `#EXTINF:` whose URL line is still to come, or 0. */
  let open = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const at = `line ${i + 1}`;
    if (UNSAFE.test(line)) problems.push(`${at}: holds a control character, U+2028 or U+2029: ${shown(line)}`);
    if (!line.isWellFormed()) problems.push(`${at}: holds a lone surrogate: ${shown(line)}`);
    if (line === '') {
      problems.push(`${at}: blank`);
    } else if (line.startsWith('#EXTINF:')) {
      if (open > 0) problems.push(`${at}: an #EXTINF line before the URL line of the entry at line ${open}`);
      if (!quotesClosed(line)) problems.push(`${at}: a quote in the attribute list is not closed: ${shown(line)}`);
      open = i + 1;
    } else if (!line.startsWith('#')) {
      if (open === 0) problems.push(`${at}: a URL line without an #EXTINF line before it: ${shown(line)}`);
      else found++;
      open = 0;
    }
  }
  if (open > 0) problems.push(`line ${open}: the last entry has no URL line`);
  if (entries !== undefined && found !== entries) problems.push(`${found} ${found === 1 ? 'entry' : 'entries'}, where the run kept ${entries} channel${entries === 1 ? '' : 's'}`);
  return problems;
}
