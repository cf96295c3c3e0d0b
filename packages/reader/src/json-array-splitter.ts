/*
 * Reads a JSON array whose text is pushed a chunk at a time, handing out its
 * elements' values as each chunk completes them, so a reader holds no more
 * than a chunk and one element: a JSON array is read as a stream, as NDJSON
 * is. Most of a chunk is parsed by one JSON.parse (the elements up to the
 * last "}, {"); the element a chunk ends inside, and any run that does not
 * parse, are cut one by one by a scanner that knows strings and nesting, and
 * that places a syntax error at its line and column in the whole input.
 */
import { describeChar, locateJsonError } from './json-error.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const NEWLINE = 0x0a;

/** JSON's whitespace: space, tab, line feed, carriage return. */
function isWhitespace(c: number): boolean {
  return c === 0x20 || c === NEWLINE || c === 0x0d || c === 0x09;
}

/** Where a problem is, and why: as {@link locateJsonError} says it, in the whole input's lines and columns. */
export interface ArraySyntaxProblem {
  readonly line: number;
  readonly column: number;
  readonly reason: string;
}

/** A syntax problem of the array itself, thrown by {@link JsonArraySplitter}. */
export class ArraySyntaxError extends Error {
  constructor(readonly problem: ArraySyntaxProblem) {
    super(problem.reason);
    this.name = 'ArraySyntaxError';
  }
}

/** An element longer than the splitter's `maxElementBytes`, thrown before more of it is held. */
export class ElementTooLongError extends Error {
  constructor(
    /** The line the element starts on. */
    readonly line: number,
    /** Its index in the array. */
    readonly index: number,
  ) {
    super(`element ${index} is too long`);
    this.name = 'ElementTooLongError';
  }
}

/** Commas looked at, from the end of the text, for one between two elements: a record holds a few dozen. */
const MAX_COMMAS_TRIED = 4096;

// Where the splitter stands.
/** Before the opening bracket. */
const BEFORE_ARRAY = 0;
/** After the opening bracket: an element, or the closing bracket of an empty array. */
const FIRST = 1;
/** After a comma: an element. */
const AFTER_COMMA = 2;
/** Inside an element. */
const IN_ELEMENT = 3;
/** After an element: a comma or the closing bracket. */
const AFTER_ELEMENT = 4;
/** After the closing bracket: only whitespace. */
const DONE = 5;

/**
 * Reads a JSON array's elements as its text arrives.
 *
 * @example
 * ```ts
 * const splitter = new JsonArraySplitter();
 * splitter.push('[{"a": 1}, {"a": 2}, {"a"');
 * splitter.next(); // [{ a: 1 }]
 * splitter.next(); // [{ a: 2 }]
 * splitter.next(); // undefined: the third element is not complete yet
 * splitter.push(': 3}]');
 * splitter.next(); // [{ a: 3 }]
 * splitter.end();
 * splitter.next(); // undefined: the array is complete
 * ```
 */
export class JsonArraySplitter {
  /** @param maxElementBytes the longest element held, in UTF-8 bytes: a longer one (a string left open) is an {@link ElementTooLongError}. */
  constructor(private readonly maxElementBytes = Infinity) {
    this.#longestRun = Math.floor(maxElementBytes / 3);
  }

  /**
   * The most characters one JSON.parse of the fast way reads: no element of
   * such a run can be longer than `maxElementBytes` (at most 3 UTF-8 bytes
   * per UTF-16 unit), which the fast way does not measure element by element.
   */
  readonly #longestRun: number;

  /** The text not yet scanned, and the part of the element being cut scanned since the latest push. */
  #text = '';
  /** Characters of the input before `#text`. */
  #dropped = 0;
  #pos = 0;
  #state = BEFORE_ARRAY;
  #ended = false;
  /** Where the element being cut starts in `#text` (or where it goes on, when part of it is held), its nesting depth and whether the scan stands in a string. */
  #elementStart = 0;
  #depth = 0;
  #inString = false;
  /**
   * The element's text from chunks before `#text`, scanned already: set
   * aside, so a long element is neither scanned again nor copied with each
   * chunk; its length, its UTF-8 bytes, and the backslashes it ends with
   * (which may escape a quote that starts the next chunk).
   */
  #held: string[] = [];
  #heldLength = 0;
  #heldBytes = 0;
  #heldBackslashes = 0;
  /** The line the scan stands on (one-based) and the input offset that line starts at. */
  #line = 1;
  #lineStart = 0;
  /** The line and column the latest element starts at. */
  #elementLine = 1;
  #elementColumn = 1;

