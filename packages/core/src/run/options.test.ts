import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { OptionError } from '../errors.js';
import { MEMORY_PRESETS } from '../memory/pressure.js';
import { checkOptionNames, closestAllowedValue, closestName, GENERATE_OPTION_NAMES, resolveOptions, sameWords, type GenerateOptions } from './options.js';

describe('resolveOptions', () => {
  it('fills the contract defaults', () => {
    const o = resolveOptions({});
    expect(o).toMatchObject({ baseUrl: 'http://localhost:8080', proxyId: undefined, strategy: 'auto', urlScheme: 'proxy', strict: false });
    expect(o.memory).toMatchObject({ maxMemoryBytes: 512 * 1024 * 1024, enableTracking: true, largeInputThreshold: 50_000, thresholds: MEMORY_PRESETS.default });
  });

  it('lets overrides win but never with undefined', () => {
    const o = resolveOptions({ baseUrl: 'http://a', memory: { maxMemoryMb: 256, preset: 'conservative' } }, { baseUrl: undefined, memory: { maxMemoryMb: undefined, enableTracking: false } });
    expect(o.baseUrl).toBe('http://a');
    expect(o.memory).toMatchObject({ maxMemoryBytes: 256 * 1024 * 1024, enableTracking: false, thresholds: MEMORY_PRESETS.conservative });
  });

  it('treats an empty or null proxy id as missing', () => {
    expect(resolveOptions({ proxyId: '' }).proxyId).toBeUndefined();
    expect(resolveOptions({ proxyId: 'X' }, { proxyId: null }).proxyId).toBeUndefined();
  });

  it('names the option that is wrong', () => {
    expect(() => resolveOptions({ memory: { maxMemoryMb: -1 } })).toThrow(new OptionError('memory.maxMemoryMb', 'expected a positive number, got -1'));
    expect(() => resolveOptions({ memory: { preset: 'fast' as never } })).toThrow(new OptionError('memory.preset', 'expected one of conservative, default, aggressive, got "fast"'));
    expect(() => resolveOptions({ memory: { preset: 'agressive' as never } })).toThrow(new OptionError('memory.preset', 'expected one of conservative, default, aggressive, got "agressive" (did you mean "aggressive"?)'));
    expect(() => resolveOptions({ memory: { thresholds: { high: 0.99 } } })).toThrow(/memory.thresholds/);
    expect(() => resolveOptions({ strategy: '' })).toThrow(/option "strategy"/);
  });

  it('refuses a value of the wrong type that would have passed for another (a flag as text, a number as text, a probe that is not a function)', () => {
    // "false" is truthy: taken as it came, strict: "false" would have been strict.
    expect(() => resolveOptions({ strict: 'false' as never })).toThrow(new OptionError('strict', 'expected true or false, got "false"'));
    expect(() => resolveOptions({}, { checkDuplicates: 0 as never })).toThrow(new OptionError('checkDuplicates', 'expected true or false, got 0'));
    expect(() => resolveOptions({ memory: { enableTracking: 'no' as never } })).toThrow(new OptionError('memory.enableTracking', 'expected true or false, got "no"'));
    expect(() => resolveOptions({ memory: { maxMemoryMb: '512' as never } })).toThrow(new OptionError('memory.maxMemoryMb', 'expected a positive number (a number, not text), got "512"'));
    expect(() => resolveOptions({ memory: { largeInputThreshold: 'many' as never } })).toThrow(new OptionError('memory.largeInputThreshold', 'expected a positive number, got "many"'));
    // A number JSON cannot write is shown as it is, not as "null".
    expect(() => resolveOptions({ memory: { maxMemoryMb: Number.NaN } })).toThrow(new OptionError('memory.maxMemoryMb', 'expected a positive number, got NaN'));
    expect(() => resolveOptions({ memory: { thresholds: { moderate: '0.5' as never } } })).toThrow(
      new OptionError('memory.thresholds.moderate', 'expected a fraction of memory.maxMemoryMb (a number such as 0.7), got "0.5"'),
    );
    expect(() => resolveOptions({ memory: { probe: { rssBytes: 1 } as never } })).toThrow(/^option "memory.probe": expected a function that reads memory .*, got an object$/);
    expect(() => resolveOptions({ urlOptions: 'pattern' as never })).toThrow(new OptionError('urlOptions', "expected an object of the URL scheme's options ({ pattern: '…' }), got \"pattern\""));
    expect(resolveOptions({ strict: true, checkDuplicates: false, memory: { enableTracking: false } })).toMatchObject({ strict: true, checkDuplicates: false, memory: { enableTracking: false } });
  });
});

