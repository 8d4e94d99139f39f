import { createHistogram, type Histogram } from './histogram.js';
import { deriveRequestMetrics } from './derive.js';
import type { RequestErrorKind, RequestRecord } from './request-record.js';

/** Mean, percentiles and extremes of one metric over the run. */
export interface DistributionSummary {
  count: number;
  mean: number;
  min: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
  /** False once the sample count passed the exact limit: percentiles are then within 0.5 %. */
  exact: boolean;
}

export interface RunSummary {
  requests: {
    total: number;
    completed: number;
    failed: number;
    /** Warm-up requests (--warmup): sent and recorded, but in none of these figures. */
    warmup: number;
    errorsByKind: Partial<Record<RequestErrorKind, number>>;
    /** HTTP status codes of failed requests, for the `http_status` kind. */
    errorsByStatus: Record<string, number>;
  };
  /**
   * From the run's start (first arrival due) to the end of the last request. With warm-up requests,
   * from the dispatch of the first request that counts: the measurement window starts after warm-up.
   */
  durationS: number;
  /** Completed requests per second over the duration. */
  requestThroughputPerSec: number;
  /** Output tokens of completed requests per second over the duration. */
  outputTokenThroughputPerSec: number;
  /** Input plus output tokens of completed requests per second over the duration. */
  totalTokenThroughputPerSec: number;
  totalInputTokens: number;
  totalOutputTokens: number;
  /** How many completed requests took their token counts from the server's usage. */
  tokenSources: { inputFromUsage: number; outputFromUsage: number };
  ttftMs: DistributionSummary | null;
  tpotMs: DistributionSummary | null;
  itlMs: DistributionSummary | null;
  latencyMs: DistributionSummary | null;
  /** Over every request sent, failed or not: lateness is the tool's, not the server's. */
  scheduleLagMs: DistributionSummary | null;
  clientQueueMs: DistributionSummary | null;
  /** Over every request sent: time inside the HTTP client between dispatch and the write. */
  sendDelayMs: DistributionSummary | null;
}

const METRICS = ['ttftMs', 'tpotMs', 'itlMs', 'latencyMs', 'scheduleLagMs', 'clientQueueMs', 'sendDelayMs'] as const;
type MetricName = (typeof METRICS)[number];

/**
 * Accumulates records into a summary without keeping them: memory stays flat however long the run.
 * Accumulators merge, so shards of a run (or workers) can be summarised apart and combined.
 */
export interface SummaryAccumulator {
  add(record: RequestRecord): void;
  merge(other: SummaryAccumulator): void;
  summarize(): RunSummary;
  /** @internal */
  readonly parts: AccumulatorParts;
}

interface AccumulatorParts {
  hist: Record<MetricName, Histogram>;
  total: number;
  completed: number;
  errorsByKind: Partial<Record<RequestErrorKind, number>>;
  errorsByStatus: Record<string, number>;
  inputTokens: number;
  outputTokens: number;
  inputFromUsage: number;
  outputFromUsage: number;
  lastEndMs: number;
  warmup: number;
  /** Earliest dispatch of a counted request (the window's start once warm-up requests were seen). */
  firstDispatchMs: number;
}