  /** Up to where in `#text` elements are cut one by one: a run of them did not parse at once, or no "}, {" was found. */
  #exactUntil = -1;
  #elements = 0;

  /** Elements handed out so far. */
  get elements(): number {
    return this.#elements;
  }

  /** Appends the input's next text. */
  push(chunk: string): void {
    if (this.#state === IN_ELEMENT) {
      if (this.#pos > this.#elementStart) this.#hold(this.#text.slice(this.#elementStart, this.#pos));
      this.#elementStart = this.#pos;
    }
    const keep = this.#pos;
    this.#dropped += keep;
    this.#text = keep === this.#text.length ? chunk : this.#text.slice(keep) + chunk;
    this.#pos -= keep;
    this.#elementStart -= keep;
    this.#exactUntil -= keep;
  }

  /** Says the input has ended: {@link next} then returns the last elements or throws for an array left open. */
  end(): void {
    this.#ended = true;
  }

  /** Characters of the element being cut so far (0 between elements). */
  get pendingLength(): number {
    return this.#state === IN_ELEMENT ? this.#heldLength + this.#text.length - this.#elementStart : 0;
  }

  /** The text of the element being cut so far. */
  get pendingText(): string {
    return this.#state === IN_ELEMENT ? this.#elementText(this.#text.length) : '';
  }

  /** Sets the scanned `piece` of the element aside. */
  #hold(piece: string): void {
    this.#held.push(piece);
    this.#heldLength += piece.length;
    this.#heldBytes += Buffer.byteLength(piece, 'utf8');
    let backslashes = 0;
    while (backslashes < piece.length && piece.charCodeAt(piece.length - 1 - backslashes) === BACKSLASH) backslashes++;
    this.#heldBackslashes = backslashes === piece.length ? this.#heldBackslashes + backslashes : backslashes;
  }

