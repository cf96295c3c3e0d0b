import { MEMORY_PRESETS, OptionError, type M3uPlugin, type MemoryPreset } from '@m3ugen/core';
import { parseBaseUrl, parseProxyId } from '@m3ugen/url-builder';
import { createRequire } from 'node:module';
import type * as Zod from 'zod';

/** Builds the schemas; zod is loaded on first use (importing it costs ~45 ms of start-up). */
function buildSchemas(z: typeof Zod.z) {
  const text = z.string({ error: 'expected a string' }).min(1, { error: 'expected a non-empty string' });
  const positive = z.number({ error: 'expected a positive number' }).positive({ error: 'expected a positive number' });

  const TABLE = { error: 'expected a table (an object)' } as const;
  /** What `workers` takes, said alike for a wrong type and a number out of range. */
  const WORKERS = { error: 'expected "auto" or a whole number >= 1' } as const;

  /** Runs a validator that throws OptionError and turns its reason into a zod issue. */
  function validated(check: (value: string) => unknown) {
    return text.superRefine((value, ctx) => {
      try {
        check(value);
      } catch (error) {
        const reason = error instanceof OptionError ? error.reason : error instanceof Error ? error.message : String(error);
        ctx.addIssue({ code: 'custom', message: reason });
      }
    });
  }

  const pluginObject = z.custom<M3uPlugin>(
    (value) => typeof value === 'object' && value !== null && typeof (value as { apply?: unknown }).apply === 'function',
  );

  /**
   * A plugin: a package name or path, optionally with its options, or (in JS
   * and TS configs) a plugin object itself.
   */
  const pluginEntrySchema = z.union(
    [text, z.tuple([text, z.record(z.string(), z.unknown(), { error: 'expected an options table' })]), pluginObject],
    { error: 'expected "name-or-path", ["name-or-path", { options }] or a plugin object' },
  );

  /**
   * The configuration, in the seed's snake_case keys. Unknown keys are
   * reported as warnings and ignored, so a larger pipeline config can be
   * pointed at as it is.
   */
  const configSchema = z.strictObject({
    /** Channels file (`.json`, `.ndjson`, `.jsonl`) or `-` for stdin; relative to the config file. */
    input: text.optional(),
    /** Playlist file, or `-` for stdout; relative to the config file. */
    output: text.optional(),
    /** Metrics JSON file; relative to the config file. */
    metrics: text.optional(),
    plugins: z.array(pluginEntrySchema, { error: 'expected a list of plugins' }).optional(),
    web: z
      .strictObject(
        {
          base_url: validated(parseBaseUrl).optional(),
        },
        TABLE,
      )
      .optional(),
    proxy_generation: z
      .strictObject({
        enable_memory_tracking: z.boolean({ error: 'expected true or false' }).optional(),
        proxy_id: validated(parseProxyId).optional(),
        strategy: text.optional(),
        url_scheme: text.optional(),
        /** Options of the URL scheme: `pattern` for the pattern scheme, `params` for its placeholders. */
        url: z
          .strictObject(
            {
              pattern: text.optional(),
              params: z.record(z.string(), z.union([z.string(), z.number()], { error: 'expected a string or number' }), { error: 'expected a table' }).optional(),
            },
            TABLE,
          )
          .optional(),
        strict: z.boolean({ error: 'expected true or false' }).optional(),
        check_duplicates: z.boolean({ error: 'expected true or false' }).optional(),
        skip_invalid: z.boolean({ error: 'expected true or false' }).optional(),
        /** Worker threads of the command for an NDJSON file → file run, and for validating one: "auto" or a count (1: none). */
        workers: z
          .union([z.literal('auto'), z.number().int(WORKERS).min(1, WORKERS)], WORKERS)
          .optional(),
        memory: z
          .strictObject({
            max_memory_mb: positive.optional(),
            strategy_preset: z
              .enum(Object.keys(MEMORY_PRESETS) as [MemoryPreset, ...MemoryPreset[]], {
                error: `expected one of ${Object.keys(MEMORY_PRESETS).map((p) => `"${p}"`).join(', ')}`,
              })
              .optional(),
            large_input_threshold: z.number({ error: 'expected a positive whole number' }).int({ error: 'expected a whole number' }).positive({ error: 'expected a positive whole number' }).optional(),
            sample_interval_ms: z.number({ error: 'expected a number' }).nonnegative({ error: 'expected a number >= 0' }).optional(),
          }, TABLE)
          .optional(),
      }, TABLE)
      .optional(),
  }, TABLE);

  return { pluginEntry: pluginEntrySchema, config: configSchema };
}

const requireZod = createRequire(import.meta.url);
let schemas: ReturnType<typeof buildSchemas> | undefined;

/**
 * The zod schemas of the configuration and of one `plugins` entry, built on
 * first use. Unknown keys are reported by {@link validateConfig} as warnings.
 *
 * @example
 * ```ts
 * configSchemas().config.safeParse({ web: { base_url: 'http://localhost:8080' } }).success; // true
 * ```
 */
export function configSchemas(): ReturnType<typeof buildSchemas> {
  schemas ??= buildSchemas((requireZod('zod') as typeof Zod).z);
  return schemas;
}

/** A validated configuration. */
export type M3ugenConfig = Zod.z.infer<ReturnType<typeof buildSchemas>['config']>;

/** A plugin entry of the `plugins` list. */
export type PluginEntry = Zod.z.infer<ReturnType<typeof buildSchemas>['pluginEntry']>;

/**
 * Types a JavaScript or TypeScript config file; returns its argument.
 *
 * @example
 * ```ts
 * // m3ugen.config.ts
 * import { defineConfig } from '@m3ugen/config';
 *
 * export default defineConfig({
 *   input: 'channels.ndjson',
 *   web: { base_url: 'https://tv.example/iptv' },
 *   proxy_generation: { proxy_id: '01ARZ3NDEKTSV4RRFFQ69G5FAV', memory: { max_memory_mb: 512 } },
 *   plugins: ['./my-plugin.mjs'],
 * });
 * ```
 */
export function defineConfig(config: M3ugenConfig): M3ugenConfig {
  return config;
}
