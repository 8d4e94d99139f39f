import { describe, expect, it } from 'vitest';
import { downsampleSeries, type SeriesPoint } from './telemetry-downsample.js';

describe('downsampleSeries', () => {
  it('returns a short series unchanged', () => {
    const pts: SeriesPoint[] = [
      { tMs: 0, value: 1 },
      { tMs: 100, value: null },
      { tMs: 200, value: 3 },
    ];
    expect(downsampleSeries(pts, 3)).toEqual(pts);
  });

  it('keeps each bin’s lowest and highest reading in time order, so a one-sample spike survives', () => {
    // 36,000 readings (an hour at 100 ms) of a flat 10, one spike to 95 and one dip to 2.
    const pts: SeriesPoint[] = Array.from({ length: 36_000 }, (_, i) => ({ tMs: i * 100, value: i === 12_345 ? 95 : i === 30_001 ? 2 : 10 }));
    const out = downsampleSeries(pts, 2000);
    expect(out.length).toBeLessThanOrEqual(2000);
    expect(out.length).toBeGreaterThan(600);
    expect(out).toContainEqual({ tMs: 1_234_500, value: 95 });
    expect(out).toContainEqual({ tMs: 3_000_100, value: 2 });
    for (let i = 1; i < out.length; i++) expect((out[i] as SeriesPoint).tMs).toBeGreaterThan((out[i - 1] as SeriesPoint).tMs);
    // Same input, same output: the plots are deterministic.
    expect(downsampleSeries(pts, 2000)).toEqual(out);
  });

  it('keeps gaps: a failed scrape still breaks the line, and an all-gap stretch stays a gap', () => {
    const pts: SeriesPoint[] = Array.from({ length: 10_000 }, (_, i) => ({ tMs: i, value: i === 5000 || (i >= 8000 && i < 9000) ? null : i % 7 }));
    const out = downsampleSeries(pts, 300);
    expect(out.filter((p) => p.value === null).map((p) => p.tMs)).toContain(5000);
    const lateGaps = out.filter((p) => p.tMs >= 8000 && p.tMs < 9000);
    expect(lateGaps.length).toBeGreaterThan(0);
    expect(lateGaps.every((p) => p.value === null)).toBe(true);
    expect(out.length).toBeLessThanOrEqual(300);
  });
});
