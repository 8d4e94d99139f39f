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
  /** Time to first answer token (after any reasoning); absent in runs saved before it existed. */
  ttfotMs?: DistributionSummary | null;
  tpotMs: DistributionSummary | null;
  itlMs: DistributionSummary | null;
  latencyMs: DistributionSummary | null;
  /** Over every request sent, failed or not: lateness is the tool's, not the server's. */
  scheduleLagMs: DistributionSummary | null;
  clientQueueMs: DistributionSummary | null;
  /** Over every request sent: time inside the HTTP client between dispatch and the write. */
  sendDelayMs: DistributionSummary | null;
  /** Did the server do what was asked? Absent in runs saved before the checks existed. */
  lengthChecks?: LengthChecks;
  /** Reasoning models: requests that streamed reasoning, its tokens, and those that gave no answer. */
  reasoning?: { requests: number; tokens: number; noAnswer: number };
}

/**
 * The lengths the server produced against those asked for, over completed requests.
 *
 * Output: a request that asked for N tokens (max_tokens) and got more than one token fewer or more
 * (AIPerf's and inference-perf's tolerance) is `short` or `long`. Without ignore_eos a model may
 * stop early at its EOS and show here as short; with it, any short request is a server that did not
 * honour it — and every tokens-per-second figure would otherwise be silently wrong.
 *
 * Input: our tokenizer's count against the server's usage.prompt_tokens. Their difference is what
 * the server adds (a BOS, the chat template), the same for every request of one shape (API and
 * message count); `templateTokens` gives its most common value per shape, and a request whose
 * difference is more than one token away from its shape's is `mismatched`: the server's tokenizer
 * counts this prompt differently from ours (see docs/workloads.md).
 */
export interface LengthChecks {
  output: { checked: number; mismatched: number; short: number; long: number };
  input: { checked: number; mismatched: number; templateTokens: Record<string, number> };
}

const METRICS = ['ttftMs', 'ttfotMs', 'tpotMs', 'itlMs', 'latencyMs', 'scheduleLagMs', 'clientQueueMs', 'sendDelayMs'] as const;
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
  outputChecked: number;
  outputShort: number;
  outputLong: number;
  /** shape ("messages=2") -> template tokens -> requests: few distinct values when tokenizers agree. */
  templateCounts: Map<string, Map<number, number>>;
  reasoningRequests: number;
  reasoningTokens: number;
  noAnswer: number;
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
    outputChecked: 0,
    outputShort: 0,
    outputLong: 0,
    templateCounts: new Map(),
    reasoningRequests: 0,
    reasoningTokens: 0,
    noAnswer: 0,
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
      if (m.ttfotMs !== null) parts.hist.ttfotMs.add(m.ttfotMs);
      checkLengths(parts, r);
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
      parts.outputChecked += o.outputChecked;
      parts.outputShort += o.outputShort;
      parts.outputLong += o.outputLong;
      for (const [shape, values] of o.templateCounts) {
        const mine = parts.templateCounts.get(shape) ?? new Map<number, number>();
        for (const [v, n] of values) mine.set(v, (mine.get(v) ?? 0) + n);
        parts.templateCounts.set(shape, mine);
      }
      parts.reasoningRequests += o.reasoningRequests;
      parts.reasoningTokens += o.reasoningTokens;
      parts.noAnswer += o.noAnswer;
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
        ttfotMs: dist('ttfotMs'),
        lengthChecks: summarizeLengthChecks(parts),
        reasoning: { requests: parts.reasoningRequests, tokens: parts.reasoningTokens, noAnswer: parts.noAnswer },
      };
    },
  };
  return acc;
}

function checkLengths(parts: AccumulatorParts, r: RequestRecord): void {
  const asked = r.requestedOutputTokens;
  if (asked !== null && asked !== undefined) {
    parts.outputChecked++;
    if (r.outputTokens < asked - 1) parts.outputShort++;
    else if (r.outputTokens > asked + 1) parts.outputLong++;
  }
  if (r.templateTokens !== null && r.templateTokens !== undefined) {
    const shape = r.messages ? `messages=${r.messages}` : 'text';
    const values = parts.templateCounts.get(shape) ?? new Map<number, number>();
    values.set(r.templateTokens, (values.get(r.templateTokens) ?? 0) + 1);
    parts.templateCounts.set(shape, values);
  }
  if (r.reasoningTimesMs !== undefined && r.reasoningTimesMs.length > 0) {
    parts.reasoningRequests++;
    if (r.firstAnswerAtMs === null) parts.noAnswer++;
  }
  if (r.reasoningTokens) parts.reasoningTokens += r.reasoningTokens;
}

function summarizeLengthChecks(parts: AccumulatorParts): LengthChecks {
  let checked = 0;
  let mismatched = 0;
  const templateTokens: Record<string, number> = {};
  for (const [shape, values] of parts.templateCounts) {
    // The most common difference is the template's; ties go to the smaller value (deterministic).
    let mode = 0;
    let best = -1;
    for (const [v, n] of values) if (n > best || (n === best && v < mode)) [mode, best] = [v, n];
    templateTokens[shape] = mode;
    for (const [v, n] of values) {
      checked += n;
      if (Math.abs(v - mode) > 1) mismatched += n;
    }
  }
  return {
    output: { checked: parts.outputChecked, mismatched: parts.outputShort + parts.outputLong, short: parts.outputShort, long: parts.outputLong },
    input: { checked, mismatched, templateTokens },
  };
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
