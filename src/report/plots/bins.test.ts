import { describe, expect, it } from 'vitest';
import { binValues, niceStep } from './bins.js';

describe('niceStep', () => {
  it('picks the smallest 1/2/2.5/5 x 10^k width that fits the bins', () => {
    expect(niceStep(100, 40)).toBe(2.5); // 100/40 = 2.5 exactly
    expect(niceStep(100, 50)).toBe(2);
    expect(niceStep(13, 40)).toBe(0.5); // 0.325 -> 0.5
    expect(niceStep(7, 10)).toBe(1); // 0.7 -> 1
    expect(niceStep(3000, 10)).toBe(500); // 300 -> 500
    expect(niceStep(0, 10)).toBe(1);
  });
});

describe('binValues', () => {
  it('counts values into round bins; an edge value goes to the bin it opens, the maximum to the last', () => {
    // step niceStep(4, 4) = 1; bins [1,2) [2,3) [3,4) [4,5]
    const b = binValues([1, 1.5, 2, 2.999, 3, 5, 4], { maxBins: 4 });
    expect(b.step).toBe(1);
    expect(b.bins).toEqual([
      { start: 1, end: 2, count: 2 },
      { start: 2, end: 3, count: 2 },
      { start: 3, end: 4, count: 1 },
      { start: 4, end: 5, count: 2 },
    ]);
    expect(b.below + b.above).toBe(0);
  });

  it('starts the first bin on a multiple of the step and keeps decimal edges exact', () => {
    // 0.25..0.65, span 0.4 over 4 bins -> step 0.1, first edge 0.2
    const b = binValues([0.25, 0.3, 0.65], { maxBins: 4 });
    expect(b.step).toBeCloseTo(0.1, 12);
    expect(b.bins.map((x) => [x.start, x.end, x.count])).toEqual([
      [0.2, 0.3, 1],
      [0.3, 0.4, 1],
      [0.4, 0.5, 0],
      [0.5, 0.6, 0],
      [0.6, 0.7, 1],
    ]);
  });

  it('counts what falls outside [lo, hi] instead of dropping it silently', () => {
    const b = binValues([0, 10, 20, 30, 1000], { lo: 10, hi: 30, maxBins: 2 });
    expect(b.below).toBe(1);
    expect(b.above).toBe(1);
    expect(b.bins.reduce((a, x) => a + x.count, 0)).toBe(3);
    expect(b.bins).toEqual([
      { start: 10, end: 20, count: 1 },
      { start: 20, end: 30, count: 2 },
    ]);
  });

  it('gives all-equal values a single round bin around them, and nothing for no values', () => {
    const b = binValues([50, 50, 50]);
    expect(b.bins).toEqual([{ start: 50, end: 55, count: 3 }]);
    expect(binValues([NaN]).bins).toEqual([]);
  });
});
