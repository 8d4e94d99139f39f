import type { Rng } from '../arrival/rng.js';
import { createSortedColumn, weightedQuantiles } from './sorted-column.js';
import type { RunSample } from './run-sample.js';

/**
 * The headline metrics a comparison reports, by the names `--fail-on` accepts. ITL is not among them:
 * it is measured per chunk, not per request, so its samples are not the independent units the
 * bootstrap resamples; TPOT is each request's mean inter-token time and stands in for it.
 */
export const COMPARE_METRICS = [
  'ttft_p50',
  'ttft_p90',
  'ttft_p99',
  'ttft_mean',
  'tpot_p50',
  'tpot_p99',
  'tpot_mean',
  'latency_p50',
  'latency_p99',
  'latency_mean',
  'output_throughput',
  'request_throughput',
  'error_rate',
] as const;
export type CompareMetric = (typeof COMPARE_METRICS)[number];

/** How a metric is shown and which way is better. Error rate is in percent, so its differences are percentage points. */
export interface CompareMetricDef {
  label: string;
  unit: 'ms' | 'tok/s' | 'req/s' | '%';
  better: 'lower' | 'higher';
}

export const METRIC_DEFS: Record<CompareMetric, CompareMetricDef> = {
  ttft_p50: { label: 'TTFT p50', unit: 'ms', better: 'lower' },
  ttft_p90: { label: 'TTFT p90', unit: 'ms', better: 'lower' },
  ttft_p99: { label: 'TTFT p99', unit: 'ms', better: 'lower' },
  ttft_mean: { label: 'TTFT mean', unit: 'ms', better: 'lower' },
  tpot_p50: { label: 'TPOT p50', unit: 'ms', better: 'lower' },
  tpot_p99: { label: 'TPOT p99', unit: 'ms', better: 'lower' },
  tpot_mean: { label: 'TPOT mean', unit: 'ms', better: 'lower' },
  latency_p50: { label: 'latency p50', unit: 'ms', better: 'lower' },
  latency_p99: { label: 'latency p99', unit: 'ms', better: 'lower' },
  latency_mean: { label: 'latency mean', unit: 'ms', better: 'lower' },
  output_throughput: { label: 'output throughput', unit: 'tok/s', better: 'higher' },
  request_throughput: { label: 'request throughput', unit: 'req/s', better: 'higher' },
  error_rate: { label: 'error rate', unit: '%', better: 'lower' },
};

/**
 * Evaluates every metric of COMPARE_METRICS, in that order, into `out`: over the sample itself
 * (`rng` null: the point estimates), or over one bootstrap resample, n requests drawn with
 * replacement (`rng` given). One draw of requests serves every metric, so the metrics of a resample
 * come from the same requests, as they would in a repeated run.
 *
 * Cost: the sorted columns are built once (O(n log n)); a resample then costs n draws and a few
 * linear passes (sorted-column.ts), so B resamples cost O(B·n).
 */
const OK = 1;
const HAS_TTFT = 2;
const HAS_TPOT = 4;
const TTFT_QS = [0.5, 0.9, 0.99];
const P50_P99 = [0.5, 0.99];

export type StatisticsEvaluator = (rng: Rng | null, out: Float64Array) => void;

export function createStatisticsEvaluator(s: RunSample): StatisticsEvaluator {
  const n = s.count;
  const ttft = createSortedColumn(s.ttftMs);
  const tpot = createSortedColumn(s.tpotMs);
  const latency = createSortedColumn(s.latencyMs);
  // What each request contributes to the tallies, as flags, so the per-resample pass reads two small
  // arrays. NaN marks "no value": a request without generated text has no TTFT, one token no TPOT.
  const flags = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (s.ok[i] === 0) continue;
    flags[i] = OK | (s.ttftMs[i] === s.ttftMs[i] ? HAS_TTFT : 0) | (s.tpotMs[i] === s.tpotMs[i] ? HAS_TPOT : 0);
  }
  const tokensOf = s.outputTokens;
  const gaps = s.arrivalGapS;
  // How often each request was drawn: Binomial(n, 1/n), about Poisson(1), so 16 bits are plenty (a
  // count of 65,536 has a probability below 1e-300,000), and the smaller array keeps the random
  // accesses of the walks in cache for longer runs.
  const counts = new Uint16Array(n);
  const q = new Float64Array(3);
  return (rng, out) => {
    if (rng === null) counts.fill(1);
    else drawCounts(rng, counts);
    // Tallies in request order (a sequential pass): successes, their tokens, and how many values each column holds.
    let nOk = 0;
    let tokens = 0;
    let nT = 0;
    let nP = 0;
    // The resample's window: its requests' arrival gaps (failed ones arrived too) plus the drain.
    let spanS = 0;
    for (let i = 0; i < n; i++) {
      const c = counts[i]!;
      if (c === 0) continue;
      spanS += c * gaps[i]!;
      const f = flags[i]!;
      if (f === 0) continue;
      nOk += c;
      tokens += c * tokensOf[i]!;
      if (f & HAS_TTFT) nT += c;
      if (f & HAS_TPOT) nP += c;
    }
    const windowS = s.drainS + spanS;
    const perS = (x: number): number => (windowS > 0 ? x / windowS : NaN);
    const sumT = weightedQuantiles(ttft, counts, nT, TTFT_QS, q);
    out[0] = q[0]!;
    out[1] = q[1]!;
    out[2] = q[2]!;
    out[3] = nT ? sumT / nT : NaN;
    const sumP = weightedQuantiles(tpot, counts, nP, P50_P99, q);
    out[4] = q[0]!;
    out[5] = q[1]!;
    out[6] = nP ? sumP / nP : NaN;
    // Every successful request has a latency, so that column holds nOk values.
    const sumL = weightedQuantiles(latency, counts, nOk, P50_P99, q);
    out[7] = q[0]!;
    out[8] = q[1]!;
    out[9] = nOk ? sumL / nOk : NaN;
    out[10] = perS(tokens);
    out[11] = perS(nOk);
    out[12] = n ? ((n - nOk) / n) * 100 : NaN;
  };
}

/**
 * n draws with replacement from n requests, as a count per request. Each uniform double yields two
 * indices: the first from the double, the second from the fraction left over (for n requests that
 * fraction still carries about 53 - log2(n) random bits: 36 at n = 100,000), which halves the cost of
 * the generator, the bulk of a resample's time.
 */
function drawCounts(rng: Rng, counts: Uint16Array): void {
  const n = counts.length;
  counts.fill(0);
  let j = 0;
  while (j < n) {
    const x = rng.next() * n;
    const first = Math.floor(x);
    counts[first]!++;
    j++;
    if (j < n) {
      counts[Math.min(n - 1, Math.floor((x - first) * n))]!++;
      j++;
    }
  }
}
