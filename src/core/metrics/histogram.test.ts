import { describe, expect, it } from 'vitest';
import { createRng } from '../arrival/rng.js';
import { createHistogram, exactQuantile } from './histogram.js';

describe('exactQuantile', () => {
  it('interpolates linearly between order statistics, as numpy.percentile does', () => {
    // numpy.percentile([1, 2, 3, 4], [0, 50, 90, 100]) == [1, 2.5, 3.7, 4]
    expect(exactQuantile([4, 1, 3, 2], 0)).toBe(1);
    expect(exactQuantile([4, 1, 3, 2], 0.5)).toBe(2.5);
    expect(exactQuantile([4, 1, 3, 2], 0.9)).toBeCloseTo(3.7, 12);
    expect(exactQuantile([4, 1, 3, 2], 1)).toBe(4);
    expect(exactQuantile([7], 0.99)).toBe(7);
    expect(exactQuantile([], 0.5)).toBeNaN();
  });
});

describe('createHistogram', () => {
  it('is exact below the limit', () => {
    const h = createHistogram();
    for (const v of [10, 20, 30, 40, 50]) h.add(v);
    expect(h.exact).toBe(true);
    expect(h.count).toBe(5);
    expect(h.sum).toBe(150);
    expect(h.min).toBe(10);
    expect(h.max).toBe(50);
    expect(h.quantile(0.5)).toBe(30);
    expect(h.quantile(0.99)).toBeCloseTo(49.6, 10);
  });

  it('past the limit, quantiles stay within the relative accuracy and memory is bounded', () => {
    const rng = createRng(5);
    const values: number[] = [];
    const h = createHistogram({ exactLimit: 1000, relativeAccuracy: 0.005 });
    for (let i = 0; i < 50_000; i++) {
      const v = Math.exp(rng.next() * 10); // 1 .. 22,000, log-uniform
      values.push(v);
      h.add(v);
    }
    expect(h.exact).toBe(false);
    expect(h.state.buckets.size).toBeLessThan(2100); // ln(22026)/ln(1.01005) ~ 1000 buckets
    for (const q of [0.01, 0.5, 0.9, 0.99, 0.999]) {
      const truth = exactQuantile(values, q);
      // The rank may land on a neighbouring order statistic; with 50k samples, neighbours differ by far less than 0.5 %.
      expect(Math.abs(h.quantile(q) - truth) / truth).toBeLessThan(0.006);
    }
    expect(h.min).toBe(Math.min(...values));
    expect(h.max).toBe(Math.max(...values));
  });

  it('merging equals adding everything to one (exact and bucketed)', () => {
    const rng = createRng(6);
    const all = createHistogram({ exactLimit: 100 });
    const a = createHistogram({ exactLimit: 100 });
    const b = createHistogram({ exactLimit: 100 });
    for (let i = 0; i < 300; i++) {
      const v = rng.next() * 100;
      all.add(v);
      (i % 2 ? a : b).add(v);
    }
    a.merge(b);
    expect(a.count).toBe(300);
    expect(a.sum).toBeCloseTo(all.sum, 9);
    for (const q of [0.1, 0.5, 0.99]) expect(a.quantile(q)).toBeCloseTo(all.quantile(q), 9);

    const x = createHistogram();
    const y = createHistogram();
    x.add(1);
    y.add(3);
    x.merge(y);
    expect(x.exact).toBe(true);
    expect(x.quantile(0.5)).toBe(2);
  });

  it('zeros and negatives count, non-finite values are ignored', () => {
    const h = createHistogram({ exactLimit: 2 });
    h.add(0);
    h.add(-0.5);
    h.add(5);
    h.add(NaN);
    h.add(Infinity);
    expect(h.count).toBe(3);
    expect(h.min).toBe(-0.5);
    expect(h.quantile(0)).toBe(-0.5);
    expect(h.quantile(1)).toBe(5);
  });
});
