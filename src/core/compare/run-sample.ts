/**
 * One run reduced to what a comparison resamples: per request, the figures the compared metrics are
 * made of, in typed arrays (a resample is a pass over indices, and typed arrays keep that pass tight).
 */

/** One counted request, as the comparison sees it (warm-up requests never get here). */
export interface SampleRequest {
  ok: boolean;
  /** Null for a failed request, or one without generated text. */
  ttftMs: number | null;
  /** Null for a failed request or a single-token output (TPOT is undefined there). */
  tpotMs: number | null;
  latencyMs: number;
  outputTokens: number;
}

/** A run's requests, columnar. Figures a request does not have (a failed one's TTFT) are NaN. */
export interface RunSample {
  count: number;
  ok: Uint8Array;
  ttftMs: Float64Array;
  tpotMs: Float64Array;
  /** NaN for failed requests: latency figures describe successful requests only, as the summary does. */
  latencyMs: Float64Array;
  /** Zero for failed requests: their tokens count toward no throughput. */
  outputTokens: Float64Array;
  /**
   * The run's measurement window, held fixed when resampling: throughput = tokens / this. See
   * docs/compare.md for why the duration is not resampled.
   */
  durationS: number;
}

/** Build a sample from counted requests and the run's measurement window (seconds). */
export function createRunSample(requests: readonly SampleRequest[], durationS: number): RunSample {
  const n = requests.length;
  const s: RunSample = {
    count: n,
    ok: new Uint8Array(n),
    ttftMs: new Float64Array(n),
    tpotMs: new Float64Array(n),
    latencyMs: new Float64Array(n),
    outputTokens: new Float64Array(n),
    durationS,
  };
  requests.forEach((r, i) => {
    s.ok[i] = r.ok ? 1 : 0;
    s.ttftMs[i] = r.ok && r.ttftMs !== null ? r.ttftMs : NaN;
    s.tpotMs[i] = r.ok && r.tpotMs !== null ? r.tpotMs : NaN;
    s.latencyMs[i] = r.ok ? r.latencyMs : NaN;
    s.outputTokens[i] = r.ok ? r.outputTokens : 0;
  });
  return s;
}

/**
 * The measurement window of a run, in seconds, by the summary's rule: from offset 0 (the first
 * arrival due) to the end of the last counted request; after warm-up requests, from the dispatch of
 * the first counted one. Keeping the summary's rule makes the comparison's point estimates of
 * throughput equal the figures in summary.json.
 */
export function measurementWindowS(counted: readonly { dispatchedAtMs: number; endAtMs: number }[], warmupCount: number): number {
  if (counted.length === 0) return 0;
  let first = Infinity;
  let last = 0;
  for (const r of counted) {
    first = Math.min(first, r.dispatchedAtMs);
    last = Math.max(last, r.endAtMs);
  }
  const start = warmupCount > 0 ? first : 0;
  return Math.max(0, last - start) / 1000;
}
