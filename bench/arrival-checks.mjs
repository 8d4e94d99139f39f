/**
 * Does llmload's open loop deliver the Poisson process it was asked for? Checks on the intended and
 * actual send times of one run (ms from the run's start, in seq order), and (gapShape) on the times
 * the server read the requests, which is what the server experiences.
 *
 * A Poisson process of rate λ has independent Exponential(λ) gaps, so
 *   - the fraction of gaps shorter than g is 1 - exp(-λ g): at 2,000 req/s and g = 0.05 ms, 9.5 %.
 *     A timer that fires late and releases several due requests at once shows up as an excess of
 *     such tiny gaps (a pile-up); a sender that cannot keep up shows up as a deficit and as lag.
 *   - the Kolmogorov-Smirnov distance between the gaps and Exp(λ) stays under 1.36/sqrt(n) (5 %).
 * The rate of a finite sample is itself random (relative s.d. 1/sqrt(n)), so the achieved rate is
 * compared both with the asked rate and with the rate of the very schedule llmload drew: the second
 * ratio isolates llmload's own contribution.
 */

const TINY_GAP_MS = 0.05;

/**
 * @param {Float64Array} intendedMs
 * @param {Float64Array} sentMs
 * @param {Float64Array} readyMs
 * @param {number} askedPerSec
 */
export function checkArrivals(intendedMs, sentMs, readyMs, askedPerSec) {
  const n = sentMs.length;
  if (n < 3) return null;
  const span = (a) => a[n - 1] - a[0];
  const scheduleRatePerSec = ((n - 1) / span(intendedMs)) * 1000;
  const achievedRatePerSec = ((n - 1) / span(sentMs)) * 1000;
  const lag = Float64Array.from(sentMs, (s, i) => s - intendedMs[i]).sort();
  const timerLag = Float64Array.from(readyMs, (r, i) => r - intendedMs[i]).sort();
  const sent = gapShape(sentMs, askedPerSec);
  const intended = gapShape(intendedMs, askedPerSec);
  return {
    n,
    askedPerSec,
    scheduleRatePerSec,
    achievedRatePerSec,
    achievedVsAsked: achievedRatePerSec / askedPerSec,
    achievedVsSchedule: achievedRatePerSec / scheduleRatePerSec,
    /** One standard deviation of a sample's rate around the asked one, relative. */
    sampleRateRelSd: 1 / Math.sqrt(n - 1),
    lagMs: { p50: quantileSorted(lag, 0.5), p99: quantileSorted(lag, 0.99), max: lag[n - 1] },
    timerLagMs: { p50: quantileSorted(timerLag, 0.5), p99: quantileSorted(timerLag, 0.99), max: timerLag[n - 1] },
    tinyGaps: { thresholdMs: TINY_GAP_MS, expected: sent.tinyExpected, sent: sent.tiny, intended: intended.tiny },
    ks: { critical5pct: sent.ksCritical5pct, sent: sent.ks, intended: intended.ks },
  };
}

/**
 * The shape of the gaps between ascending times (ms) against Exponential(rate): the share under
 * 0.05 ms (observed and expected) and the KS distance with its 5 % critical value.
 */
export function gapShape(timesMs, ratePerSec) {
  const g = gaps(timesMs);
  return {
    tiny: fractionBelow(g, TINY_GAP_MS),
    tinyExpected: 1 - Math.exp((-ratePerSec * TINY_GAP_MS) / 1000),
    ks: ksExponential(g, ratePerSec),
    ksCritical5pct: 1.36 / Math.sqrt(g.length),
  };
}

/** Sorted gaps between consecutive times. */
function gaps(times) {
  const g = new Float64Array(times.length - 1);
  for (let i = 1; i < times.length; i++) g[i - 1] = times[i] - times[i - 1];
  return g.sort();
}

function fractionBelow(sorted, x) {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo / sorted.length;
}

/** KS distance between sorted gaps (ms) and Exponential(rate per second). */
function ksExponential(sorted, ratePerSec) {
  const m = sorted.length;
  let d = 0;
  for (let i = 0; i < m; i++) {
    const f = 1 - Math.exp((-ratePerSec * sorted[i]) / 1000);
    d = Math.max(d, (i + 1) / m - f, f - i / m);
  }
  return d;
}

/** Nearest-rank quantile of a sorted array. */
export function quantileSorted(sorted, q) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}