  /** The element's text up to `end` in `#text` (what was held, then the rest). */
  #elementText(end: number): string {
    const rest = this.#text.slice(this.#elementStart, end);
    return this.#held.length === 0 ? rest : this.#held.join('') + rest;
  }

  /** Throws if the element being cut is longer than `maxElementBytes` so far (measured only when it may be: at most 3 bytes per UTF-16 unit). */
  #checkLength(): void {
    const length = this.#heldLength + this.#pos - this.#elementStart;
    const max = this.maxElementBytes;
    if (length * 3 <= max) return;
    if (length > max || this.#heldBytes + Buffer.byteLength(this.#text.slice(this.#elementStart, this.#pos), 'utf8') > max) throw new ElementTooLongError(this.#elementLine, this.#elements);
  }

  /**
   * The next elements' values, parsed, in input order; `undefined` when more
   * input is needed (or, after {@link end}, when the array is complete).
   * Throws an {@link ArraySyntaxError} for a syntax error, in the array or
   * in an element, once the elements before it were returned.
   */
  next(): unknown[] | undefined {
    for (;;) {
      switch (this.#state) {
        case BEFORE_ARRAY: {
          const c = this.#skipWhitespace();
          if (c < 0) return this.#endOfInput();
          if (c !== OPEN_BRACKET) this.#fail();
          this.#pos++;
          this.#state = FIRST;
          break;
        }
        case FIRST:
        case AFTER_COMMA: {
          const c = this.#skipWhitespace();
          if (c < 0) return this.#endOfInput();
          if (c === CLOSE_BRACKET) {
            if (this.#state === AFTER_COMMA) this.#fail('a comma before "]": JSON takes none after the last element');
            this.#pos++;
            this.#state = DONE;
            break;
          }
          if (c === COMMA || c === CLOSE_BRACE) this.#fail();
          if (this.#pos > this.#exactUntil) {
            const values = this.#parseRun();
            if (values !== undefined) return values;
          }
          this.#elementStart = this.#pos;
          this.#elementLine = this.#line;
          this.#elementColumn = this.#dropped + this.#pos - this.#lineStart + 1;
          this.#depth = 0;
          this.#inString = false;
          this.#state = IN_ELEMENT;
          break;
        }
        case IN_ELEMENT: {
          const complete = this.#scanElement();
          this.#checkLength();
          if (!complete) {
            // A bare value (a number, a literal) the input ends after is complete there.
            if (!this.#ended || this.#inString || this.#depth > 0 || this.#pos === this.#elementStart) return this.#endOfInput();
          }
          this.#state = AFTER_ELEMENT;
          const value = this.#parseElement(this.#elementText(this.#pos));
          this.#held = [];
          this.#heldLength = 0;
          this.#heldBytes = 0;
          this.#heldBackslashes = 0;
          this.#elements++;
          return [value];
        }
        case AFTER_ELEMENT: {
          const c = this.#skipWhitespace();
          if (c < 0) return this.#endOfInput();
          if (c === COMMA) this.#state = AFTER_COMMA;
          else if (c === CLOSE_BRACKET) this.#state = DONE;
          else this.#fail();
          this.#pos++;
          break;
        }
        case DONE: {
          const c = this.#skipWhitespace();
          if (c < 0) return undefined;
          this.#fail();
        }
      }
    }
  }

  /**
   * The fast way, from an element's start: the elements up to the last
   * comma that stands between two objects (`}, {`), parsed as one array by
   * one JSON.parse; after the input's end, all that is left. `undefined` when
   * there is no such comma or the run does not parse: the elements are then
   * cut one by one up to that comma, which finds the error (a comma inside a
   * string, say) or the true elements. A run that parses is the true
   * elements: the array's text is read from an element's start as JSON.parse
   * reads it, and "]" after the run closes the array only if the run ends
   * after a whole element.
   */
  #parseRun(): unknown[] | undefined {
    const text = this.#text;
    const start = this.#pos;
    // A chunk far longer than the reads of a file (a caller's stream) is parsed a window at a time.
    const searchEnd = Math.min(text.length, start + this.#longestRun);
    const comma = this.#lastCommaBetweenObjects(start, searchEnd);
    if (comma < 0 && !(this.#ended && searchEnd === text.length)) {
      // None in this text: its elements are cut one by one, without looking again at each.
      this.#exactUntil = searchEnd;
      return undefined;
    }
    const end = comma < 0 ? text.length : comma;
    let values: unknown[];
    try {
      values = JSON.parse(comma < 0 ? `[${text.slice(start)}` : `[${text.slice(start, comma)}]`) as unknown[];
    } catch {
      this.#exactUntil = end;
      return undefined;
    }
    this.#countLines(start, end);
    this.#pos = comma < 0 ? end : comma + 1;
    this.#state = comma < 0 ? DONE : AFTER_COMMA;
    this.#elements += values.length;
    return values;
  }

  /** The last comma between `start` and `end` with "}" before it and "{" after it (whitespace aside), or -1. */
  #lastCommaBetweenObjects(start: number, end: number): number {
    const text = this.#text;
    const length = text.length;
    let tries = 0;
    for (let comma = text.lastIndexOf(',', end - 2); comma > start && tries < MAX_COMMAS_TRIED; comma = text.lastIndexOf(',', comma - 1), tries++) {
      let before = comma - 1;
      while (isWhitespace(text.charCodeAt(before))) before--;
      if (text.charCodeAt(before) !== CLOSE_BRACE) continue;
      let after = comma + 1;
      while (after < length && isWhitespace(text.charCodeAt(after))) after++;
      if (after < length && text.charCodeAt(after) === OPEN_BRACE) return comma;
    }
    return -1;
  }

  /** Counts the lines of `#text[from, to)`, which the fast way read without scanning. */
  #countLines(from: number, to: number): void {
    const text = this.#text;
    for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) {
      this.#line++;
      this.#lineStart = this.#dropped + i + 1;
    }
  }

  /** The value of an element cut one by one; its syntax error said at its place in the input. */
  #parseElement(text: string): unknown {
    try {
      return JSON.parse(text);
    } catch (error) {
      // With the character that ended it: a bare value cut short there ("tru]") is "unexpected "]"", as in the whole text.
      const problem = this.#elementSyntaxError(this.#elementText(this.#pos + 1)) ?? {
        line: this.#elementLine,
        column: this.#elementColumn,
        reason: error instanceof Error ? error.message : String(error),
      };
      throw new ArraySyntaxError(problem);
    }
  }

  /** Where an error JSON.parse found in the latest element's `text` is in the input, and why. */
  #elementSyntaxError(text: string): ArraySyntaxProblem | undefined {
    const problem = locateJsonError(text);
    if (problem === undefined) return undefined;
    const line = this.#elementLine + problem.line - 1;
    const column = problem.line === 1 ? this.#elementColumn + problem.column - 1 : problem.column;
    return { line, column, reason: problem.reason };
  }

  /** The line the scan stands on (one-based): after the text pushed so far, once {@link next} returned `undefined`. */
  get line(): number {
    return this.#line;
  }

  /** The line the latest element starts on. */
  get elementLine(): number {
    return this.#elementLine;
  }

  /** More input is needed; once the input has ended, the array was left open. */
  #endOfInput(): undefined {
    if (!this.#ended) return undefined;
    if (this.#state === IN_ELEMENT) {
      // Said as JSON.parse's error in the element, through the end of the input (its trailing whitespace too).
      const problem = this.#elementSyntaxError(this.#elementText(this.#text.length));
      if (problem !== undefined) throw new ArraySyntaxError(problem);
    }
    this.#pos = this.#text.length;
    this.#fail('unexpected end of input');
  }

  #fail(reason?: string): never {
    const at = this.#pos;
    throw new ArraySyntaxError({ line: this.#line, column: this.#dropped + at - this.#lineStart + 1, reason: reason ?? describeChar(this.#text, at) });
  }

  /** Skips whitespace, counting lines; returns the next character's code, or -1 at the end of the text. */
  #skipWhitespace(): number {
    const text = this.#text;
    let i = this.#pos;
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === NEWLINE) {
        this.#line++;
        this.#lineStart = this.#dropped + i + 1;
      } else if (!isWhitespace(c)) {
        this.#pos = i;
        return c;
      }
    }
    this.#pos = i;
    return -1;
  }

  /**
   * Scans the element being cut: returns true with `#pos` just past it when
   * it is complete, false at the end of the text. Strings are skipped to
   * their closing quote (JSON strings hold no raw line feed, so no line is
   * missed); brackets and braces are only counted: JSON.parse checks that
   * they match.
   */
  #scanElement(): boolean {
    const text = this.#text;
    const length = text.length;
    let i = this.#pos;
    let depth = this.#depth;
    let complete = false;
    for (;;) {
      if (this.#inString) {
        const close = closingQuote(text, i, this.#heldBackslashes);
        if (close < 0) {
          i = length;
          break;
        }
        i = close + 1;
        this.#inString = false;
        if (depth === 0) {
          complete = true;
          break;
        }
        continue;
      }
      if (i >= length) break;
      const c = text.charCodeAt(i);
      if (c === QUOTE) {
        this.#inString = true;
        i++;
      } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        depth++;
        i++;
      } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        if (depth === 0) {
          complete = true;
          break;
        }
        i++;
        if (--depth === 0) {
          complete = true;
          break;
        }
      } else if (depth === 0 && (c === COMMA || isWhitespace(c))) {
        complete = true;
        break;
      } else {
        if (c === NEWLINE) {
          this.#line++;
          this.#lineStart = this.#dropped + i + 1;
        }
        i++;
      }
    }
    this.#pos = i;
    this.#depth = depth;
    return complete;
  }
}

/**
 * The offset of the first quote at or after `from` that no backslash
 * escapes, or -1; `before` backslashes end the text before `text` (they
 * count when the run before a quote reaches the start).
 */
function closingQuote(text: string, from: number, before: number): number {
  for (let q = text.indexOf('"', from); q !== -1; q = text.indexOf('"', q + 1)) {
    let backslashes = 0;
    while (text.charCodeAt(q - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes === q) backslashes += before;
    if (backslashes % 2 === 0) return q;
  }
  return -1;
}
