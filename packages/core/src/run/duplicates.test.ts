import { describe, expect, it } from 'vitest';
import { FingerprintSet, NumberSet } from './duplicates.js';

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
