import { describe, expect, it } from 'vitest';
import { gammaCdf, ksStatistic } from '../../../test/helpers/gamma-cdf.js';
import { arrivalBudget, arrivalOffsets, type ArrivalProcess } from './arrival-process.js';
import { sampleGamma } from './gamma.js';
import { poissonOffsets } from './poisson.js';
import { expectedArrivals, parseStages, stageAt, timeOfArrivals, type RateProfile } from './rate-profile.js';
import { createRng } from './rng.js';

const gapsOf = (t: number[]): number[] => t.slice(1).map((x, i) => x - t[i]!);
const meanOf = (x: number[]): number => x.reduce((a, b) => a + b, 0) / x.length;
const cvOf = (x: number[]): number => {
  const m = meanOf(x);
  return Math.sqrt(x.reduce((a, b) => a + (b - m) ** 2, 0) / (x.length - 1)) / m;
};

describe('gamma sampling', () => {
  it.each([0.25, 0.5, 1, 2.5, 8])('Gamma(%s, 1) has mean k, variance k, and passes KS', (k) => {
    const rng = createRng(11);
    const xs = Array.from({ length: 20_000 }, () => sampleGamma(rng, k));
    const n = xs.length;
    // The sample mean's s.d. is sqrt(k/n); allow 5.
    expect(Math.abs(meanOf(xs) - k)).toBeLessThan(5 * Math.sqrt(k / n));
    expect(ksStatistic(xs, (x) => gammaCdf(k, x))).toBeLessThan(1.95 / Math.sqrt(n));
  });
});

describe('arrival processes at a constant rate', () => {
  const constant: RateProfile = { kind: 'constant', ratePerSec: 50 };

  it('poisson gives exactly the schedule poissonOffsets gave (the same seed repeats old runs)', () => {
    const a = [...arrivalOffsets(createRng(5), { kind: 'poisson' }, constant, { maxCount: 500 })];
    const b = [...poissonOffsets(createRng(5), 50, { maxCount: 500 })];
    expect(a).toEqual(b);
  });

  it.each([0.3, 1, 4])('gamma with burstiness %s: mean gap 1/rate, CV 1/sqrt(B), gamma law by KS', (b) => {
    const process: ArrivalProcess = { kind: 'gamma', burstiness: b };
    const offsets = [...arrivalOffsets(createRng(3), process, constant, { maxCount: 8001 })];
    const gaps = gapsOf(offsets);
    const n = gaps.length;
    const mean = meanOf(gaps);
    expect(offsets[0]).toBe(0);
    expect(Math.abs(mean - 20)).toBeLessThan((5 * 20) / Math.sqrt(b * n));
    // CV's sampling error is about CV/sqrt(2n) for moderate shapes; allow a generous 10 %.
    expect(cvOf(gaps)).toBeGreaterThan((1 / Math.sqrt(b)) * 0.9);
    expect(cvOf(gaps)).toBeLessThan((1 / Math.sqrt(b)) * 1.1);
    // Gaps in ms are Gamma(B, scale 20/B): their CDF at x is P(B, x·B/20).
    expect(ksStatistic(gaps, (x) => gammaCdf(b, (x * b) / 20))).toBeLessThan(1.95 / Math.sqrt(n));
    // The test has power: exponential gaps fail it when B is not 1.
    if (b !== 1) {
      const exp = gapsOf([...arrivalOffsets(createRng(3), { kind: 'poisson' }, constant, { maxCount: 8001 })]);
      expect(ksStatistic(exp, (x) => gammaCdf(b, (x * b) / 20))).toBeGreaterThan(1.95 / Math.sqrt(n));
    }
  });

  it('constant gaps are exactly 1/rate', () => {
    const gaps = gapsOf([...arrivalOffsets(createRng(1), { kind: 'constant' }, constant, { maxCount: 100 })]);
    for (const g of gaps) expect(g).toBeCloseTo(20, 9);
  });

  it('stops at the duration', () => {
    const t = [...arrivalOffsets(createRng(1), { kind: 'constant' }, constant, { maxCount: 1000, maxDurationMs: 1000 })];
    expect(t).toHaveLength(50);
  });
});

