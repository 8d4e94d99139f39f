import type { RequestRecord } from './request-record.js';

/** Per-request metrics, derived purely from a record. All times in ms; null where undefined. */
export interface RequestMetrics {
  /** Time to first token: first content chunk's arrival minus the send time. */
  ttftMs: number | null;
  /**
   * Time to first output token: the first chunk of answer text minus the send time (GuideLLM's
   * TTFOT, AIPerf's TTFO). Equal to TTFT for a model that does not reason; later for one that
   * streams its reasoning first; null when a reasoning model gave no answer at all.
   */
  ttfotMs: number | null;
  /** End-to-end latency: response end minus send time. */
  latencyMs: number;
  /**
   * Time per output token after the first: (latency - TTFT) / (output tokens - 1), as vLLM's
   * `bench serve` defines TPOT. Undefined for a single-token output. GuideLLM calls the same
   * figure "inter-token latency"; llmload keeps ITL for the measured gaps between chunks.
   */
  tpotMs: number | null;
  /** Gaps between consecutive content chunks (vLLM's ITL; a chunk may hold several tokens). */
  itlMs: number[];
  /** Output tokens / latency, in tokens per second (the seed's `throughput_tps`). */
  throughputTps: number | null;
  /** (Input + output tokens) / latency, tokens per second (the seed's `tokens_per_sec`). */
  tokensPerSec: number | null;
  /** Sent minus intended: how late the request left, for any reason. */
  scheduleLagMs: number;
  /** Time spent waiting for a concurrency slot (dispatched minus ready). */
  clientQueueMs: number;
  /** Time inside the HTTP client between dispatch and the first byte written (sent minus dispatched). */
  sendDelayMs: number;
}

export function deriveRequestMetrics(r: RequestRecord): RequestMetrics {
  const latencyMs = r.endAtMs - r.sentAtMs;
  const first = r.contentTimesMs[0];
  const ttftMs = first === undefined ? null : first - r.sentAtMs;
  const reasoned = r.reasoningTimesMs !== undefined && r.reasoningTimesMs.length > 0;
  const answerAt = reasoned ? (r.firstAnswerAtMs ?? null) : (first ?? null);
  const ttfotMs = answerAt === null ? null : answerAt - r.sentAtMs;
  const tpotMs = ttftMs !== null && r.outputTokens > 1 ? (latencyMs - ttftMs) / (r.outputTokens - 1) : null;
  const itlMs: number[] = [];
  for (let i = 1; i < r.contentTimesMs.length; i++) {
    itlMs.push((r.contentTimesMs[i] as number) - (r.contentTimesMs[i - 1] as number));
  }
  const latencyS = latencyMs / 1000;
  return {
    ttftMs,
    ttfotMs,
    latencyMs,
    tpotMs,
    itlMs,
    throughputTps: r.ok && latencyS > 0 ? r.outputTokens / latencyS : null,
    tokensPerSec: r.ok && latencyS > 0 ? (r.inputTokens + r.outputTokens) / latencyS : null,
    scheduleLagMs: r.sentAtMs - r.intendedAtMs,
    clientQueueMs: r.dispatchedAtMs - r.readyAtMs,
    sendDelayMs: r.sentAtMs - r.dispatchedAtMs,
  };
}
