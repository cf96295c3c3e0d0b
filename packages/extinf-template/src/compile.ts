import { sanitizeAttributeValue, sanitizeText } from '@m3ugen/core';
import { Eta, EtaParseError, type TemplateFunction } from 'eta';
import { TemplateError } from './template-error.js';

interface AstBlock {
  t: string;
  val: string;
  lineNo?: number;
}
type Ast = (string | AstBlock)[];

/** Helpers the compiled templates call; attached to the Eta instances (a template's `this`). */
interface SafeHelpers {
  __m3uAttr(value: unknown): string;
  __m3uText(value: unknown): string;
}

/**
 * An interpolated value as text. A value whose text is no value (an object's
 * "[object Object]", a Promise's, a function's source) is the template's
 * mistake: said, with the line, rather than written on every channel.
 */
function toText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '';
  if (typeof value === 'function') throw new TypeError('an interpolation gave a function, not its result: call it');
  const text = String(value);
  if (text.includes('[object ')) {
    const what = Array.isArray(value) ? 'an array of objects' : value instanceof Promise ? 'a Promise (templates are synchronous)' : 'an object';
    throw new TypeError(`an interpolation gave ${what}, which would be written as "${text.length > 40 ? `${text.slice(0, 40)}…` : text}": write one of its fields, or JSON.stringify it`);
  }
  return text;
}

/**
 * Structure safety at compile time: every interpolation (`<%= %>` and
 * `<%~ %>` alike) is wrapped in a sanitiser chosen by where it stands. Inside
 * double quotes on the current line it is an attribute value (`"` → `'`);
 * elsewhere it is text. Control characters never pass either way.
 */
const structureSafety = {
  processAST(ast: Ast): Ast {
    let inQuotes = false;
    for (const block of ast) {
      if (typeof block === 'string') {
        // Literal text is stored JS-escaped: `\n` is a newline, `\x` an escaped character.
        for (let i = 0; i < block.length; i++) {
          const ch = block[i];
          if (ch === '\\') {
            if (block[i + 1] === 'n') inQuotes = false;
            i++;
          } else if (ch === '"') {
            inQuotes = !inQuotes;
          }
        }
      } else if (block.t === 'i' || block.t === 'r') {
        block.val = `this.${inQuotes ? '__m3uAttr' : '__m3uText'}(${block.val})`;
      }
    }
    return ast;
  },
};

function makeEta(debug: boolean): Eta & SafeHelpers {
  const eta = new Eta({ autoEscape: false, autoFilter: false, autoTrim: false, useWith: false, varName: 'it', debug, plugins: [structureSafety] });
  return Object.assign(eta, {
    __m3uAttr: (value: unknown) => sanitizeAttributeValue(toText(value)),
    __m3uText: (value: unknown) => sanitizeText(toText(value)),
  });
}

const fast = makeEta(false);
const withLines = makeEta(true);

/** A compiled template: renders data to text; errors name the template and line. */
export interface CompiledTemplate {
  readonly name: string;
  readonly source: string;
  render(data: object): string;
}

/** Eta's compiled functions read `options.filepath` when reporting errors: always pass an object. */
const NO_OPTIONS = Object.freeze({});

/** Compiled templates by source, for the life of the process. */
const cache = new Map<string, TemplateFunction>();

function syntaxErrorLine(source: string): number | undefined {
  let ast: Ast;
  try {
    ast = withLines.parse(source) as Ast;
  } catch {
    return undefined;
  }
  let body = '';
  for (const block of ast) {
    if (typeof block === 'string') continue;
    if (block.t === 'i' || block.t === 'r') {
      try {
        new Function('it', `return (${block.val});`);
      } catch {
        return block.lineNo;
      }
      continue;
    }
    body += `${block.val}\n`;
    try {
      new Function('it', body);
    } catch (error) {
      if (!/end of input|Unexpected end/i.test((error as Error).message)) return block.lineNo;
    }
  }
  return undefined;
}

