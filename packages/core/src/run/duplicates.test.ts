import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FingerprintMap, FingerprintSet, NumberSet, writeFingerprint } from './duplicates.js';

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

describe('writeFingerprint', () => {
  /** How many of `ids` share a 32-bit lane with an earlier one, per lane, and how many share both. */
  const collisions = (ids: readonly string[]): { hi: number; lo: number; both: number } => {
    const prints = new Uint32Array(2);
    const hi = new Set<number>();
    const lo = new Set<number>();
    const both = new Set<number>();
    for (const id of ids) {
      writeFingerprint(id, prints, 0);
      hi.add(prints[0]!);
      lo.add(prints[1]!);
      both.add(prints[0]! * 2 ** 21 + (prints[1]! >>> 11));
    }
    return { hi: ids.length - hi.size, lo: ids.length - lo.size, both: ids.length - both.size };
  };
  // 300,000 random 32-bit values share one about 10.5 times; a lane that ignored some bits would share far more.
  const chance = (300_000 * 299_999) / 2 / 2 ** 32;

  it.each([
    ['numbered ids', (i: number) => `channel-${i}`],
    ['UUIDs that differ in their last hex digits', (i: number) => `550e8400-e29b-41d4-a716-${i.toString(16).padStart(12, '0')}`],
    // Each lane reads two code units per step: the upper one (odd positions) must count as much as the lower.
    ['ids that differ only at odd positions', (i: number) => [...i.toString(16).padStart(6, '0')].map((digit) => `x${digit}`).join('')],
    ['ids that differ only at even positions', (i: number) => [...i.toString(16).padStart(6, '0')].map((digit) => `${digit}x`).join('')],
    ['ids of other alphabets', (i: number) => `频道-${String.fromCharCode(0x4e00 + (i % 20_000))}${String.fromCharCode(0x0400 + Math.floor(i / 20_000))}`],
  ])('keeps ids apart as random 64-bit values would: %s', (_, id) => {
    const ids = Array.from({ length: 300_000 }, (_, i) => id(i));
    expect(new Set(ids).size).toBe(ids.length);
    const { hi, lo, both } = collisions(ids);
    expect(both).toBe(0);
    expect(hi).toBeLessThan(chance * 3);
    expect(lo).toBeLessThan(chance * 3);
  });

  it('tells apart ids of different lengths that read alike', () => {
    const prints = new Uint32Array(6);
    writeFingerprint('a', prints, 0);
    writeFingerprint('a\u0000', prints, 2);
    writeFingerprint('', prints, 4);
    expect(new Set([`${prints[0]}:${prints[1]}`, `${prints[2]}:${prints[3]}`, `${prints[4]}:${prints[5]}`]).size).toBe(3);
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

  it('sized for the numbers expected, still tells numbers past them, and takes any size given', () => {
    for (const expected of [1_000_000, 0, -5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 40]) {
      const set = new NumberSet(expected);
      for (const n of [1, 999_999, 1_000_000, 1_000_001, 2 ** 26, 2 ** 40]) {
        expect(set.add(n)).toBe(true);
        expect(set.add(n)).toBe(false);
      }
    }
  });
});

describe('FingerprintMap', () => {
  it('behaves like a Map under any sequence of sets, deletions and reservations, across growth (property)', () => {
    // Few distinct keys and many operations: long probe clusters, deletions inside them, and growth.
    const key = fc.integer({ min: 0, max: 1500 }).map((n) => `id-${n}`);
    const op = fc.oneof(
      fc.record({ set: key, value: fc.nat({ max: 50 }) }),
      // Mostly deletions of the value held (those remove), some of another value (those must not).
      fc.record({ del: key, held: fc.boolean(), value: fc.nat({ max: 50 }) }),
      // Room made at once, as a cache does for a run that knows its channel count: the entries held stay.
      fc.record({ reserve: fc.nat({ max: 5000 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { minLength: 1500, maxLength: 4000 }), (ops) => {
        const map = new FingerprintMap();
        const oracle = new Map<string, number>();
        for (const o of ops) {
          if ('set' in o) {
            map.set(o.set, o.value);
            oracle.set(o.set, o.value);
          } else if ('reserve' in o) {
            map.reserve(o.reserve);
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