describe('misspelt option names (plain JavaScript callers)', () => {
  it.each([
    [{ memory: { maxMemoryMB: 64 } }, 'option "memory.maxMemoryMB": unknown option (did you mean "maxMemoryMb"?)'],
    [{ memory: { thresholds: { critcal: 0.9 } } }, 'option "memory.thresholds.critcal": unknown option (did you mean "critical"?)'],
  ])('%j is refused, with the name it most likely meant, instead of running on the default', (options, message) => {
    expect(() => resolveOptions(options as GenerateOptions)).toThrow(OptionError);
    expect(() => resolveOptions(options as GenerateOptions)).toThrow(message);
  });

  it('lists the known names when nothing is close, and lets a key set to undefined pass as unset', () => {
    expect(() => checkOptionNames({ colour: 'red' }, ['baseUrl', 'strict'])).toThrow('option "colour": unknown option; known: baseUrl, strict');
    expect(() => checkOptionNames({ colour: undefined, strict: true }, ['baseUrl', 'strict'])).not.toThrow();
  });
});

describe('sameWords', () => {
  it('matches the same words in any naming style, and nothing spelt otherwise', () => {
    for (const style of ['checkDuplicates', 'check-duplicates', 'CHECK_DUPLICATES', 'check duplicates']) expect(sameWords(style, 'check_duplicates')).toBe(true);
    expect(sameWords('check_duplicate', 'check_duplicates')).toBe(false);
    expect(sameWords('checkduplicate', 'check_duplicates')).toBe(false);
  });
});

describe('closestName', () => {
  it('takes two neighbouring letters swapped as one slip, nearer than two letters changed', () => {
    expect(closestName('tow.ndjson', ['bom.ndjson', 'two.ndjson'])).toBe('two.ndjson');
    expect(closestName('stratgey', ['strategy', 'stratify'])).toBe('strategy');
  });

  it.each([
    ['baseurl', 'baseUrl'],
    ['stratgy', 'strategy'],
    ['urlSchema', 'urlScheme'],
    ['colour', undefined],
    // The same words in another naming style.
    ['base_url', 'baseUrl'],
    ['url-scheme', 'urlScheme'],
    ['CHECK_DUPLICATES', 'checkDuplicates'],
    // A value checked against names may be anything: what is not text is near none.
    [42, undefined],
    [null, undefined],
  ])('%s → %s', (typed, meant) => {
    expect(closestName(typed, GENERATE_OPTION_NAMES)).toBe(meant);
  });

  it.each([
    ['stream', ['auto', 'in-memory', 'streaming'], 'streaming'],
    ['memory', ['auto', 'in-memory', 'streaming'], 'in-memory'],
    // Two names fit: neither is said.
    ['memory', ['in-memory', 'memory-hog'], undefined],
    // Too short to tell.
    ['in', ['auto', 'in-memory', 'streaming'], undefined],
  ])('%s among %j → %s: a name cut short or its last word, when one name alone fits', (typed, names, meant) => {
    expect(closestName(typed, names)).toBe(meant);
  });
});

describe('closestAllowedValue', () => {
  const issueOf = (schema: z.ZodType, value: unknown): z.core.$ZodIssue => schema.safeParse(value).error!.issues[0]!;
  const part = z.enum(['full', 'first', 'last']);

  it('finds the value an enum, a literal or a union of them allowed that a slip meant', () => {
    expect(closestAllowedValue(issueOf(part, 'frist'), 'frist')).toBe('first');
    expect(closestAllowedValue(issueOf(z.literal('auto'), 'atuo'), 'atuo')).toBe('auto');
    // Every branch's names: a boolean or a part, an "auto" or a number.
    expect(closestAllowedValue(issueOf(z.union([z.boolean(), part]), 'Last'), 'Last')).toBe('last');
    expect(closestAllowedValue(issueOf(z.union([z.literal('auto'), z.number()]), 'atuo'), 'atuo')).toBe('auto');
  });

  it('says nothing for a value near none, one that is not text, or an issue not about a set of values', () => {
    expect(closestAllowedValue(issueOf(part, 'everything'), 'everything')).toBeUndefined();
    expect(closestAllowedValue(issueOf(part, 1), 1)).toBeUndefined();
    expect(closestAllowedValue(issueOf(z.string().min(3), 'fu'), 'fu')).toBeUndefined();
  });
});