/** eta's calls that read other templates (from its `views` folder, which is never set here). */
const INCLUDE = /(?<![\w$.])(include|includeAsync|layout)\s*\(/;

/** The first tag calling one of eta's include functions, with its line: it would fail at every channel with "Views directory is not defined". */
function includeCall(source: string): { call: string; line: number | undefined } | undefined {
  for (const block of withLines.parse(source) as Ast) {
    if (typeof block === 'string') continue;
    const call = INCLUDE.exec(block.val)?.[1];
    if (call !== undefined) return { call, line: block.lineNo };
  }
  return undefined;
}

/** Runs the template again, compiled with line tracking, to learn which line failed (only ever on the error path). */
function lineOfRuntimeError(source: string, data: object): number | undefined {
  try {
    (withLines.compile(source) as TemplateFunction).call(withLines, data, NO_OPTIONS);
  } catch (error) {
    const match = /^line (\d+)\n/.exec((error as Error).message);
    if (match !== null) return Number(match[1]);
  }
  return undefined;
}

/**
 * Compiles a template once (cached by its source for the life of the
 * process) and returns its renderer.
 *
 * @throws {TemplateError} naming the template and the line of a syntax error.
 * @example
 * ```ts
 * const t = compileTemplate('#EXTINF:-1 tvg-id="<%= it.tvgId %>",<%= it.name %>', 'extinf template (inline)');
 * t.render({ tvgId: 'a"b', name: 'News\nHD' }); // '#EXTINF:-1 tvg-id="a\'b",News HD'
 * ```
 */
export function compileTemplate(source: string, name: string): CompiledTemplate {
  let fn = cache.get(source);
  if (fn === undefined) {
    try {
      fn = fast.compile(source) as TemplateFunction;
    } catch (error) {
      if (error instanceof EtaParseError && /at line (\d+)/.test(error.message)) {
        const line = Number(/at line (\d+)/.exec(error.message)![1]);
        throw new TemplateError(name, line, error.message.split('\n')[0]!.replace(/ at line \d+ col \d+:?$/, ''), { cause: error });
      }
      // eta reports JavaScript errors as "Bad template syntax\n\n<the SyntaxError>\n===…": keep the SyntaxError's words.
      const message = error instanceof Error ? error.message : String(error);
      const detail = /^Bad template syntax\n\n([^\n]+)/.exec(message)?.[1] ?? message.split('\n')[0]!;
      throw new TemplateError(name, syntaxErrorLine(source), `invalid JavaScript in a template tag: ${detail}`, { cause: error });
    }
    const include = includeCall(source);
    if (include !== undefined) {
      throw new TemplateError(
        name,
        include.line,
        `${include.call}() reads other templates from a views folder, which m3ugen's templates do not have: each is one string or file (share values through data)`,
      );
    }
    cache.set(source, fn);
  }
  const compiled = fn;
  return {
    name,
    source,
    render(data) {
      try {
        return compiled.call(fast, data, NO_OPTIONS);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new TemplateError(name, lineOfRuntimeError(source, data), reason, { cause: error });
      }
    },
  };
}

/**
 * The template's code: what stands between its tags, read from eta's parse,
 * so a `%>` inside a string of the code does not end it.
 *
 * @example
 * ```ts
 * templateCode('#EXTINF:-1,<%= it.name + "%>" + it.url %>'); // ' it.name + "%>" + it.url '
 * ```
 */
export function templateCode(source: string): string {
  return (fast.parse(source) as Ast)
    .filter((block): block is AstBlock => typeof block !== 'string')
    .map((block) => block.val)
    .join('\n');
}

/**
 * Whether some line of the template's output starts with `literal` written
 * in the template's own text: at the template's start or after a literal
 * newline, with nothing but code that outputs nothing (`<% … %>`) between.
 * Read from eta's parse, so whitespace control (`-%>`) is taken into account.
 *
 * @example
 * ```ts
 * hasLiteralLineStart('<% const n = it.number %>#EXTINF:-1,<%= n %>', '#EXTINF:'); // true
 * hasLiteralLineStart('<%= it.line %>', '#EXTINF:'); // false: what it outputs is not known
 * ```
 */
export function hasLiteralLineStart(source: string, literal: string): boolean {
  let atLineStart = true;
  for (const block of fast.parse(source) as Ast) {
    if (typeof block !== 'string') {
      // An interpolation may output anything, a line start included, but cannot be counted on.
      if (block.t === 'i' || block.t === 'r') atLineStart = false;
      continue;
    }
    // Literal text is stored JS-escaped: `\n` is a newline, any other `\x` one escaped character.
    for (let i = 0; i < block.length; i++) {
      if (atLineStart && block.startsWith(literal, i)) return true;
      if (block[i] === '\\') {
        atLineStart = block[i + 1] === 'n';
        i++;
      } else {
        atLineStart = false;
      }
    }
  }
  return false;
}

/**
 * The template's literal text in order, with each run of code between two
 * pieces as `undefined`: what the template writes itself, whatever its
 * values. Read from eta's parse, so whitespace control (`-%>`) is applied.
 *
 * @example
 * ```ts
 * literalText(' <%= it.url %>\n'); // [' ', undefined, '\n']
 * ```
 */
export function literalText(source: string): (string | undefined)[] {
  const pieces: (string | undefined)[] = [];
  for (const block of fast.parse(source) as Ast) {
    if (typeof block === 'string') {
      // Literal text is stored JS-escaped: `\n` is a newline, any other `\x` the character x.
      pieces.push(block.replace(/\\(.)/gs, (_, escaped: string) => (escaped === 'n' ? '\n' : escaped)));
    } else if (pieces.at(-1) !== undefined || pieces.length === 0) {
      pieces.push(undefined);
    }
  }
  return pieces;
}

/**
 * Number of distinct templates compiled so far in this process (for tests and diagnostics).
 *
 * @example
 * ```ts
 * extinfTemplate({ extinf: '#EXTINF:-1,<%= it.name %>' });
 * extinfTemplate({ extinf: '#EXTINF:-1,<%= it.name %>' });
 * compiledTemplateCount(); // grew by one: the second is the cached template
 * ```
 */
export function compiledTemplateCount(): number {
  return cache.size;
}
