import type { RunSummary } from '../metrics/summary.js';
import type { SloResult, SloSpec } from '../slo/slo-types.js';

/** The sweep summary's file name in the sweep folder. */
export const SWEEP_FILE = 'sweep.json';

/**
 * The summary of a sweep: several runs (levels) of one workload at different offered loads. Written as
 * SWEEP_DIR/sweep.json; each level is a complete run folder (SWEEP_DIR/<level.dir>/ with summary.json,
 * requests.jsonl, benchmark_results.csv), so every level can be re-plotted or compared on its own.
 */
export interface SweepResult {
  schemaVersion: 1;
  kind: 'sweep';
  tool: { name: string; version: string };
  /** Wall-clock UTC start of the sweep. */
  startedAt: string;
  /** How the levels were chosen. */
  mode: 'rates' | 'concurrencies' | 'auto' | 'find-max-rate';
  /** The workload every level shares (the per-level load is in each level). */
  workload: SweepWorkload;
  slo: SloSpec | null;
  /** The closed-loop probe of the server's maximum throughput ('auto' and 'find-max-rate'). */
  maxThroughput: { requestsPerSec: number; outputTokensPerSec: number; maxConcurrency: number; dir: string } | null;
  levels: SweepLevel[];
  /** 'find-max-rate' only: the answer and how sure it is. */
  maxRate: MaxRateResult | null;
  /** Stopped by Ctrl-C: the levels done so far are kept. */
  interrupted: boolean;
}

export interface SweepWorkload {
  endpoint: string;
  api: string;
  model: string | undefined;
  /** Arrival process of the rate levels. */
  arrival: 'poisson';
  wordLambda: number;
  maxTokens: number | undefined;
  /** Per level: requests (and/or seconds) offered. */
  totalRequests: number;
  durationSec: number | undefined;
  /** Concurrency cap of the rate levels. */
  maxConcurrency: number;
  /** Warm-up requests at the start of each level, excluded from its statistics. */
  warmupRequests: number;
  seed: number;
}

export interface SweepLevel {
  index: number;
  /** The run folder, relative to the sweep folder. */
  dir: string;
  /** What was offered: a Poisson rate (with the shared cap) or a concurrency (closed loop, rate inf). */
  offered: { kind: 'rate'; ratePerSec: number } | { kind: 'concurrency'; maxConcurrency: number };
  /** Statistics without the warm-up requests. */
  summary: RunSummary;
  /**
   * Requests completed per second while the server was completing them: (n - 1) successful
   * completions over the span from the first to the last (no start-up or draining tail, which the
   * summary's request throughput includes). Below saturation it follows the offered rate; past
   * saturation it plateaus at what the server sustains.
   */
  achievedRatePerSec: number;
  /**
   * Requests offered per second as this level's schedule drew them: (n - 1) intended send times over
   * the span from the first to the last (a short level's Poisson draw can be 10 % off the asked rate).
   * Intended, not actual, sends: once the client's cap binds, sends follow completions. For a
   * closed-loop level, its actual sends. `achievedRatePerSec` falling below it is saturation.
   */
  sentRatePerSec: number;
  steadyState: { reached: boolean; reason: string };
  /** Set when the level was cut short because the server was clearly past saturation. */
  stoppedEarly: { reason: string } | null;
  slo: SloResult | null;
}

export interface MaxRateResult {
  /** Highest rate tried at which every objective held (null: even the lowest failed). */
  rate: number | null;
  /** The objectives held at `lower` and failed at `upper`: the answer lies in [lower, upper). */
  lower: number | null;
  upper: number | null;
  /** The search stops when (upper - lower) <= precision (req/s). */
  precisionPerSec: number;
  /** Rates tried, in order, with the verdict. */
  trials: { ratePerSec: number; held: boolean; level: number }[];
  /** Plain words: why the answer is uncertain by how much (run-to-run noise is not included unless measured). */
  note: string;
}
