import { percentileInterval, type Interval, type RunAnalysis } from './bootstrap.js';
import { COMPARE_METRICS, METRIC_DEFS, type CompareMetric, type CompareMetricDef } from './compare-metrics.js';

/**
 * What a difference means for the user. 'no significant change' when the interval of the difference
 * contains 0; 'not available' when a run lacks the figure (no successful request, a single-token
 * output everywhere).
 */
export type Verdict = 'better' | 'worse' | 'no significant change' | 'not available';

/** One metric of run B against baseline A. */
export interface MetricComparison extends CompareMetricDef {
  metric: CompareMetric;
  /** The metric over each run's own requests; null when the run has no such figure. */
  a: number | null;
  b: number | null;
  /** b - a, in the metric's unit (percentage points for the error rate). */
  diff: number | null;
  /** 100 * (b - a) / a; null when a is 0 or missing. */
  diffPct: number | null;
  /** Bootstrap percentile interval of b - a at the comparison's confidence. */
  ci: Interval | null;
  /** The same for the relative difference, in percent. */
  ciPct: Interval | null;
  verdict: Verdict;
}

/** The bootstrap distribution of B - A (or of 100 (B - A) / A) for one metric. */
export function differenceDistribution(a: RunAnalysis, b: RunAnalysis, metric: CompareMetric, relative: boolean): Float64Array {
  if (a.resamples !== b.resamples) throw new RangeError('both runs must be resampled the same number of times');
  const r = a.resamples;
  const k = COMPARE_METRICS.indexOf(metric);
  const out = new Float64Array(r);
  for (let i = 0; i < r; i++) {
    const va = a.resampled[k * r + i]!;
    const vb = b.resampled[k * r + i]!;
    // Each pair is independent: the two runs are resampled from separate seeds.
    out[i] = relative ? (va === 0 ? NaN : (100 * (vb - va)) / va) : vb - va;
  }
  return out;
}

/** Which way an interval lies from 0, read through the metric's direction. */
export function verdictOf(ci: Interval | null, better: CompareMetricDef['better']): Verdict {
  if (ci === null) return 'not available';
  const up = ci.low > 0;
  const down = ci.high < 0;
  if (!up && !down) return 'no significant change';
  return up === (better === 'higher') ? 'better' : 'worse';
}

/** Every metric of run B against baseline A, each with its interval at `confidence` and a verdict. */
export function compareAnalyses(a: RunAnalysis, b: RunAnalysis, confidence: number): MetricComparison[] {
  return COMPARE_METRICS.map((metric, k) => {
    const def = METRIC_DEFS[metric];
    const va = finiteOrNull(a.point[k]!);
    const vb = finiteOrNull(b.point[k]!);
    const both = va !== null && vb !== null;
    const ci = both ? percentileInterval(differenceDistribution(a, b, metric, false), confidence) : null;
    const ciPct = both && va !== 0 ? percentileInterval(differenceDistribution(a, b, metric, true), confidence) : null;
    return {
      metric,
      ...def,
      a: va,
      b: vb,
      diff: both ? vb - va : null,
      diffPct: both && va !== 0 ? (100 * (vb - va)) / va : null,
      ci,
      ciPct,
      verdict: verdictOf(ci, def.better),
    };
  });
}

function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}
