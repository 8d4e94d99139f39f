/**
 * A fixed-bin histogram of signed timing errors in milliseconds, for the bench worker.
 *
 * Why not the library's own histogram: that one keeps up to 65,536 raw values and then folds into
 * relative-accuracy buckets, which cannot hold negative values (an ITL error is signed). Here memory is
 * fixed up front (typed arrays, off the V8 heap, so the measurement adds no GC work to the process it
 * measures) and the resolution is absolute where it matters: 1 µs up to 20 ms, 10 µs up to 200 ms,
 * 1 ms up to 20 s. Count, sum, min and max are exact.
 */

const TIERS = [
  { loMs: -20, hiMs: 20, widthMs: 0.001 },
  { loMs: 20, hiMs: 200, widthMs: 0.01 },
  { loMs: 200, hiMs: 20_000, widthMs: 1 },
].map((t) => ({ ...t, bins: Math.round((t.hiMs - t.loMs) / t.widthMs) }));

/**
 * @typedef {object} TimingSummary
 * @property {number} count
 * @property {number} mean
 * @property {number} min
 * @property {number} p50
 * @property {number} p90
 * @property {number} p99
 * @property {number} p999
 * @property {number} max
 */

/** @returns {{ add(ms: number): void, quantile(q: number): number, summary(): TimingSummary | null, readonly count: number }} */
export function createTimingHistogram() {
  const counts = TIERS.map((t) => new Uint32Array(t.bins));
  let under = 0;
  let over = 0;
  let count = 0;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;

  const add = (ms) => {
    if (!Number.isFinite(ms)) return;
    count++;
    sum += ms;
    if (ms < min) min = ms;
    if (ms > max) max = ms;
    if (ms < TIERS[0].loMs) {
      under++;
      return;
    }
    for (let i = 0; i < TIERS.length; i++) {
      const t = TIERS[i];
      if (ms < t.hiMs) {
        counts[i][Math.min(t.bins - 1, Math.floor((ms - t.loMs) / t.widthMs))]++;
        return;
      }
    }
    over++;
  };

  // The q-quantile as the midpoint of the bin holding that rank, clamped to the exact extremes.
  const quantile = (q) => {
    if (count === 0) return NaN;
    const rank = Math.min(count - 1, Math.max(0, Math.ceil(q * count) - 1));
    let seen = under;
    if (rank < seen) return min;
    for (let i = 0; i < TIERS.length; i++) {
      const t = TIERS[i];
      const c = counts[i];
      for (let b = 0; b < c.length; b++) {
        seen += c[b];
        if (rank < seen) return Math.min(max, Math.max(min, t.loMs + (b + 0.5) * t.widthMs));
      }
    }
    return max;
  };

  return {
    add,
    quantile,
    get count() {
      return count;
    },
    summary() {
      if (count === 0) return null;
      return {
        count,
        mean: sum / count,
        min,
        p50: quantile(0.5),
        p90: quantile(0.9),
        p99: quantile(0.99),
        p999: quantile(0.999),
        max,
      };
    },
  };
}
