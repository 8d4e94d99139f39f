import type { DistributionSummary, RunSummary } from '../../src/core/metrics/summary.js';
import type { SloResult, SloSpec } from '../../src/core/slo/slo-types.js';
import type { SweepLevel, SweepResult } from '../../src/core/sweep/sweep-result.js';

/** One level as a test states it: the few numbers a chart reads, everything else defaulted. */
export interface LevelFixture {
  /** Offered Poisson rate (req/s), or a closed-loop concurrency. */
  rate?: number;
  concurrency?: number;
  /** Requests sent per second; default: the offered rate. */
  achieved?: number;
  /** Completed requests per second; default: the achieved rate. */
  completedPerSec?: number;
  outputTokPerSec: number;
  /** [p50, p99] in ms of each metric; null: no successful request had it. */
  ttft: [number, number] | null;
  tpot: [number, number] | null;
  latency: [number, number] | null;
  completed?: number;
  failed?: number;
  stoppedEarly?: string;
  steady?: boolean;
  slo?: SloResult | null;
  dir?: string;
}

/** A distribution whose p50 and p99 are as given (the others interpolated, so they stay ordered). */
export function dist([p50, p99]: [number, number], count = 100): DistributionSummary {
  return { count, mean: p50, min: p50 / 2, p50, p90: p50 + 0.8 * (p99 - p50), p95: p50 + 0.9 * (p99 - p50), p99, max: p99 * 1.1, exact: true };
}

function summary(l: LevelFixture): RunSummary {
  const completed = l.completed ?? 100;
  const failed = l.failed ?? 0;
  const durationS = 10;
  return {
    requests: { total: completed + failed, completed, failed, warmup: 5, errorsByKind: failed ? { http_status: failed } : {}, errorsByStatus: failed ? { '503': failed } : {} },
    durationS,
    requestThroughputPerSec: l.completedPerSec ?? l.achieved ?? l.rate ?? completed / durationS,
    outputTokenThroughputPerSec: l.outputTokPerSec,
    totalTokenThroughputPerSec: l.outputTokPerSec * 2,
    totalInputTokens: completed * 20,
    totalOutputTokens: Math.round(l.outputTokPerSec * durationS),
    tokenSources: { inputFromUsage: completed, outputFromUsage: completed },
    ttftMs: l.ttft && dist(l.ttft, completed),
    tpotMs: l.tpot && dist(l.tpot, completed),
    itlMs: l.tpot && dist(l.tpot, completed * 10),
    latencyMs: l.latency && dist(l.latency, completed),
    scheduleLagMs: dist([0.5, 2], completed + failed),
    clientQueueMs: dist([0, 0.1], completed + failed),
    sendDelayMs: dist([0.05, 0.2], completed + failed),
  };
}

/** An SloResult with the given goodput and attainment, and percentile objectives held or not. */
export function sloResult(over: Partial<SloResult> & { goodputRequestsPerSec: number; attainment: number }): SloResult {
  return {
    requests: 100,
    meetingAll: Math.round(over.attainment * 100),
    goodputOutputTokensPerSec: over.goodputRequestsPerSec * 50,
    violations: {},
    objectives: [],
    allObjectivesHeld: true,
    ...over,
  };
}

/** A sweep made up, not measured: levels in the order given, a fixed start time and workload. */
export function sweepFixture(levels: LevelFixture[], over: Partial<SweepResult> = {}): SweepResult {
  const mode = levels.every((l) => l.concurrency !== undefined) ? 'concurrencies' : 'rates';
  return {
    schemaVersion: 1,
    kind: 'sweep',
    tool: { name: 'llmload', version: '0.0.0-test' },
    startedAt: '2025-01-02T03:04:05.000Z',
    mode,
    workload: {
      endpoint: 'http://127.0.0.1:8000/v1/completions',
      api: 'openai-completions',
      model: 'fixture-model',
      arrival: 'poisson',
      wordLambda: 100,
      maxTokens: 64,
      totalRequests: 100,
      durationSec: undefined,
      maxConcurrency: 256,
      warmupRequests: 5,
      seed: 1,
    },
    slo: null,
    maxThroughput: null,
    levels: levels.map((l, index): SweepLevel => {
      const offered: SweepLevel['offered'] =
        l.concurrency !== undefined ? { kind: 'concurrency', maxConcurrency: l.concurrency } : { kind: 'rate', ratePerSec: l.rate ?? 1 };
      return {
        index,
        dir: l.dir ?? `level-${String(index + 1).padStart(2, '0')}`,
        offered,
        summary: summary(l),
        achievedRatePerSec: l.completedPerSec ?? l.achieved ?? l.rate ?? 1,
        sentRatePerSec: l.achieved ?? l.rate ?? 1,
        steadyState: l.steady === false ? { reached: false, reason: 'TTFT still rising at the end' } : { reached: true, reason: 'TTFT flat over the last half' },
        stoppedEarly: l.stoppedEarly ? { reason: l.stoppedEarly } : null,
        slo: l.slo ?? null,
      };
    }),
    maxRate: null,
    interrupted: false,
    ...over,
  };
}

/** The SLO of typicalSweep({ slo: true }). */
export const SLO: SloSpec = { perRequest: { ttft: 500 }, percentiles: [{ metric: 'ttft', p: 99, limitMs: 800 }] };

/**
 * A typical rate sweep of six levels: throughput climbs with the offer until ~8 req/s, then flattens
 * while latency explodes; the last level was stopped early. With `slo`, each level carries an SLO
 * result whose goodput falls away past saturation.
 *
 * Output tok/s and p50/p99 TTFT per level (the frontier on p50 TTFT is levels 0, 1, 2, 3, 4: level 5
 * is slower and no faster than level 4):
 *   1 req/s: 50 tok/s, 40/60 ms   2: 100, 42/70   4: 200, 50/90   8: 380, 120/400   12: 400, 900/3000
 *   16: 395, 2500/9000 (stopped early)
 */
export function typicalSweep({ slo = false } = {}): SweepResult {
  const rates = [1, 2, 4, 8, 12, 16];
  const tok = [50, 100, 200, 380, 400, 395];
  const ttft: [number, number][] = [[40, 60], [42, 70], [50, 90], [120, 400], [900, 3000], [2500, 9000]];
  const completed = [1, 2, 4, 7.8, 8.3, 8.2];
  const goodput = [1, 2, 3.9, 6.5, 1.2, 0.1];
  const levels = rates.map((rate, i): LevelFixture => ({
    rate,
    achieved: i === 5 ? 15.2 : rate,
    completedPerSec: completed[i] as number,
    outputTokPerSec: tok[i] as number,
    ttft: ttft[i] as [number, number],
    tpot: [10 + i * 2, 14 + i * 4],
    latency: [800 + i * 300, 1200 + i ** 3 * 100],
    stoppedEarly: i === 5 ? 'TTFT rose for 4 checks in a row to 6.1x its baseline' : undefined,
    steady: i < 4,
    slo: slo
      ? sloResult({
          goodputRequestsPerSec: goodput[i] as number,
          attainment: (goodput[i] as number) / (completed[i] as number),
          objectives: [{ name: 'ttft_p99_ms', metric: 'ttft', p: 99, limitMs: 800, actualMs: ttft[i]?.[1] as number, held: (ttft[i]?.[1] as number) <= 800 }],
          allObjectivesHeld: (ttft[i]?.[1] as number) <= 800,
        })
      : null,
  }));
  return sweepFixture(levels, slo ? { slo: SLO } : {});
}
