import { describe, expect, it } from 'vitest';
import type { PressureLevel } from '../memory/pressure.js';
import { proposeTakeover, selectAutomatically, type SelectionFacts } from './select.js';
import type { M3uStrategy, StrategyContract } from './strategy.js';

const ALL: PressureLevel[] = ['optimal', 'moderate', 'high', 'critical', 'emergency'];

function strategy(name: string, contract: Partial<StrategyContract>): M3uStrategy {
  return {
    name,
    description: name,
    contract: {
      estimateMemoryBytes: () => 0,
      supportedPressure: ALL,
      canTakeOverMidStage: false,
      boundedMemory: false,
      preference: 0,
      automatic: true,
      ...contract,
    },
    generate: () => Promise.resolve(),
  };
}

// The built-ins' contracts, restated so these tests pin the seed's rules.
const inMemory = strategy('in-memory', {
  estimateMemoryBytes: (n) => n * 2048,
  supportedPressure: ['optimal', 'moderate', 'high'],
  selectablePressure: ['optimal', 'moderate'],
  preference: 100,
});
const streaming = strategy('streaming', { boundedMemory: true, canTakeOverMidStage: true, preference: 50 });
const gzip = strategy('gzip', { automatic: false, preference: 1000 });

const facts = (overrides: Partial<SelectionFacts>): SelectionFacts => ({
  strategies: [streaming, inMemory, gzip],
  pressure: 'optimal',
  knownChannelCount: 1000,
  largeInputThreshold: 50_000,
  headroomBytes: 512 * 1024 * 1024,
  ...overrides,
});

describe('selectAutomatically (the seed rule over the registry)', () => {
  it.each([
    ['optimal', 'in-memory'],
    ['moderate', 'in-memory'],
    ['high', 'streaming'],
    ['critical', 'streaming'],
    ['emergency', 'streaming'],
  ] as const)('pressure %s → %s', (pressure, expected) => {
    const chosen = selectAutomatically(facts({ pressure }));
    expect(chosen.strategy).toBe(expected);
    expect(chosen.pressure).toBe(pressure);
  });

  it('sends inputs above the large-input threshold to a bounded strategy', () => {
    const chosen = selectAutomatically(facts({ knownChannelCount: 50_001 }));
    expect(chosen.strategy).toBe('streaming');
    expect(chosen.reason).toContain('too large for in-memory');
    expect(selectAutomatically(facts({ knownChannelCount: 50_000 })).strategy).toBe('in-memory');
  });

  it('sends inputs whose estimate exceeds the memory headroom to a bounded strategy', () => {
    expect(selectAutomatically(facts({ knownChannelCount: 1000, headroomBytes: 1000 * 2048 - 1 })).strategy).toBe('streaming');
  });

  it('prefers in-memory when the size is unknown (it can hand over later)', () => {
    expect(selectAutomatically(facts({ knownChannelCount: undefined })).strategy).toBe('in-memory');
  });

  it('puts strategies that write as they go first when the caller takes chunks as they are made (stream())', () => {
    const chosen = selectAutomatically(facts({ chunksWanted: true }));
    expect(chosen).toMatchObject({ strategy: 'streaming', reason: 'pressure optimal, 1,000 channels: chunks are read as they are made (stream()), so a strategy that writes as it goes' });
    // Among bounded ones preference decides, and without one the fastest eligible runs.
    const faster = strategy('faster-bounded', { boundedMemory: true, preference: 60 });
    expect(selectAutomatically(facts({ chunksWanted: true, strategies: [streaming, faster, inMemory] })).strategy).toBe('faster-bounded');
    expect(selectAutomatically(facts({ chunksWanted: true, strategies: [inMemory] }))).toMatchObject({ strategy: 'in-memory', reason: 'pressure optimal, 1,000 channels: fastest eligible strategy' });
  });

  it('never picks a non-automatic strategy, even with a higher preference', () => {
    expect(selectAutomatically(facts({})).strategy).not.toBe('gzip');
  });

  it('fails clearly when nothing qualifies', () => {
    expect(() => selectAutomatically(facts({ strategies: [inMemory], pressure: 'critical' }))).toThrow(
      /no registered strategy can run automatically at memory pressure "critical" with 1,000 channels; registered: "in-memory"/,
    );
  });
});

describe('proposeTakeover', () => {
  const base = { ...facts({}), channelsDone: 10, automatic: true };

  it('asks in-memory to hand over to streaming when pressure reaches critical', () => {
    expect(proposeTakeover(inMemory, { ...base, pressure: 'critical' })).toEqual({
      to: 'streaming',
      reason: 'memory pressure reached critical',
      pressure: 'critical',
    });
  });

  it('lets in-memory run on at high pressure', () => {
    expect(proposeTakeover(inMemory, { ...base, pressure: 'high' })).toBeUndefined();
  });

  it('hands over an automatic run of unknown size once it passes the threshold', () => {
    const grown = { ...base, knownChannelCount: undefined, channelsDone: 50_001 };
    expect(proposeTakeover(inMemory, grown)?.reason).toBe('input passed 50,000 channels');
    expect(proposeTakeover(inMemory, { ...grown, automatic: false })).toBeUndefined();
    expect(proposeTakeover(inMemory, { ...grown, knownChannelCount: 60_000 })).toBeUndefined();
  });

  it('proposes nothing when no strategy can take over', () => {
    expect(proposeTakeover(inMemory, { ...base, pressure: 'critical', strategies: [inMemory] })).toBeUndefined();
  });
});
