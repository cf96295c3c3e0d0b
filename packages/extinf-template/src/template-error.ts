import { M3ugenError } from '@m3ugen/core';

/**
 * A template that does not compile or fails while rendering; names the
 * template and, where known, the line.
 *
 * @example
 * ```ts
 * // extinf template "templates/extinf.eta": line 3: it.channel.missing is undefined
 * ```
 */
export class TemplateError extends M3ugenError {
  readonly template: string;
  readonly line: number | undefined;

  constructor(template: string, line: number | undefined, reason: string, options?: ErrorOptions) {
    super('E_TEMPLATE', `${template}: ${line === undefined ? '' : `line ${line}: `}${reason}`, options);
    this.template = template;
    this.line = line;
  }
}
