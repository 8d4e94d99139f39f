/**
 * The one-sample Kolmogorov-Smirnov test: how far the empirical CDF of a sample strays from a
 * hypothesised continuous CDF.
 *
 * D = sup_x |F_n(x) - F(x)|. With the sample sorted, F_n jumps from i/n to (i+1)/n at x_(i), so the
 * supremum is reached at a jump: D = max_i max((i+1)/n - F(x_(i)), F(x_(i)) - i/n).
 * Under the hypothesis sqrt(n) * D tends to the Kolmogorov distribution, whose upper quantiles are
 * 1.358 (alpha 0.05), 1.628 (0.01) and 1.949 (0.001): reject when D > c_alpha / sqrt(n).
 */
export function ksStatistic(sample: readonly number[], cdf: (x: number) => number): number {
  const sorted = [...sample].sort((a, b) => a - b);
  const n = sorted.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(sorted[i] as number);
    d = Math.max(d, (i + 1) / n - f, f - i / n);
  }
  return d;
}

/** Asymptotic critical value of D at alpha = 0.001 for a sample of n. */
export function ksCritical001(n: number): number {
  return 1.949 / Math.sqrt(n);
}

/** CDF of the exponential distribution with the given mean: F(x) = 1 - exp(-x / mean). */
export function exponentialCdf(mean: number): (x: number) => number {
  return (x) => (x <= 0 ? 0 : 1 - Math.exp(-x / mean));
}
