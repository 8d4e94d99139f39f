/**
 * The regularized lower incomplete gamma function P(k, x) = γ(k, x)/Γ(k): the CDF of Gamma(k, 1) at x.
 * Series for x < k + 1, Lentz's continued fraction otherwise (Numerical Recipes §6.2). For KS tests.
 */
export function gammaCdf(k: number, x: number): number {
  if (x <= 0) return 0;
  const lnPrefix = k * Math.log(x) - x - logGamma(k);
  if (x < k + 1) {
    let sum = 1 / k;
    let term = sum;
    for (let n = 1; n < 1000; n++) {
      term *= x / (k + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-15) break;
    }
    return sum * Math.exp(lnPrefix);
  }
  const tiny = 1e-300;
  let b = x + 1 - k;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - k);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return 1 - Math.exp(lnPrefix) * h;
}

/** ln Γ(x), Lanczos (g = 7, n = 9), x > 0. */
export function logGamma(x: number): number {
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = c[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** One-sample Kolmogorov-Smirnov statistic of samples against a CDF. */
export function ksStatistic(samples: readonly number[], cdf: (x: number) => number): number {
  const s = [...samples].sort((a, b) => a - b);
  const n = s.length;
  let d = 0;
  s.forEach((x, i) => {
    const f = cdf(x);
    d = Math.max(d, (i + 1) / n - f, f - i / n);
  });
  return d;
}