export function createSummaryAccumulator(): SummaryAccumulator {
  const parts: AccumulatorParts = {
    hist: Object.fromEntries(METRICS.map((m) => [m, createHistogram()])) as Record<MetricName, Histogram>,
    total: 0,
    completed: 0,
    errorsByKind: {},
    errorsByStatus: {},
    inputTokens: 0,
    outputTokens: 0,
    inputFromUsage: 0,
    outputFromUsage: 0,
    lastEndMs: 0,
    warmup: 0,
    firstDispatchMs: Infinity,
  };
  const acc: SummaryAccumulator = {
    parts,
    add(r) {
      if (r.warmup) {
        parts.warmup++;
        return;
      }
      parts.total++;
      parts.firstDispatchMs = Math.min(parts.firstDispatchMs, r.dispatchedAtMs);
      parts.lastEndMs = Math.max(parts.lastEndMs, r.endAtMs);
      const m = deriveRequestMetrics(r);
      parts.hist.scheduleLagMs.add(m.scheduleLagMs);
      parts.hist.clientQueueMs.add(m.clientQueueMs);
      parts.hist.sendDelayMs.add(m.sendDelayMs);
      if (!r.ok) {
        const kind = r.error?.kind ?? 'client_error';
        parts.errorsByKind[kind] = (parts.errorsByKind[kind] ?? 0) + 1;
        if (r.status !== null && kind === 'http_status') {
          parts.errorsByStatus[r.status] = (parts.errorsByStatus[r.status] ?? 0) + 1;
        }
        return;
      }
      // Latency figures describe successful requests only, as vLLM's and GuideLLM's do: a fast
      // 503 would otherwise make an overloaded server look quick. Failures are counted above.
      parts.completed++;
      parts.inputTokens += r.inputTokens;
      parts.outputTokens += r.outputTokens;
      if (r.inputTokensSource === 'usage') parts.inputFromUsage++;
      if (r.outputTokensSource === 'usage') parts.outputFromUsage++;
      parts.hist.latencyMs.add(m.latencyMs);
      if (m.ttftMs !== null) parts.hist.ttftMs.add(m.ttftMs);
      if (m.tpotMs !== null) parts.hist.tpotMs.add(m.tpotMs);
      for (const gap of m.itlMs) parts.hist.itlMs.add(gap);
    },
    merge(other) {
      const o = other.parts;
      for (const k of METRICS) parts.hist[k].merge(o.hist[k]);
      parts.total += o.total;
      parts.completed += o.completed;
      for (const [k, n] of Object.entries(o.errorsByKind) as [RequestErrorKind, number][]) {
        parts.errorsByKind[k] = (parts.errorsByKind[k] ?? 0) + n;
      }
      for (const [k, n] of Object.entries(o.errorsByStatus)) parts.errorsByStatus[k] = (parts.errorsByStatus[k] ?? 0) + n;
      parts.inputTokens += o.inputTokens;
      parts.outputTokens += o.outputTokens;
      parts.inputFromUsage += o.inputFromUsage;
      parts.outputFromUsage += o.outputFromUsage;
      parts.lastEndMs = Math.max(parts.lastEndMs, o.lastEndMs);
      parts.warmup += o.warmup;
      parts.firstDispatchMs = Math.min(parts.firstDispatchMs, o.firstDispatchMs);
    },
    summarize() {
      // Without warm-up the window opens at the run's start (offset 0, when the first arrival is due),
      // so time the first request spent queued counts; after warm-up it opens when measurement does.
      const windowStartMs = parts.warmup > 0 && parts.total > 0 ? parts.firstDispatchMs : 0;
      const durationS = Math.max(0, parts.lastEndMs - windowStartMs) / 1000;
      const per = (n: number): number => (durationS > 0 ? n / durationS : 0);
      const dist = (k: MetricName): DistributionSummary | null => summarizeDistribution(parts.hist[k]);
      return {
        requests: {
          total: parts.total,
          completed: parts.completed,
          failed: parts.total - parts.completed,
          warmup: parts.warmup,
          errorsByKind: { ...parts.errorsByKind },
          errorsByStatus: { ...parts.errorsByStatus },
        },
        durationS,
        requestThroughputPerSec: per(parts.completed),
        outputTokenThroughputPerSec: per(parts.outputTokens),
        totalTokenThroughputPerSec: per(parts.inputTokens + parts.outputTokens),
        totalInputTokens: parts.inputTokens,
        totalOutputTokens: parts.outputTokens,
        tokenSources: { inputFromUsage: parts.inputFromUsage, outputFromUsage: parts.outputFromUsage },
        ttftMs: dist('ttftMs'),
        tpotMs: dist('tpotMs'),
        itlMs: dist('itlMs'),
        latencyMs: dist('latencyMs'),
        scheduleLagMs: dist('scheduleLagMs'),
        clientQueueMs: dist('clientQueueMs'),
        sendDelayMs: dist('sendDelayMs'),
      };
    },
  };
  return acc;
}

/** Summarise a complete list of records (a saved run re-analysed). */
export function summarizeRecords(records: Iterable<RequestRecord>): RunSummary {
  const acc = createSummaryAccumulator();
  for (const r of records) acc.add(r);
  return acc.summarize();
}

export function summarizeDistribution(h: Histogram): DistributionSummary | null {
  if (h.count === 0) return null;
  return {
    count: h.count,
    mean: h.sum / h.count,
    min: h.min,
    p50: h.quantile(0.5),
    p90: h.quantile(0.9),
    p95: h.quantile(0.95),
    p99: h.quantile(0.99),
    max: h.max,
    exact: h.exact,
  };
}
