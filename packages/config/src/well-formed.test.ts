import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateConfig, validateWithSchema } from './load.js';
import { suggestConfigKey, unknownKeysOfWellFormed } from './well-formed.js';
import { propertyRuns } from '../../../test/support/property-runs.js';

// Each key gets a value that is sometimes right and sometimes wrong in the ways
// config files get it wrong; `valid` says which, so the property can check both
// directions: nothing zod refuses or changes passes the quick check, and what is
// valid (in plain objects) does pass it, so zod is rarely loaded.
type Sample = { value: unknown; valid: boolean };
const good = (...values: unknown[]): fc.Arbitrary<Sample> => fc.constantFrom(...values).map((value) => ({ value, valid: true }));
const bad = (...values: unknown[]): fc.Arbitrary<Sample> => fc.constantFrom(...values).map((value) => ({ value, valid: false }));
// Mostly right: a config with one wrong value among twenty valid ones must be common.
const either = (valid: fc.Arbitrary<Sample>, invalid: fc.Arbitrary<Sample>) => fc.oneof({ weight: 12, arbitrary: valid }, { weight: 1, arbitrary: invalid });

const plugin = { name: 'inline', apply: () => undefined };
const text = either(fc.string({ minLength: 1, maxLength: 8 }).map((value) => ({ value, valid: true })), bad('', 3, null, true, ['x'], { a: 1 }));
const bool = either(good(true, false), bad('yes', 0, 1, null, 'true'));
const positive = either(good(1, 512, 0.5, 1e9), bad(0, -1, Number.NaN, Number.POSITIVE_INFINITY, '512', null));
const positiveInt = either(good(1, 100_000, 2 ** 53 - 1), bad(0, -5, 1.5, 2 ** 53, Number.NaN, '100'));
const nonNegative = either(good(0, 1, 0.25, 250), bad(-0.1, Number.NaN, Number.POSITIVE_INFINITY, '5'));
const baseUrl = either(good('http://localhost:8080', 'https://tv.example/iptv/', 'http://[::1]:80'), bad('localhost:8080', 'ftp://x', 'https://x/?q=1', 'https://x/a b', '', 5));
const proxyId = either(good('01ARZ3NDEKTSV4RRFFQ69G5FAV'), bad('abc', '01ARZ3NDEKTSV4RRFFQ69G5FAU!', '', 7));
const preset = either(good('conservative', 'default', 'aggressive'), bad('fast', '', 'toString', 'constructor', 3));
const workers = either(good('auto', 1, 2, 16), bad('many', 0, 1.5, -1, 2 ** 53, 'AUTO', null));
const params = either(good({}, { region: 'eu', n: 3 }, { a: '' }), bad({ a: true }, { a: Number.NaN }, { a: null }, ['x'], 'x', { a: { b: 1 } }));
const pluginEntry = either(
  good('@m3ugen/attributes', './p.mjs', ['./p.mjs', {}], ['pkg', { a: [1] }], plugin),
  bad('', 42, ['pkg'], ['pkg', {}, 1], ['', {}], ['pkg', []], ['pkg', null], { name: 'no apply' }, null),
);
const plugins = either(fc.array(pluginEntry, { maxLength: 3 }).map((list) => ({ value: list.map((e) => e.value), valid: list.every((e) => e.valid) })), bad('x', { a: 1 }, null));

/** A table of `fields` (each maybe absent) plus maybe unknown keys, or a value that is not a table. */
function table(fields: Record<string, fc.Arbitrary<Sample>>): fc.Arbitrary<Sample> {
  const entries = Object.entries(fields).map(([key, arb]) => fc.option(arb.map((s) => [key, s] as const), { nil: undefined }));
  const extras = fc.array(fc.constantFrom('port', 'database', 'name', '__proto__', 'toString'), { maxLength: 2 });
  const object = fc.tuple(fc.tuple(...entries), extras, fc.constantFrom('absent', 'undefined', 'null')).map(([chosen, unknown, blank]) => {
    const value: Record<string, unknown> = {};
    let valid = true;
    for (const entry of chosen) {
      if (entry === undefined) continue;
      value[entry[0]] = entry[1].value;
      valid &&= entry[1].valid;
    }
    for (const key of unknown) Object.defineProperty(value, key, { value: blank === 'null' ? null : 1, enumerable: true, writable: true, configurable: true });
    if (blank === 'undefined' && Object.keys(fields)[0] !== undefined && !(Object.keys(fields)[0]! in value)) value[Object.keys(fields)[0]!] = undefined;
    return { value, valid };
  });
  return fc.oneof({ weight: 12, arbitrary: object }, { weight: 1, arbitrary: bad('a string', [], 5, true) });
}

