/**
 * Service-level objectives, as data. Two kinds, as users state them:
 * - per-request limits ("every request's TTFT under 500 ms"): a request meets the SLO when it succeeded
 *   and is within every limit; goodput counts such requests (DistServe's definition, as vLLM's
 *   `--goodput` and GuideLLM use it). A failed request never meets it.
 * - percentile objectives over a whole run ("p99 TTFT under 800 ms"): held or not.
 *
 * Flag syntax: `--slo ttft_ms=500,tpot_ms=50,latency_ms=20000,ttft_p99_ms=800` (see parseSlo).
 */

/** Metrics an objective can name; all in milliseconds. */
export const SLO_METRICS = ['ttft', 'tpot', 'itl', 'latency'] as const;
export type SloMetric = (typeof SLO_METRICS)[number];

export interface SloSpec {
  /** Per-request upper limits, ms. For `itl` the limit applies to a request's largest gap. */
  perRequest: Partial<Record<SloMetric, number>>;
  /** Percentile objectives over all successful requests (p in (0,100)). */
  percentiles: { metric: SloMetric; p: number; limitMs: number }[];
}

/** How one run (one sweep level) fared against an SloSpec. */
export interface SloResult {
  /** Requests sent and counted (warm-up excluded), failed ones included. */
  requests: number;
  /** Requests that succeeded and met every per-request limit. */
  meetingAll: number;
  /** meetingAll / requests (0 when no request). */
  attainment: number;
  /** Requests meeting every per-request limit, per second of the run's duration. */
  goodputRequestsPerSec: number;
  /** Output tokens of those requests, per second of the run's duration. */
  goodputOutputTokensPerSec: number;
  /** Per per-request limit: how many requests violated it (failed requests count against each). */
  violations: Partial<Record<SloMetric, number>>;
  /** Each percentile objective, with the measured value (null when no successful request). */
  objectives: { name: string; metric: SloMetric; p: number; limitMs: number; actualMs: number | null; held: boolean }[];
  /** Every percentile objective held and, when per-request limits exist, attainment is reported alongside. */
  allObjectivesHeld: boolean;
}
