import type { RequestRecord } from '../metrics/request-record.js';

/**
 * Detects an open-loop level that is clearly past saturation, so a sweep can stop it early instead
 * of spending its whole duration on a queue that only grows.
 *
 * Why this signal: below saturation a server's queue is bounded, so the wait from a request's intended
 * send to its first token (client queue + server queue + prefill) settles around a constant. Above it,
 * requests arrive faster than they leave (rate λ > capacity μ) and the backlog grows by (λ − μ) per
 * second: the wait rises linearly and without bound, and completions fall behind arrivals. We require
 * both, sustained, before calling it:
 *
 * - at each check (every `checkEveryMs` of run time, read off the records themselves: pure), the
 *   median wait of the requests completed since the previous check is higher than at the previous
 *   check, for `risingChecks` checks in a row; and
 * - the latest median wait is at least `factor` times the baseline (the median of the first
 *   `baselineCount` requests) and at least `minRiseMs` above it; and
 * - requests completed over those checks at less than `completionShare` of the offered rate.
 *
 * A level near the knee has long but bounded queues: its wait wobbles and does not rise at every one
 * of several checks, so it is left to run. Closed-loop levels (rate inf) are never judged: their
 * queue is bounded by construction.
 */
export interface SaturationOptions {
  offeredRatePerSec: number;
  checkEveryMs?: number;
  risingChecks?: number;
  factor?: number;
  minRiseMs?: number;
  baselineCount?: number;
  completionShare?: number;
}

export interface SaturationDetector {
  /** Feed every counted (non-warm-up) record in completion order; returns the verdict so far. */
  add(record: RequestRecord): SaturationVerdict;
}

export type SaturationVerdict = { saturated: false } | { saturated: true; reason: string };

const DEFAULTS = { checkEveryMs: 2000, risingChecks: 4, factor: 4, minRiseMs: 2000, baselineCount: 10, completionShare: 0.9 };

/** Intended send to first token (or to the end, for a request that never streamed). */
export function waitFromIntendedMs(r: RequestRecord): number {
  return (r.contentTimesMs[0] ?? r.endAtMs) - r.intendedAtMs;
}

export function createSaturationDetector(options: SaturationOptions): SaturationDetector {
  const o = { ...DEFAULTS, ...options };
  const baseline: number[] = [];
  let baselineMs: number | null = null;
  let pending: number[] = [];
  let nextCheckAtMs: number | null = null;
  /** Per check: its time, the median wait since the previous one, completions so far. */
  const checks: { atMs: number; medianMs: number; completed: number }[] = [];
  let completed = 0;
  let verdict: SaturationVerdict = { saturated: false };

  return {
    add(r) {
      if (verdict.saturated || !Number.isFinite(o.offeredRatePerSec)) return verdict;
      completed++;
      const wait = waitFromIntendedMs(r);
      if (baselineMs === null) {
        baseline.push(wait);
        if (baseline.length === o.baselineCount) {
          baselineMs = median(baseline);
          nextCheckAtMs = r.endAtMs + o.checkEveryMs;
        }
        return verdict;
      }
      pending.push(wait);
      if (nextCheckAtMs === null || r.endAtMs < nextCheckAtMs) return verdict;
      checks.push({ atMs: r.endAtMs, medianMs: median(pending), completed });
      pending = [];
      nextCheckAtMs = r.endAtMs + o.checkEveryMs;
      if (checks.length <= o.risingChecks) return verdict;
      const recent = checks.slice(-(o.risingChecks + 1));
      const rising = recent.every((c, i) => i === 0 || c.medianMs > (recent[i - 1] as { medianMs: number }).medianMs);
      const first = recent[0] as (typeof checks)[number];
      const last = recent[recent.length - 1] as (typeof checks)[number];
      const completionRate = ((last.completed - first.completed) / (last.atMs - first.atMs)) * 1000;
      const high = last.medianMs >= o.factor * baselineMs && last.medianMs - baselineMs >= o.minRiseMs;
      if (rising && high && completionRate < o.completionShare * o.offeredRatePerSec) {
        verdict = {
          saturated: true,
          reason:
            `over saturation: the wait from intended send to first token rose at each of the last ${o.risingChecks} checks, ` +
            `from ${fmtS(baselineMs)} at the start to ${fmtS(last.medianMs)}, while requests completed at ` +
            `${completionRate.toFixed(2)} req/s of ${o.offeredRatePerSec} offered`,
        };
      }
      return verdict;
    },
  };
}

/**
 * Whether a level reached a steady state, judged after it ended from its counted records. The wait
 * (from intended send to first token for rate levels; from the send for closed-loop levels, whose
 * intended times are all zero) is compared between the middle and the last third of the level by
 * send order: steady when the last third's median is at most 1.25x the middle third's plus 50 ms.
 * A rising wait means the queue was still growing when the level ended.
 */
export function assessSteadyState(records: readonly RequestRecord[], closedLoop: boolean): { reached: boolean; reason: string } {
  const counted = records.filter((r) => !r.warmup && r.ok).sort((a, b) => a.seq - b.seq);
  if (counted.length < 30) return { reached: false, reason: `too few successful requests (${counted.length}) to judge; 30 or more are needed` };
  const wait = (r: RequestRecord): number => (closedLoop ? (r.contentTimesMs[0] ?? r.endAtMs) - r.sentAtMs : waitFromIntendedMs(r));
  const third = Math.floor(counted.length / 3);
  const middle = median(counted.slice(third, 2 * third).map(wait));
  const last = median(counted.slice(2 * third).map(wait));
  const reached = last <= 1.25 * middle + 50;
  return {
    reached,
    reason: reached
      ? `the wait for the first token held steady (median ${fmtS(middle)} in the middle third, ${fmtS(last)} in the last)`
      : `the wait for the first token was still rising (median ${fmtS(middle)} in the middle third, ${fmtS(last)} in the last): the queue had not settled`,
  };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

function fmtS(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}
