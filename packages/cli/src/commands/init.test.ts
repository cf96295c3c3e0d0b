import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configSchemas, loadConfig } from '@m3ugen/config';
import { describe, expect, it } from 'vitest';
import { firstConfig } from './init.js';

/** The config `text` gives, loaded as the command loads a file. */
async function load(text: string): Promise<Awaited<ReturnType<typeof loadConfig>>> {
  const file = join(mkdtempSync(join(tmpdir(), 'm3ugen-init-')), 'm3ugen.config.toml');
  writeFileSync(file, text);
  return loadConfig({ file });
}

/** Every key path the config schema has, tables left out (`proxy_generation.memory.max_memory_mb`). */
function schemaKeys(): string[] {
  type Node = { def?: { type?: string; innerType?: Node; in?: Node }; shape?: Record<string, Node> };
  const leaves = (node: Node, prefix: string): string[] => {
    let inner = node;
    while (inner.def !== undefined && ['optional', 'nullable', 'default', 'pipe', 'readonly'].includes(inner.def.type ?? '')) inner = (inner.def.innerType ?? inner.def.in)!;
    if (inner.def?.type !== 'object') return [];
    return Object.entries(inner.shape!).flatMap(([key, value]) => {
      const below = leaves(value, `${prefix}${key}.`);
      return below.length > 0 ? below : [`${prefix}${key}`];
    });
  };
  return leaves(configSchemas().config as unknown as Node, '');
}

function valueAt(config: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], config);
}

describe('firstConfig', () => {
  it('loads as it is written, setting nothing the flags did not give', async () => {
    const { config, unknownKeys } = await load(firstConfig({}));
    expect(unknownKeys).toEqual([]);
    for (const key of schemaKeys()) expect(valueAt(config, key), key).toBeUndefined();
  });

  it('holds every key of the schema, each valid once uncommented', async () => {
    // `# key = value   # example` and `# [table]` lines, made live.
    const live = firstConfig({})
      .split('\n')
      .map((line) => line.replace(/^# ((?:[a-z_]+ = |\[[a-z_.]+\]).*?)(?: {3}# example)?$/, '$1'))
      .join('\n');
    const { config, unknownKeys } = await load(live);
    expect(unknownKeys).toEqual([]);
    const keys = schemaKeys();
    expect(keys.length).toBeGreaterThan(15);
    for (const key of keys) expect(valueAt(config, key), key).toBeDefined();
  });

  it('writes the values given, quoted as TOML, whatever they hold', async () => {
    const values = { input: 'in "quoted"\\dir/c.ndjson', output: '-', baseUrl: 'https://tv.example/iptv', proxyId: '01ARZ3NDEKTSV4RRFFQ69G5FAV' };
    const { config } = await load(firstConfig(values));
    expect(config).toMatchObject({ input: values.input, output: '-', web: { base_url: values.baseUrl }, proxy_generation: { proxy_id: values.proxyId } });
  });
});
