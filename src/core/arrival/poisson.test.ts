import { describe, expect, it } from 'vitest';
import { exponentialGap, poissonOffsets } from './poisson.js';
import { createRng, deriveSeed } from './rng.js';

/** One-sample Kolmogorov-Smirnov statistic against Exp(rate). */
function ksExponential(samples: number[], ratePerMs: number): number {
  const s = [...samples].sort((a, b) => a - b);
  const n = s.length;
  let d = 0;
  s.forEach((x, i) => {
    const f = 1 - Math.exp(-ratePerMs * x);
    d = Math.max(d, (i + 1) / n - f, f - i / n);
  });
  return d;
}

describe('poissonOffsets', () => {
  it('starts at 0 and gives exponential gaps with the right mean (KS test)', () => {
    const rate = 20; // per second: mean gap 50 ms
    const offsets = [...poissonOffsets(createRng(42), rate, { maxCount: 5000 })];
    expect(offsets).toHaveLength(5000);
    expect(offsets[0]).toBe(0);
    const gaps = offsets.slice(1).map((t, i) => t - (offsets[i] as number));
    const n = gaps.length;
    const mean = gaps.reduce((a, b) => a + b, 0) / n;
    // The sample mean of n exponentials has standard deviation mean/sqrt(n); allow 4 of them.
    expect(Math.abs(mean - 50)).toBeLessThan((4 * 50) / Math.sqrt(n));
    // KS critical value at alpha = 0.001 is about 1.95/sqrt(n).
    expect(ksExponential(gaps, rate / 1000)).toBeLessThan(1.95 / Math.sqrt(n));
    // A uniform-gap process with the same mean must fail the same test (the test has power).
    const uniformGaps = gaps.map((_, i) => ((i % 100) + 0.5));
    expect(ksExponential(uniformGaps, rate / 1000)).toBeGreaterThan(1.95 / Math.sqrt(n));
  });

  it('offsets are absolute and non-decreasing; same seed, same schedule', () => {
    const a = [...poissonOffsets(createRng(7), 100, { maxCount: 200 })];
    const b = [...poissonOffsets(createRng(7), 100, { maxCount: 200 })];
    const c = [...poissonOffsets(createRng(8), 100, { maxCount: 200 })];
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    for (let i = 1; i < a.length; i++) expect(a[i]).toBeGreaterThanOrEqual(a[i - 1] as number);
  });

  it('stops at the duration limit or the count, whichever comes first', () => {
    const byTime = [...poissonOffsets(createRng(1), 100, { maxCount: 1_000_000, maxDurationMs: 2000 })];
    expect(byTime.every((t) => t < 2000)).toBe(true);
    // 2 s at 100/s: about 200 arrivals, Poisson sd ~14.
    expect(byTime.length).toBeGreaterThan(140);
    expect(byTime.length).toBeLessThan(260);
    const byCount = [...poissonOffsets(createRng(1), 100, { maxCount: 10, maxDurationMs: 60_000 })];
    expect(byCount).toHaveLength(10);
  });

  it('rate inf sends everything at once; a bad rate is refused', () => {
    expect([...poissonOffsets(createRng(1), Infinity, { maxCount: 3 })]).toEqual([0, 0, 0]);
    expect(() => [...poissonOffsets(createRng(1), 0, { maxCount: 3 })]).toThrow(RangeError);
    expect(exponentialGap(createRng(1), 0)).toBe(0);
  });

  it('sub-streams derived from one seed are independent and stable', () => {
    expect(deriveSeed(5, 'arrivals')).toBe(deriveSeed(5, 'arrivals'));
    expect(deriveSeed(5, 'arrivals')).not.toBe(deriveSeed(5, 'prompts'));
    expect(deriveSeed(5, 'arrivals')).not.toBe(deriveSeed(6, 'arrivals'));
  });
});

describe('createRng', () => {
  it('is uniform on [0, 1) (chi-square over 10 bins)', () => {
    const rng = createRng(123);
    const bins = new Array(10).fill(0);
    const n = 100_000;
    let outOfRange = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.next();
      if (!(u >= 0 && u < 1)) outOfRange++;
      bins[Math.floor(u * 10)]++;
    }
    expect(outOfRange).toBe(0);
    const expected = n / 10;
    const chi2 = bins.reduce((a, o) => a + (o - expected) ** 2 / expected, 0);
    // 9 degrees of freedom: the 0.999 quantile is 27.9.
    expect(chi2).toBeLessThan(27.9);
  });

  it('int(n) stays in range and rejects unsafe seeds', () => {
    const rng = createRng(9);
    for (let i = 0; i < 1000; i++) {
      const k = rng.int(26);
      expect(Number.isInteger(k) && k >= 0 && k < 26).toBe(true);
    }
    expect(() => createRng(1.5)).toThrow(RangeError);
  });
});
