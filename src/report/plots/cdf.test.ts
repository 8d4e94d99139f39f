import { describe, expect, it } from 'vitest';
import { createHistogram } from '../../core/metrics/histogram.js';
import { CDF_LEVELS, cdfFromHistogram, cdfFromSorted, cdfFromValues } from './cdf.js';

describe('CDF from quantiles', () => {
  it('reads the quantile function at each level, interpolating between order statistics', () => {
    // Sorted 10, 20, 30, 40, 50: level q sits at position 4q.
    const cdf = cdfFromSorted([10, 20, 30, 40, 50], [0, 0.1, 0.25, 0.5, 0.9, 1]);
    expect(cdf).toEqual([
      { value: 10, fraction: 0 },
      { value: 14, fraction: 0.1 }, // position 0.4: 10 + 0.4 * 10
      { value: 20, fraction: 0.25 },
      { value: 30, fraction: 0.5 },
      { value: 46, fraction: 0.9 }, // position 3.6
      { value: 50, fraction: 1 },
    ]);
  });

  it('sorts unsorted input and agrees with the histogram while exact', () => {
    const values = [5, 1, 4, 2, 3];
    const h = createHistogram();
    for (const v of values) h.add(v);
    expect(cdfFromValues(values)).toEqual(cdfFromHistogram(h));
    const at = (q: number): number | undefined => cdfFromValues(values).find((p) => p.fraction === q)?.value;
    expect(at(0.5)).toBe(3);
    expect(at(1)).toBe(5);
  });

  it('uses the buckets past the exact limit, within their relative error', () => {
    const h = createHistogram({ exactLimit: 10 });
    for (let i = 1; i <= 1000; i++) h.add(i);
    const p50 = cdfFromHistogram(h).find((p) => p.fraction === 0.5)?.value ?? NaN;
    expect(Math.abs(p50 - 500.5) / 500.5).toBeLessThan(0.01);
  });

  it('has increasing levels from 0 to 1, denser in the tail', () => {
    expect(CDF_LEVELS[0]).toBe(0);
    expect(CDF_LEVELS[CDF_LEVELS.length - 1]).toBe(1);
    for (let i = 1; i < CDF_LEVELS.length; i++) expect(CDF_LEVELS[i]).toBeGreaterThan(CDF_LEVELS[i - 1] as number);
    expect(CDF_LEVELS.filter((q) => q > 0.99).length).toBe(11);
    expect(CDF_LEVELS).toHaveLength(210);
    expect(cdfFromSorted([])).toEqual([]);
  });
});
