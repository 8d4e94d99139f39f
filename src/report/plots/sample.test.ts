import { describe, expect, it } from 'vitest';
import { indicesOfLargest, sampleIndices } from './sample.js';

describe('sampleIndices', () => {
  it('draws everything when it fits', () => {
    expect(sampleIndices(4, 10)).toEqual({ indices: [0, 1, 2, 3], stride: 1 });
  });

  it('takes every k-th item plus the ones that must be kept, within the limit', () => {
    // 10 items, max 4, keep 7: room 3 -> stride ceil(10/3) = 4 -> 0, 4, 8 and 7
    const s = sampleIndices(10, 4, [7]);
    expect(s).toEqual({ indices: [0, 4, 7, 8], stride: 4 });
    expect(s.indices.length).toBeLessThanOrEqual(4);
  });

  it('is the same every time for the same input', () => {
    expect(sampleIndices(100_000, 5000, [3, 99_999])).toEqual(sampleIndices(100_000, 5000, [3, 99_999]));
  });
});

describe('indicesOfLargest', () => {
  it('finds the largest values, earlier index first on ties, skipping gaps', () => {
    expect(indicesOfLargest([5, null, 9, 5, NaN, 7], 3)).toEqual([2, 5, 0]);
    expect(indicesOfLargest([1, 2], 0)).toEqual([]);
  });
});
