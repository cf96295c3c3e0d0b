import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FingerprintMap, FingerprintSet, NumberSet } from './duplicates.js';

describe('FingerprintSet', () => {
  it('tells new strings from repeated ones across growth', () => {
    const set = new FingerprintSet();
    for (let i = 0; i < 100_000; i++) expect(set.add(`550e8400-e29b-41d4-a716-${i.toString(16).padStart(12, '0')}`)).toBe(true);
    expect(set.size).toBe(100_000);
    expect(set.add('550e8400-e29b-41d4-a716-000000000000')).toBe(false);
    expect(set.add('550e8400-e29b-41d4-a716-00000001869f')).toBe(false);
    expect(set.add('')).toBe(true);
    expect(set.add('')).toBe(false);
  });

  it.each([
    ['fewer ids than expected', 1_000_000],
    ['as many as expected', 20_000],
    ['more ids than expected (the expectation was wrong)', 100],
  ])('works the same with an expected size: %s', (_, expected) => {
    const set = new FingerprintSet(expected);
    const id = (i: number): string => `550e8400-e29b-41d4-a716-${i.toString(16).padStart(12, '0')}`;
    for (let i = 0; i < 20_000; i++) expect(set.add(id(i))).toBe(true);
    for (let i = 0; i < 20_000; i += 997) expect(set.add(id(i))).toBe(false);
    expect(set.size).toBe(20_000);
  });
});

describe('NumberSet', () => {
  it('tells new numbers from repeated ones, small and huge', () => {
    const set = new NumberSet();
    expect(set.add(0)).toBe(true);
    expect(set.add(0)).toBe(false);
    expect(set.add(5_000_000)).toBe(true);
    expect(set.add(5_000_000)).toBe(false);
    expect(set.add(2 ** 40)).toBe(true);
    expect(set.add(2 ** 40)).toBe(false);
    expect(set.add(4_999_999)).toBe(true);
  });
});

describe('FingerprintMap', () => {
  it('behaves like a Map under any sequence of sets and deletions, across growth (property)', () => {
    // Few distinct keys and many operations: long probe clusters, deletions inside them, and growth.
    const key = fc.integer({ min: 0, max: 1500 }).map((n) => `id-${n}`);
    const op = fc.oneof(
      fc.record({ set: key, value: fc.nat({ max: 50 }) }),
      // Mostly deletions of the value held (those remove), some of another value (those must not).
      fc.record({ del: key, held: fc.boolean(), value: fc.nat({ max: 50 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { minLength: 1500, maxLength: 4000 }), (ops) => {
        const map = new FingerprintMap();
        const oracle = new Map<string, number>();
        for (const o of ops) {
          if ('set' in o) {
            map.set(o.set, o.value);
            oracle.set(o.set, o.value);
          } else {
            const value = o.held ? (oracle.get(o.del) ?? o.value) : o.value;
            map.deleteIf(o.del, value);
            if (oracle.get(o.del) === value) oracle.delete(o.del);
          }
        }
        expect(map.size).toBe(oracle.size);
        for (let n = 0; n <= 1500; n++) expect(map.get(`id-${n}`)).toBe(oracle.get(`id-${n}`) ?? -1);
      }),
      { numRuns: 40 },
    );
  });
});
