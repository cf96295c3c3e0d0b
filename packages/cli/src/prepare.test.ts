import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { recordIndexOf } from './prepare.js';

describe('recordIndexOf', () => {
  it('gives the JSON record a channel came from, past the records skipped before it', () => {
    expect([0, 1, 2].map((channel) => recordIndexOf(channel, [0, 3]))).toEqual([1, 2, 4]);
    expect(recordIndexOf(5, [])).toBe(5);
    expect(recordIndexOf(0, [1, 2])).toBe(0);
  });

  it('agrees with counting the records one by one (property)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.nat(60)), fc.nat(40), (skippedUnsorted, channel) => {
        const skipped = [...skippedUnsorted].sort((a, b) => a - b);
        // The channel-th record that was not skipped.
        let record = -1;
        for (let kept = -1; kept < channel; ) if (!skipped.includes(++record)) kept++;
        expect(recordIndexOf(channel, skipped)).toBe(record);
      }),
    );
  });
});
