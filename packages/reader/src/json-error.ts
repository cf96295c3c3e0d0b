/**
 * Finds where and why a JSON text is invalid. Node 20's JSON.parse says
 * neither where nor (for large inputs) in a readable way, and an error
 * should name the line. Runs only after JSON.parse failed, so it favours
 * clarity over speed.
 */
export interface JsonSyntaxProblem {
  /** Offset of the offending character (or the end of the text). */
  readonly offset: number;
  readonly line: number;
  readonly column: number;
  readonly reason: string;
}

/** Why the character at `at` of `text` stops a JSON text there: `unexpected "x"`, a control character by its code, or the end. */
export function describeChar(text: string, at: number): string {
  if (at >= text.length) return 'unexpected end of input';
  const ch = text[at]!;
  const code = ch.charCodeAt(0);
  return `unexpected ${code < 0x20 ? `control character U+${code.toString(16).padStart(4, '0')}` : JSON.stringify(ch)}`;
}

/**
 * Returns the first syntax problem of `text`, or `undefined` if it is valid
 * JSON: where it is (offset, 1-based line and column) and why. For after
 * `JSON.parse` failed, whose message has no position for an unexpected token.
 *
 * @example
 * ```ts
 * locateJsonError('{\n  "a": }'); // { offset: 9, line: 2, column: 8, reason: 'unexpected "}"' }
 * ```
 */
export function locateJsonError(text: string): JsonSyntaxProblem | undefined {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const fail = (reason?: string): never => {
    throw Object.assign(new Error(reason ?? describeChar(text, i)), { offset: i });
  };
  const literal = (word: string): void => {
    for (const ch of word) {
      if (text[i] !== ch) fail();
      i++;
    }
  };
  const string = (): void => {
    i++; // opening quote
    for (;;) {
      if (i >= text.length) fail('unterminated string');
      const ch = text[i]!;
      if (ch === '"') {
        i++;
        return;
      }
      if (ch.charCodeAt(0) < 0x20) fail();
      if (ch === '\\') {
        i++;
        const escape = text[i];
        if (escape === 'u') {
          for (let k = 1; k <= 4; k++) if (!/[0-9a-fA-F]/.test(text[i + k] ?? '')) ((i += k), fail('invalid \\u escape'));
          i += 5;
          continue;
        }
        if (escape === undefined || !'"\\/bfnrt'.includes(escape)) fail('invalid escape');
      }
      i++;
    }
  };
  const number = (): void => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (match === null || match[0] === '' || match[0] === '-') fail();
    i += match![0].length;
  };
  /** After `{` or `,` in an object: a key and its colon. */
  const key = (): void => {
    ws();
    if (text[i] !== '"') {
      // The slips of JSON written by hand or by a JavaScript habit, said as such.
      if (text[i] === "'") fail('a key in single quotes: JSON keys and strings take double quotes');
      if (text[i] === '}') fail('a comma before "}": JSON takes none after the last member');
      if (/[A-Za-z_$]/.test(text[i] ?? '')) fail('a key without quotes: JSON keys take double quotes');
      fail();
    }
    string();
    ws();
    if (text[i] !== ':') fail();
    i++;
  };
  /**
   * One JSON value. Iterative, with its own stack of open containers: a
   * recursive scan overflowed Node's call stack on a record nested a few
   * thousand deep and reported no position at all.
   */
  const value = (): void => {
    const open: ('}' | ']')[] = [];
    for (;;) {
      ws();
      const ch = text[i];
      let opened = false;
      if (ch === '{' || ch === '[') {
        i++;
        ws();
        const close = ch === '{' ? '}' : ']';
        if (text[i] === close) i++;
        else {
          open.push(close);
          if (close === '}') key();
          opened = true;
        }
      } else if (ch === '"') string();
      else if (ch === "'") fail('a string in single quotes: JSON strings take double quotes');
      else if (ch === ']' && open[open.length - 1] === ']') fail('a comma before "]": JSON takes none after the last element');
      else if (ch === 't') literal('true');
      else if (ch === 'f') literal('false');
      else if (ch === 'n') literal('null');
      else number();
      if (opened) continue; // the container's first value
      // After a value: close what ends here, then expect the next value, if any.
      for (;;) {
        const close = open[open.length - 1];
        if (close === undefined) return;
        ws();
        if (text[i] === ',') {
          i++;
          if (close === '}') key();
          break;
        }
        if (text[i] !== close) fail();
        i++;
        open.pop();
      }
    }
  };
  try {
    value();
    ws();
    if (i < text.length) fail();
    return undefined;
  } catch (error) {
    const offset = (error as { offset: number }).offset;
    return { offset, ...lineAndColumn(text, offset), reason: (error as Error).message };
  }
}

/**
 * The 1-based line and column of the character at `offset` in `text`.
 *
 * @example
 * ```ts
 * lineAndColumn('{\n  "a": }', 9); // { line: 2, column: 8 }
 * ```
 */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  return { line: before.split('\n').length, column: offset - before.lastIndexOf('\n') };
}
