import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { propertyRuns } from './property-runs.js';

describe('propertyRuns (pnpm test:deep)', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('is the count a property names, unless M3UGEN_PROPERTY_RUNS_SCALE scales it', () => {
    vi.stubEnv('M3UGEN_PROPERTY_RUNS_SCALE', '');
    expect(propertyRuns(300)).toBe(300);
    vi.stubEnv('M3UGEN_PROPERTY_RUNS_SCALE', '20');
    expect(propertyRuns(300)).toBe(6000);
    vi.stubEnv('M3UGEN_PROPERTY_RUNS_SCALE', '0.5');
    expect(propertyRuns(3)).toBe(2);
  });

  it('refuses a scale that is not a positive number rather than run the ordinary count', () => {
    for (const text of ['twenty', '0', '-2', 'Infinity']) {
      vi.stubEnv('M3UGEN_PROPERTY_RUNS_SCALE', text);
      expect(() => propertyRuns(100)).toThrow(`M3UGEN_PROPERTY_RUNS_SCALE: expected a positive number, got "${text}"`);
    }
  });

  it('scales fast-check’s default for properties that name no count (the setup file)', () => {
    // The setup file ran with this process's environment, before any stub (without it, fast-check's global numRuns is undefined).
    expect(fc.readConfigureGlobal().numRuns).toBe(propertyRuns(100));
  });
});
