import { M3ugenError } from '@m3ugen/core';

/** One thing wrong in a configuration: the key path it is at (if any) and what is wrong. */
export interface ConfigProblem {
  readonly key: string | undefined;
  readonly reason: string;
}

/** At most this many problems are spelt out in one message; the rest are counted. */
const PROBLEMS_SHOWN = 10;

function located(problem: ConfigProblem): string {
  return problem.key === undefined ? problem.reason : `key "${problem.key}": ${problem.reason}`;
}

/**
 * A configuration file that cannot be used: names the file and, where there
 * is one, the key path (`proxy_generation.memory.max_memory_mb`) or plugin.
 * When the file has several problems, {@link ConfigError.problems} holds them
 * all and the message lists them, one per line, so an operator can mend the
 * file in one go.
 *
 * @example
 * ```ts
 * new ConfigError('expected a positive number, got "lots"', { file: 'm3ugen.toml', key: 'proxy_generation.memory.max_memory_mb' });
 * // m3ugen.toml: key "proxy_generation.memory.max_memory_mb": expected a positive number, got "lots"
 * ```
 */
export class ConfigError extends M3ugenError {
  readonly file: string | undefined;
  /** The key path of the (first) problem. */
  readonly key: string | undefined;
  /** Every problem found, in the order of the schema's keys; one for most errors. */
  readonly problems: readonly ConfigProblem[];

  /**
   * @param reason What is wrong with the (first) key.
   * @param where The file, the key path, and any `others` problems found in the same file.
   */
  constructor(
    reason: string,
    where: { file?: string | undefined; key?: string | undefined; others?: readonly ConfigProblem[] } = {},
    options?: ErrorOptions,
  ) {
    const problems = Object.freeze([{ key: where.key, reason }, ...(where.others ?? [])]);
    const file = where.file === undefined ? '' : `${where.file}: `;
    super('E_CONFIG', problems.length === 1 ? `${file}${located(problems[0]!)}` : `${file}${listed(problems)}`, options);
    this.file = where.file;
    this.key = where.key;
    this.problems = problems;
  }

  /**
   * One error for all of a file's problems: with one, the same as the
   * constructor; with several, a message that counts them and lists each on
   * its own line.
   *
   * @example
   * ```ts
   * ConfigError.of([{ key: 'web.base_url', reason: 'expected a string' }, { key: 'input', reason: 'expected a non-empty string' }], 'm3ugen.toml').message;
   * // m3ugen.toml: 2 problems:
   * //   key "web.base_url": expected a string
   * //   key "input": expected a non-empty string
   * ```
   */
  static of(problems: readonly [ConfigProblem, ...ConfigProblem[]], file: string | undefined): ConfigError {
    const [first, ...others] = problems;
    return new ConfigError(first.reason, { file, key: first.key, others });
  }
}

function listed(problems: readonly ConfigProblem[]): string {
  const lines = problems.slice(0, PROBLEMS_SHOWN).map((problem) => `  ${located(problem)}`);
  if (problems.length > PROBLEMS_SHOWN) lines.push(`  … and ${problems.length - PROBLEMS_SHOWN} more`);
  return `${problems.length} problems:\n${lines.join('\n')}`;
}

/** An error's message, or whatever was thrown as text (for the reason part of a {@link ConfigError}). */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