const config = table({
  input: text,
  output: text,
  metrics: text,
  plugins,
  web: table({ base_url: baseUrl }),
  proxy_generation: table({
    enable_memory_tracking: bool,
    proxy_id: proxyId,
    strategy: text,
    url_scheme: text,
    url: table({ pattern: text, params }),
    strict: bool,
    check_duplicates: bool,
    skip_invalid: bool,
    workers,
    memory: table({ max_memory_mb: positive, strategy_preset: preset, large_input_threshold: positiveInt, sample_interval_ms: nonNegative }),
  }),
});

describe('the quick config check (no zod)', () => {
  it('accepts only what the zod schema accepts, with the same config and unknown keys, and accepts what is valid (property)', () => {
    fc.assert(
      fc.property(config, ({ value: raw, valid }) => {
        let reference: ReturnType<typeof validateWithSchema> | Error;
        try {
          reference = validateWithSchema(raw, 'm3ugen.toml');
        } catch (error) {
          reference = error as Error;
        }
        const quick = unknownKeysOfWellFormed(raw);
        if (valid) expect(quick).toBeDefined();
        if (quick === undefined) return;
        expect(reference).not.toBeInstanceOf(Error);
        const ours = validateConfig(raw, 'm3ugen.toml');
        const ref = reference as ReturnType<typeof validateWithSchema>;
        expect(ours.config).toEqual(ref.config);
        expect([...ours.unknownKeys].sort()).toEqual([...ref.unknownKeys].sort());
      }),
      { numRuns: propertyRuns(2000) },
    );
  });

  it('leaves class instances and other objects zod may take to zod', () => {
    class Web {
      base_url = 'http://localhost:8080';
    }
    expect(unknownKeysOfWellFormed({ web: new Web() })).toBeUndefined();
    expect(validateConfig({ web: new Web() }).config).toEqual({ web: { base_url: 'http://localhost:8080' } });
  });

  it('lists unknown keys in file order, and drops them without copying plugin objects', () => {
    expect(unknownKeysOfWellFormed({ port: 1, web: { base_url: 'http://x', port: 2 }, database: {} })).toEqual([['port'], ['web', 'port'], ['database']]);
    const { config } = validateConfig({ plugins: [plugin], extra: true });
    expect(config).toEqual({ plugins: [plugin] });
    expect(config.plugins?.[0]).toBe(plugin);
  });
});

describe('suggestConfigKey', () => {
  it.each([
    ['web.bse_url', 'web.base_url'],
    ['web.BASE_URL', 'web.base_url'],
    ['base_url', 'web.base_url'],
    ['proxy_generation.max_memory_mb', 'proxy_generation.memory.max_memory_mb'],
    ['proxy_generation.memory.strategy_presets', 'proxy_generation.memory.strategy_preset'],
    ['inputs', 'input'],
    ['check-duplicates', 'proxy_generation.check_duplicates'],
    ['checkDuplicates', 'proxy_generation.check_duplicates'],
    ['web.maxMemoryMb', 'proxy_generation.memory.max_memory_mb'],
    ['proxyGeneration', 'proxy_generation'],
    ['web.baseUrl', 'web.base_url'],
    ['web.proxy', undefined],
    ['check_duplicate', undefined],
    ['web.port', undefined],
    ['database', undefined],
    ['database.url', undefined],
  ])('%s → %s', (key, meant) => {
    expect(suggestConfigKey(key)).toBe(meant);
  });
});
