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
  /** The run's measurement window (the summary's duration): throughput = tokens / this. */
  durationS: number;
  /**
   * Per request, the time from the previous arrival (the first: from the window's start) to its own,
   * in seconds. The window is these gaps plus `drainS`; a resample's window is its requests' gaps plus
   * the same drain, so it varies as the arrival process does (see docs/compare.md). All 0 for a run
   * that sent everything at once (rate inf): the window is then held fixed.
   */
  arrivalGapS: Float64Array;
  /** The window after the last arrival: durationS minus every gap. */
  drainS: number;
}

/**
 * Build a sample from counted requests and the run's measurement window (seconds). Without arrival
 * gaps (aligned with `requests`, in ms) the window is held fixed when resampling.
 */
export function createRunSample(requests: readonly SampleRequest[], durationS: number, arrivalGapsMs?: ArrayLike<number>): RunSample {
  const n = requests.length;
  const arrivalGapS = new Float64Array(n);
  let spanS = 0;
  if (arrivalGapsMs) {
    for (let i = 0; i < n; i++) spanS += arrivalGapS[i] = Math.max(0, arrivalGapsMs[i] ?? 0) / 1000;
  }
  const s: RunSample = {
    count: n,
    ok: new Uint8Array(n),
    ttftMs: new Float64Array(n),
    tpotMs: new Float64Array(n),
    latencyMs: new Float64Array(n),
    outputTokens: new Float64Array(n),
    durationS,
    arrivalGapS,
    drainS: Math.max(0, durationS - spanS),
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

/** What the window needs of a counted request: its times, in ms from the run's start. */
export interface RequestTimes {
  intendedAtMs: number;
  dispatchedAtMs: number;
  endAtMs: number;
}

/**
 * The measurement window of a run, in seconds, by the summary's rule: from offset 0 (the first
 * arrival due) to the end of the last counted request; after warm-up requests, from the dispatch of
 * the first counted one. Keeping the summary's rule makes the comparison's point estimates of
 * throughput equal the figures in summary.json. Also each request's arrival gap (aligned with
 * `counted`): its intended time minus the previous one's in arrival order, the first's minus the
 * window's start (never below 0).
 */
export function measurementWindow(counted: readonly RequestTimes[], warmupCount: number): { durationS: number; arrivalGapsMs: Float64Array } {
  const gaps = new Float64Array(counted.length);
  if (counted.length === 0) return { durationS: 0, arrivalGapsMs: gaps };
  let first = Infinity;
  let last = 0;
  for (const r of counted) {
    first = Math.min(first, r.dispatchedAtMs);
    last = Math.max(last, r.endAtMs);
  }
  const start = warmupCount > 0 ? first : 0;
  const order = counted.map((_, i) => i).sort((x, y) => counted[x]!.intendedAtMs - counted[y]!.intendedAtMs || x - y);
  let prev = start;
  for (const i of order) {
    const t = counted[i]!.intendedAtMs;
    gaps[i] = Math.max(0, t - prev);
    prev = Math.max(prev, t);
  }
  return { durationS: Math.max(0, last - start) / 1000, arrivalGapsMs: gaps };
}
