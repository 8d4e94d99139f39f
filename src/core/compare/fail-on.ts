import { ConfigError, type ConfigProblem } from '../../errors.js';
import { percentileInterval, type Interval, type RunAnalysis } from './bootstrap.js';
import { differenceDistribution } from './compare-pair.js';
import { COMPARE_METRICS, METRIC_DEFS, type CompareMetric } from './compare-metrics.js';

/**
 * One regression budget of `--fail-on`: how far `metric` may move in its worse direction. `%` is
 * relative to the baseline, `pp` is percentage points (error rate only), `ms` is absolute (the
 * millisecond metrics only).
 */
export interface FailOnThreshold {
  metric: CompareMetric;
  /** The allowed worsening, >= 0, in `unit`. */
  amount: number;
  unit: '%' | 'pp' | 'ms';
  /** The item as the user wrote it, for messages. */
  spec: string;
}

const ITEM = /^([a-z0-9_]+)=([+-]?)(\d+(?:\.\d+)?)(%|pp|ms)$/;

/**
 * Parse `--fail-on ttft_p99=+10%,tpot_p50=+5%,output_throughput=-5%,error_rate=+1pp`. Strict: every
 * item must name a known metric once and give a number with a unit the metric allows; a sign, when
 * written, must point the metric's worse way (+ for latencies and the error rate, - for throughputs),
 * since a budget for getting better means nothing. All problems are reported at once.
 */
export function parseFailOn(spec: string): FailOnThreshold[] {
  const problems: ConfigProblem[] = [];
  const out: FailOnThreshold[] = [];
  const bad = (part: string, why: string): void => {
    problems.push({ field: '--fail-on', message: `"${part}": ${why}` });
  };
  const items = spec.split(',').map((s) => s.trim());
  for (const item of items) {
    if (item === '') {
      bad(spec, 'an empty item (two commas, or one at an end)');
      continue;
    }
    const m = ITEM.exec(item);
    if (!m) {
      bad(item, `expected METRIC=[+|-]NUMBER followed by %, pp or ms, e.g. ttft_p99=+10%; metrics: ${COMPARE_METRICS.join(', ')}`);
      continue;
    }
    const [, name, sign, num, unit] = m as unknown as [string, string, string, string, FailOnThreshold['unit']];
    if (!(COMPARE_METRICS as readonly string[]).includes(name)) {
      bad(item, `unknown metric "${name}"; metrics: ${COMPARE_METRICS.join(', ')}`);
      continue;
    }
    const metric = name as CompareMetric;
    const def = METRIC_DEFS[metric];
    const worseSign = def.better === 'lower' ? '+' : '-';
    if (sign !== '' && sign !== worseSign) {
      bad(item, `${metric} gets worse when it ${def.better === 'lower' ? 'rises' : 'falls'}: write ${metric}=${worseSign}${num}${unit}`);
      continue;
    }
    if (unit === 'pp' && def.unit !== '%') {
      bad(item, `pp (percentage points) is for error_rate only; use % for ${metric}`);
      continue;
    }
    if (unit === 'ms' && def.unit !== 'ms') {
      bad(item, `${metric} is not in ms; use %${metric === 'error_rate' ? ' or pp' : ''}`);
      continue;
    }
    if (out.some((t) => t.metric === metric)) {
      bad(item, `${metric} is given more than once`);
      continue;
    }
    out.push({ metric, amount: Number(num), unit, spec: item });
  }
  if (problems.length) throw new ConfigError(problems);
  return out;
}

/** One threshold checked on one pair of runs. */
export interface GateCheck {
  threshold: FailOnThreshold;
  /** The point estimate of the change in the threshold's unit, signed so that positive is worse. */
  worsening: number | null;
  /** The interval of the worsening at `confidence` (the family-adjusted level, below). */
  ci: Interval | null;
  confidence: number;
  /** The interval excludes 0 on the worse side. */
  significant: boolean;
  /** The point estimate is past the budget. */
  exceeded: boolean;
  /**
   * The baseline has the figure and the candidate has none (say every request failed, so there is no
   * TTFT at all): the worst regression there is, and it fails the check.
   */
  missingInCandidate: boolean;
  failed: boolean;
}

/**
 * The per-check confidence that keeps the whole gate's false-alarm rate at most 1 - confidence
 * (Bonferroni): with k checks in the family, each is judged at 1 - (1 - confidence) / k.
 */
export function familyConfidence(confidence: number, familySize: number): number {
  return 1 - (1 - confidence) / Math.max(1, familySize);
}

/**
 * Check thresholds on a pair (B against baseline A). A check fails when the point estimate of the
 * worsening exceeds the budget AND the worsening is significant at `confidence` (pass the
 * family-adjusted level from familyConfidence): a noisy blip past the budget does not fail a build,
 * and neither does a real but small change inside it.
 */
export function checkThresholds(thresholds: readonly FailOnThreshold[], a: RunAnalysis, b: RunAnalysis, confidence: number): GateCheck[] {
  return thresholds.map((threshold) => {
    const k = COMPARE_METRICS.indexOf(threshold.metric);
    const sign = METRIC_DEFS[threshold.metric].better === 'lower' ? 1 : -1;
    const relative = threshold.unit === '%';
    const va = a.point[k]!;
    const vb = b.point[k]!;
    const point = relative ? (va === 0 ? NaN : (100 * (vb - va)) / va) : vb - va;
    const worsening = Number.isFinite(point) ? sign * point : null;
    const raw = worsening === null ? null : percentileInterval(differenceDistribution(a, b, threshold.metric, relative), confidence);
    const ci = raw === null ? null : sign > 0 ? raw : { low: -raw.high, high: -raw.low };
    const significant = ci !== null && ci.low > 0;
    const exceeded = worsening !== null && worsening > threshold.amount;
    const missingInCandidate = Number.isFinite(va) && !Number.isFinite(vb);
    return { threshold, worsening, ci, confidence, significant, exceeded, missingInCandidate, failed: missingInCandidate || (significant && exceeded) };
  });
}
