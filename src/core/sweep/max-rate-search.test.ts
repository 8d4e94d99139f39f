import { describe, expect, it } from 'vitest';
import { createMaxRateSearch } from './max-rate-search.js';
import { spreadRates } from './spread-rates.js';

/** Drive a search against a server whose objectives hold exactly up to `limit`. */
function search(limit: number, start: number, precision: number, maxTrials = 30) {
  const s = createMaxRateSearch({ startRatePerSec: start, precisionPerSec: precision, maxTrials });
  for (let r = s.next(), i = 0; r !== null; r = s.next(), i++) s.record(r, r <= limit, i);
  return s.result();
}

describe('createMaxRateSearch', () => {
  it.each([
    [7.3, 20, 0.5],
    [19.9, 20, 0.25],
    [33, 20, 1],
    [0.8, 20, 0.1],
    [100, 20, 2],
  ])('finds a limit of %f req/s from a start of %f to within %f', (limit, start, precision) => {
    const r = search(limit, start, precision);
    expect(r.rate).not.toBeNull();
    expect(r.rate as number).toBeLessThanOrEqual(limit);
    expect(r.upper as number).toBeGreaterThan(limit);
    expect((r.upper as number) - (r.rate as number)).toBeLessThanOrEqual(precision);
    expect(r.note).toContain('within the precision');
    // Every trial's verdict is consistent with the limit.
    for (const t of r.trials) expect(t.held).toBe(t.ratePerSec <= limit);
  });

  it('reports no rate when even very low rates fail, and says so', () => {
    const r = search(0, 8, 0.5);
    expect(r.rate).toBeNull();
    expect(r.note).toContain('failed even at');
  });

  it('stops at maxTrials with the bracket it has', () => {
    const r = search(7.3, 20, 0.0001, 5);
    expect(r.trials).toHaveLength(5);
    expect(r.note).toContain('stopped after 5 trials');
    expect(r.rate as number).toBeLessThanOrEqual(7.3);
  });

  it('notices a non-monotone answer (noise at the boundary) rather than looping', () => {
    const s = createMaxRateSearch({ startRatePerSec: 10, precisionPerSec: 0.1, maxTrials: 20 });
    s.record(s.next() as number, false, 0); // 10 fails
    s.record(s.next() as number, true, 1); // 5 holds
    const mid = s.next() as number;
    s.record(mid, false, 2);
    s.record(8, true, 3); // held above a failure
    expect(s.next()).toBeNull();
    expect(s.result().note).toContain('not monotone');
  });
});

describe('spreadRates', () => {
  it('spreads from a tenth of the maximum to 10% past it', () => {
    expect(spreadRates(50, 6)).toEqual([5, 15, 25, 35, 45, 55]);
    expect(spreadRates(50, 1)).toEqual([55]);
    const r = spreadRates(3.7, 8);
    expect(r).toHaveLength(8);
    expect(r[0]).toBeCloseTo(0.37, 2);
    expect(r.at(-1)).toBeCloseTo(4.07, 2);
    for (let i = 1; i < r.length; i++) expect(r[i] as number).toBeGreaterThan(r[i - 1] as number);
  });
  it('refuses nonsense', () => {
    expect(() => spreadRates(0, 3)).toThrow(RangeError);
    expect(() => spreadRates(10, 0)).toThrow(RangeError);
  });
});
