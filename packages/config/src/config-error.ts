import { M3ugenError } from '@m3ugen/core';

/**
 * A configuration file that cannot be used: names the file and, where there
 * is one, the key path (`proxy_generation.memory.max_memory_mb`) or plugin.
 *
 * @example
 * ```ts
 * new ConfigError('expected a positive number, got "lots"', { file: 'm3ugen.toml', key: 'proxy_generation.memory.max_memory_mb' });
 * // m3ugen.toml: key "proxy_generation.memory.max_memory_mb": expected a positive number, got "lots"
 * ```
 */
export class ConfigError extends M3ugenError {
  readonly file: string | undefined;
  readonly key: string | undefined;

  constructor(reason: string, where: { file?: string | undefined; key?: string | undefined } = {}, options?: ErrorOptions) {
    const prefix = [where.file, where.key === undefined ? undefined : `key "${where.key}"`].filter((p) => p !== undefined).join(': ');
    super('E_CONFIG', prefix === '' ? reason : `${prefix}: ${reason}`, options);
    this.file = where.file;
    this.key = where.key;
  }
}

/** An error's message, or whatever was thrown as text (for the reason part of a {@link ConfigError}). */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