describe('rate profiles', () => {
  const linear: RateProfile = { kind: 'ramp', strategy: 'linear', startPerSec: 2, endPerSec: 40, durationSec: 30 };
  const expo: RateProfile = { kind: 'ramp', strategy: 'exponential', startPerSec: 1, endPerSec: 64, durationSec: 12 };
  const down: RateProfile = { kind: 'ramp', strategy: 'linear', startPerSec: 30, endPerSec: 0, durationSec: 10 };
  const stages: RateProfile = { kind: 'stages', stages: [{ ratePerSec: 10, durationSec: 5 }, { ratePerSec: 40, durationSec: 2 }, { ratePerSec: 5, durationSec: 4 }] };

  it.each([
    ['linear', linear],
    ['exponential', expo],
    ['linear down to 0', down],
    ['stages', stages],
  ] as const)('%s: Λ⁻¹ inverts Λ', (_, p) => {
    const d = p.kind === 'ramp' ? p.durationSec : 11;
    for (let t = 0; t <= d; t += d / 37) expect(timeOfArrivals(p, expectedArrivals(p, t))).toBeCloseTo(t, 6);
    expect(timeOfArrivals(p, expectedArrivals(p, d) + 1)).toBe(Infinity);
  });

  it('a linear ramp delivers the asked rate in every window (Poisson counts within 5 s.d.)', () => {
    const t = [...arrivalOffsets(createRng(9), { kind: 'poisson' }, linear, { maxCount: 1e6 })].map((x) => x / 1000);
    for (let w = 0; w < 30; w += 3) {
      const expected = expectedArrivals(linear, w + 3) - expectedArrivals(linear, w);
      const got = t.filter((x) => x >= w && x < w + 3).length;
      expect(Math.abs(got - expected)).toBeLessThan(5 * Math.sqrt(expected) + 1);
    }
    expect(Math.max(...t)).toBeLessThan(30);
  });

  it('an exponential ramp with constant gaps doubles its count every equal slice', () => {
    const t = [...arrivalOffsets(createRng(9), { kind: 'constant' }, expo, { maxCount: 1e6 })].map((x) => x / 1000);
    // Λ(12) = (64 - 1)/k with k = ln 64 / 12: 181.8 expected arrivals; constant gaps give exactly floor + 1.
    expect(t).toHaveLength(Math.floor(expectedArrivals(expo, 12)) + 1);
    const count = (a: number, b: number): number => t.filter((x) => x >= a && x < b).length;
    // 1 -> 64 req/s in 12 s doubles the rate every 2 s, so each 2 s slice holds twice the last.
    expect(count(10, 12) / count(8, 10)).toBeCloseTo(2, 1);
    expect(count(2, 4) / count(0, 2)).toBeCloseTo(2, 0);
  });

  it('stages: counts per stage match the stage rates; each instant knows its stage', () => {
    const t = [...arrivalOffsets(createRng(2), { kind: 'constant' }, stages, { maxCount: 1e6 })].map((x) => x / 1000);
    const perStage = [0, 0, 0];
    for (const x of t) perStage[stageAt(stages, x)]!++;
    expect(perStage).toEqual([50, 80, 20]);
    expect(stageAt(stages, 4.999)).toBe(0);
    expect(stageAt(stages, 5)).toBe(1);
    expect(stageAt(stages, 100)).toBe(2);
  });

  it('parses stages and names a bad step', () => {
    expect(parseStages('10:60, 20:60,40.5:120')).toEqual([
      { ratePerSec: 10, durationSec: 60 },
      { ratePerSec: 20, durationSec: 60 },
      { ratePerSec: 40.5, durationSec: 120 },
    ]);
    expect(parseStages('10:60,x:5')).toEqual({ error: 'step 2 "x:5" is not RATE:SECONDS with both > 0 (e.g. 10:60,20:60,40:120)' });
    expect(parseStages('10:0')).toMatchObject({ error: expect.stringContaining('step 1') });
  });

  it('the request budget covers the arrivals of a profile', () => {
    const expected = expectedArrivals(stages, 11);
    for (let seed = 0; seed < 50; seed++) {
      const n = [...arrivalOffsets(createRng(seed), { kind: 'gamma', burstiness: 0.2 }, stages, { maxCount: 1e6 })].length;
      expect(n).toBeLessThanOrEqual(arrivalBudget(expected, { kind: 'gamma', burstiness: 0.2 }));
    }
  });
});
