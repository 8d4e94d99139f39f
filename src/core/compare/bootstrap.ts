import { createRng } from '../arrival/rng.js';
import { COMPARE_METRICS } from './compare-metrics.js';
import { createStatisticsEvaluator } from './compare-metrics.js';
import { quantilesInPlace } from './quickselect.js';
import type { RunSample } from './run-sample.js';

/** Bootstrap defaults: 2000 resamples (percentile intervals need ~1000+ to settle their tails), 95 %. */
export const BOOTSTRAP_DEFAULTS = { resamples: 2000, confidence: 0.95, seed: 1 } as const;

/**
 * A run's metrics and their bootstrap distribution: `point[m]` is metric m (COMPARE_METRICS order) over
 * the run's own requests, `resampled[m * resamples + b]` the same metric over resample b.
 */
export interface RunAnalysis {
  count: number;
  resamples: number;
  point: Float64Array;
  resampled: Float64Array;
}

/**
 * Resample a run's requests with replacement `resamples` times and evaluate every metric on each.
 * Randomness comes from `seed` alone (give each run its own, from deriveSeed), so a comparison is
 * reproducible: the same folders and options print the same intervals.
 */
export function analyzeSample(sample: RunSample, opts: { resamples: number; seed: number }): RunAnalysis {
  const m = COMPARE_METRICS.length;
  const evaluate = createStatisticsEvaluator(sample);
  const point = new Float64Array(m);
  evaluate(null, point);
  const resampled = new Float64Array(m * opts.resamples);
  const rng = createRng(opts.seed);
  const row = new Float64Array(m);
  for (let b = 0; b < opts.resamples; b++) {
    evaluate(rng, row);
    for (let k = 0; k < m; k++) resampled[k * opts.resamples + b] = row[k]!;
  }
  return { count: sample.count, resamples: opts.resamples, point, resampled };
}

/** An interval [low, high]. */
export interface Interval {
  low: number;
  high: number;
}

/**
 * The percentile bootstrap interval: the (1-c)/2 and (1+c)/2 quantiles of the bootstrap values, NaNs
 * (resamples where the statistic did not exist, e.g. no successful request drawn) left out. Null when
 * fewer than half of the resamples gave a value: then there is no distribution to speak of.
 */
export function percentileInterval(values: Float64Array, confidence: number): Interval | null {
  const finite = new Float64Array(values.length);
  let n = 0;
  for (const v of values) if (Number.isFinite(v)) finite[n++] = v;
  if (n === 0 || n < values.length / 2) return null;
  const alpha = 1 - confidence;
  const [low, high] = quantilesInPlace(finite, n, [alpha / 2, 1 - alpha / 2]);
  return { low: low!, high: high! };
}
