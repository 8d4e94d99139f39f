import { describe, expect, it } from 'vitest';
import { ratePerBin } from './rate-per-bin.js';

describe('ratePerBin', () => {
  it('counts events per second over the span; the last bin ends at the span and is rated over it', () => {
    const times = [0, 100, 999.9, 1000, 2500, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10_000, 10_500];
    const { binS, bins } = ratePerBin(times, 10_500);
    expect(binS).toBe(1);
    expect(bins).toHaveLength(11);
    expect(bins.slice(0, 3).map((b) => [b.startS, b.endS, b.count, b.ratePerSec])).toEqual([
      [0, 1, 3, 3],
      [1, 2, 1, 1],
      [2, 3, 1, 1],
    ]);
    // [10, 10.5]: two events (10.5 s is the span's end) in half a second: 4 per second.
    expect(bins[10]).toEqual({ startS: 10, endS: 10.5, count: 2, ratePerSec: 4 });
  });

  it('widens the bins to a round width when one-second bins would be too many', () => {
    // 25 s span, at most 10 bins: 1 s (25) and 2 s (13) are too many, 5 s gives 5
    const times = Array.from({ length: 50 }, (_, i) => i * 500); // 2 per second for 25 s
    const { binS, bins } = ratePerBin(times, 25_000, 10);
    expect(binS).toBe(5);
    expect(bins).toHaveLength(5);
    expect(bins.every((b) => b.count === 10 && b.ratePerSec === 2)).toBe(true);
  });

  it('narrows them for a run of a few seconds, so it still has a shape', () => {
    // A 0.6 s run gets the narrowest width, 0.1 s (6 bins); a 3 s run 0.2 s (15 bins), the widest
    // that still gives 10.
    expect(ratePerBin([0, 599], 600).binS).toBe(0.1);
    const { binS, bins } = ratePerBin(Array.from({ length: 30 }, (_, i) => i * 100), 3000);
    expect(binS).toBe(0.2);
    expect(bins).toHaveLength(15);
    expect(bins.every((b) => Math.abs(b.ratePerSec - 10) < 1e-9)).toBe(true);
  });

  it('gives one empty bin for an empty run', () => {
    expect(ratePerBin([], 0).bins).toEqual([{ startS: 0, endS: 0.001, count: 0, ratePerSec: 0 }]);
  });
});
