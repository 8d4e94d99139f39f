import { deriveRequestMetrics, type RequestMetrics } from '../metrics/derive.js';
import { createHistogram, type Histogram } from '../metrics/histogram.js';
import type { RequestRecord } from '../metrics/request-record.js';
import { objectiveName } from './parse-slo.js';
import { SLO_METRICS, type SloMetric, type SloResult, type SloSpec } from './slo-types.js';

/**
 * Streams request records into an SloResult without keeping them: counters, plus one bounded
 * histogram per metric a percentile objective names, so memory stays flat however long the run.
 * Accumulators of the same spec merge (shards, workers).
 */
export interface SloAccumulator {
  add(record: RequestRecord): void;
  /** Fold in another accumulator made from an equal spec (throws otherwise: a programming error). */
  merge(other: SloAccumulator): void;
  /** The result so far, with goodput over `durationS` seconds (the run's duration, warm-up excluded). */
  result(durationS: number): SloResult;
  /** @internal */
  readonly parts: SloParts;
}

interface SloParts {
  spec: SloSpec;
  requests: number;
  meetingAll: number;
  meetingOutputTokens: number;
  violations: Partial<Record<SloMetric, number>>;
  /** Only the metrics some percentile objective names. */
  hist: Partial<Record<SloMetric, Histogram>>;
}

/**
 * The value a per-request limit is checked against, or null when the request has none, which
 * passes (see perRequestValue's callers).
 *
 * - ttft: first content chunk minus send.
 * - tpot: (latency - TTFT) / (output tokens - 1). A one-token response has no TPOT and passes, as in
 *   vLLM's `bench serve --goodput`, which counts its TPOT as 0 ("if output_len <= 1, we regard tpot
 *   as 0 for goodput"): its only token is judged by the TTFT and latency limits.
 * - itl: the request's largest gap between content chunks (one slow stall breaks a reader's
 *   experience however fast the rest streamed). A one-chunk response has no gap and passes.
 * - latency: end minus send.
 */
function perRequestValue(m: RequestMetrics, metric: SloMetric): number | null {
  switch (metric) {
    case 'ttft':
      return m.ttftMs;
    case 'tpot':
      return m.tpotMs;
    case 'itl':
      return largest(m.itlMs);
    case 'latency':
      return m.latencyMs;
  }
}

/** The largest value, or null for none (a loop: spreading a long stream's gaps could overflow the stack). */
function largest(values: number[]): number | null {
  let max: number | null = null;
  for (const v of values) if (max === null || v > max) max = v;
  return max;
}

/**
 * Start an SLO accumulator. A request meets the SLO when it succeeded and is within every per-request
 * limit (value <= limit, as vLLM compares). A failed request counts against goodput and against every
 * limit. Records marked `warmup: true` are skipped entirely.
 *
 * Percentile objectives are computed over successful requests exactly as the run summary computes
 * the same percentile (same histogram, same interpolation), so an objective and the summary table
 * never disagree: TPOT over requests with two or more output tokens, ITL over every gap of every
 * request. An objective holds when the measured value <= its limit; with no successful request it
 * has no value and does not hold.
 */
export function createSloAccumulator(spec: SloSpec): SloAccumulator {
  const limits = SLO_METRICS.flatMap((metric) => {
    const limitMs = spec.perRequest[metric];
    return limitMs === undefined ? [] : [{ metric, limitMs }];
  });
  const parts: SloParts = {
    spec,
    requests: 0,
    meetingAll: 0,
    meetingOutputTokens: 0,
    violations: Object.fromEntries(limits.map((l) => [l.metric, 0])),
    hist: Object.fromEntries([...new Set(spec.percentiles.map((o) => o.metric))].map((m) => [m, createHistogram()])),
  };
  const violate = (metric: SloMetric): void => {
    parts.violations[metric] = (parts.violations[metric] ?? 0) + 1;
  };

  const acc: SloAccumulator = {
    parts,
    add(record) {
      if (record.warmup === true) return;
      parts.requests++;
      if (!record.ok) {
        for (const l of limits) violate(l.metric);
        return;
      }
      const m = deriveRequestMetrics(record);
      let meets = true;
      for (const l of limits) {
        const v = perRequestValue(m, l.metric);
        // A successful record always has content (else it is `no_content`), so a missing TTFT (and
        // with it the TPOT of a longer response) cannot come from our clients; were it missing, the
        // limit could not be shown to hold.
        const unknown = v === null && (l.metric === 'ttft' || (l.metric === 'tpot' && record.outputTokens > 1));
        if (unknown || (v !== null && v > l.limitMs)) {
          violate(l.metric);
          meets = false;
        }
      }
      if (meets) {
        parts.meetingAll++;
        parts.meetingOutputTokens += record.outputTokens;
      }
      if (m.ttftMs !== null) parts.hist.ttft?.add(m.ttftMs);
      if (m.tpotMs !== null) parts.hist.tpot?.add(m.tpotMs);
      parts.hist.latency?.add(m.latencyMs);
      if (parts.hist.itl) for (const gap of m.itlMs) parts.hist.itl.add(gap);
    },
    merge(other) {
      const o = other.parts;
      if (JSON.stringify(o.spec) !== JSON.stringify(parts.spec)) throw new Error('createSloAccumulator: cannot merge accumulators of different SLO specs');
      parts.requests += o.requests;
      parts.meetingAll += o.meetingAll;
      parts.meetingOutputTokens += o.meetingOutputTokens;
      for (const l of limits) parts.violations[l.metric] = (parts.violations[l.metric] ?? 0) + (o.violations[l.metric] ?? 0);
      for (const [metric, h] of Object.entries(parts.hist) as [SloMetric, Histogram][]) {
        const oh = o.hist[metric];
        if (oh) h.merge(oh);
      }
    },
    result(durationS) {
      const per = (n: number): number => (durationS > 0 && Number.isFinite(durationS) ? n / durationS : 0);
      const objectives = spec.percentiles.map((o) => {
        const h = parts.hist[o.metric] as Histogram;
        const actualMs = h.count ? h.quantile(o.p / 100) : null;
        return { name: objectiveName(o.metric, o.p), metric: o.metric, p: o.p, limitMs: o.limitMs, actualMs, held: actualMs !== null && actualMs <= o.limitMs };
      });
      return {
        requests: parts.requests,
        meetingAll: parts.meetingAll,
        attainment: parts.requests ? parts.meetingAll / parts.requests : 0,
        goodputRequestsPerSec: per(parts.meetingAll),
        goodputOutputTokensPerSec: per(parts.meetingOutputTokens),
        violations: { ...parts.violations },
        objectives,
        allObjectivesHeld: objectives.every((o) => o.held),
      };
    },
  };
  return acc;
}

/** An SloResult of a complete list of records (a saved run re-analysed) over `durationS` seconds. */
export function deriveSloResult(records: Iterable<RequestRecord>, spec: SloSpec, durationS: number): SloResult {
  const acc = createSloAccumulator(spec);
  for (const r of records) acc.add(r);
  return acc.result(durationS);
}
