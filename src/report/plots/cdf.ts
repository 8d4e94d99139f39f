import type { Histogram } from '../../core/metrics/histogram.js';

/** One point of a cumulative distribution: `fraction` of the samples are at most `value`. */
export interface CdfPoint {
  value: number;
  fraction: number;
}

/**
 * The levels a CDF is drawn at: every 0.5 % up to 99 %, then finer into the tail (every 0.1 % to
 * 99.9 %, then 99.95 % and the maximum), because the tail is what a latency CDF is read for and a
 * uniform grid would give it three points. 210 levels in all: the curve costs the same for ten
 * samples or ten million.
 */
export const CDF_LEVELS: readonly number[] = [
  ...Array.from({ length: 199 }, (_, i) => i / 200),
  ...Array.from({ length: 9 }, (_, i) => 0.99 + (i + 1) / 1000),
  0.9995,
  1,
];

/**
 * The CDF of a sample, read off its quantile function at `levels`: the point at level q is
 * (quantile(q), q), with quantiles interpolated linearly between order statistics exactly as the
 * summary's percentiles are (numpy's default). So the curve at 0.99 crosses the p99 the summary table
 * prints, and between order statistics it is the straight line through them.
 */
export function cdfFromSorted(sorted: ArrayLike<number>, levels: readonly number[] = CDF_LEVELS): CdfPoint[] {
  const n = sorted.length;
  if (n === 0) return [];
  return levels.map((q) => {
    const pos = q * (n - 1);
    const lo = Math.floor(pos);
    const hi = Math.ceil(pos);
    const a = sorted[lo] as number;
    const b = sorted[hi] as number;
    return { value: a + (b - a) * (pos - lo), fraction: q };
  });
}

/** The CDF of unsorted values (copied, then sorted once). */
export function cdfFromValues(values: Iterable<number>, levels: readonly number[] = CDF_LEVELS): CdfPoint[] {
  return cdfFromSorted(Float64Array.from(values).sort(), levels);
}

/**
 * The CDF of a histogram that may hold millions of samples (every inter-token gap of a run). While it
 * is exact the values are sorted once rather than once per level; past its exact limit the levels come
 * from its logarithmic buckets, within their 0.5 % relative error.
 */
export function cdfFromHistogram(h: Histogram, levels: readonly number[] = CDF_LEVELS): CdfPoint[] {
  if (h.count === 0) return [];
  if (h.state.values !== null) return cdfFromValues(h.state.values, levels);
  return levels.map((q) => ({ value: h.quantile(q), fraction: q }));
}
