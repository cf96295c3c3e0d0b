import { describe, expect, it } from 'vitest';
import { OptionError } from '../errors.js';
import { MEMORY_PRESETS } from '../memory/pressure.js';
import { resolveOptions } from './options.js';

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
    expect(() => resolveOptions({ memory: { thresholds: { high: 0.99 } } })).toThrow(/memory.thresholds/);
    expect(() => resolveOptions({ strategy: '' })).toThrow(/option "strategy"/);
  });
});
