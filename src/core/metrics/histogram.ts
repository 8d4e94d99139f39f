/**
 * A mergeable distribution of non-negative samples (milliseconds, tokens/s ...), exact while small and
 * bounded in memory when large.
 *
 * Up to `exactLimit` samples every value is kept and percentiles are exact, with linear interpolation
 * between order statistics (numpy's default, which `vllm bench serve` uses, so small runs agree with it
 * to the digit). Past that, values fold into logarithmic buckets (the DDSketch scheme): bucket i holds
 * (gamma^(i-1), gamma^i] with gamma = (1+a)/(1-a), and reporting a bucket's midpoint 2*gamma^i/(gamma+1)
 * is within a relative error `a` of any value in it. With a = 0.5 % and values from 1 µs to a day,
 * that is at most ~5,000 buckets whatever the number of samples: memory stays flat over a long run
 * (one ITL sample per streamed chunk adds up fast). Count, sum, min and max stay exact throughout.
 */
export interface Histogram {
  add(value: number): void;
  /** Fold another histogram's samples into this one (shards, workers, levels). */
  merge(other: Histogram): void;
  readonly count: number;
  readonly sum: number;
  readonly min: number;
  readonly max: number;
  /** The q-quantile, q in [0, 1]; NaN when empty. */
  quantile(q: number): number;
  /** Whether quantiles are exact (no folding happened yet). */
  readonly exact: boolean;
  /** @internal state used by merge. */
  readonly state: HistogramState;
}

export interface HistogramState {
  values: number[] | null;
  buckets: Map<number, number>;
  zeroCount: number;
}

export const DEFAULT_RELATIVE_ACCURACY = 0.005;
export const DEFAULT_EXACT_LIMIT = 65_536;
/** Samples at or below this (including negatives) count as zero in bucketed mode. */
const MIN_POSITIVE = 1e-6;

export function createHistogram(options: { relativeAccuracy?: number; exactLimit?: number } = {}): Histogram {
  const a = options.relativeAccuracy ?? DEFAULT_RELATIVE_ACCURACY;
  const exactLimit = options.exactLimit ?? DEFAULT_EXACT_LIMIT;
  const gamma = (1 + a) / (1 - a);
  const logGamma = Math.log(gamma);
  const state: HistogramState = { values: [], buckets: new Map(), zeroCount: 0 };
  let count = 0;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;

  const addToBuckets = (v: number, n: number): void => {
    if (v <= MIN_POSITIVE) {
      state.zeroCount += n;
      return;
    }
    const i = Math.ceil(Math.log(v) / logGamma);
    state.buckets.set(i, (state.buckets.get(i) ?? 0) + n);
  };
  const fold = (): void => {
    if (state.values === null) return;
    for (const v of state.values) addToBuckets(v, 1);
    state.values = null;
  };

  const h: Histogram = {
    add(value: number) {
      if (!Number.isFinite(value)) return;
      count++;
      sum += value;
      if (value < min) min = value;
      if (value > max) max = value;
      if (state.values !== null) {
        state.values.push(value);
        if (state.values.length > exactLimit) fold();
      } else addToBuckets(value, 1);
    },
    merge(other: Histogram) {
      if (other.count === 0) return;
      count += other.count;
      sum += other.sum;
      min = Math.min(min, other.min);
      max = Math.max(max, other.max);
      const o = other.state;
      if (state.values !== null && o.values !== null && state.values.length + o.values.length <= exactLimit) {
        for (const v of o.values) state.values.push(v);
        return;
      }
      fold();
      if (o.values !== null) for (const v of o.values) addToBuckets(v, 1);
      else {
        state.zeroCount += o.zeroCount;
        for (const [i, n] of o.buckets) state.buckets.set(i, (state.buckets.get(i) ?? 0) + n);
      }
    },
    get count() {
      return count;
    },
    get sum() {
      return sum;
    },
    get min() {
      return count ? min : NaN;
    },
    get max() {
      return count ? max : NaN;
    },
    get exact() {
      return state.values !== null;
    },
    state,
    quantile(q: number) {
      if (count === 0) return NaN;
      if (state.values !== null) return exactQuantile(state.values, q);
      // The extremes are known exactly; only interior quantiles come from buckets.
      if (q <= 0) return min;
      if (q >= 1) return max;
      // Rank of the order statistic, then the bucket that holds it.
      const rank = Math.max(0, Math.min(1, q)) * (count - 1);
      let seen = state.zeroCount;
      if (rank < seen) return Math.max(min, 0);
      const keys = [...state.buckets.keys()].sort((x, y) => x - y);
      for (const i of keys) {
        seen += state.buckets.get(i) ?? 0;
        if (rank < seen) return Math.min(max, Math.max(min, (2 * gamma ** i) / (gamma + 1)));
      }
      return max;
    },
  };
  return h;
}

/** Linear interpolation between order statistics (numpy.percentile's default "linear" method). */
export function exactQuantile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  const pos = Math.max(0, Math.min(1, q)) * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (pos - lo);
}
