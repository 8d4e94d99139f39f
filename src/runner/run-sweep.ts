import type { RunConfig } from '../config/run-config.js';
import type { RequestRecord } from '../core/metrics/request-record.js';
import { createSloAccumulator } from '../core/slo/slo-accumulator.js';
import type { SloResult, SloSpec } from '../core/slo/slo-types.js';
import { createMaxRateSearch } from '../core/sweep/max-rate-search.js';
import { assessSteadyState, createSaturationDetector } from '../core/sweep/saturation.js';
import { spreadRates } from '../core/sweep/spread-rates.js';
import type { SweepLevel, SweepResult } from '../core/sweep/sweep-result.js';
import { startSimulatorWorker, type SimOptions } from '../sim/index.js';
import { TOOL } from '../version.js';
import { runBenchmark, type RunHooks, type RunResult } from './run-benchmark.js';

/** A level bounded by --duration may drain for at least this long (or its duration, if longer). */
const DRAIN_MIN_SEC = 30;

/** How a sweep chooses its levels. */
export type SweepPlan =
  | { kind: 'rates'; rates: number[] }
  | { kind: 'concurrencies'; concurrencies: number[] }
  /** Probe the maximum throughput closed-loop, then `levels` rates up to just past it. */
  | { kind: 'auto'; levels: number; probeConcurrency: number }
  /** Probe, then search for the highest rate at which the SLO holds. */
  | { kind: 'find-max-rate'; probeConcurrency: number; precisionPerSec?: number; maxTrials: number };

export type LevelOffer = SweepLevel['offered'];

export interface SweepHooks {
  onNotice?(message: string): void;
  /**
   * A level (or the probe) is about to run in folder `dir` (relative to the sweep folder). The hooks
   * returned receive that level's records as they finish: the CLI writes them to the level's folder.
   */
  onLevelStart?(info: { index: number; dir: string; offered: LevelOffer; probe: boolean }): RunHooks;
  /** The level ended; `result` is its complete run result (its folder's summary.json). */
  onLevelEnd?(info: { index: number; dir: string; result: RunResult; level: SweepLevel | null }): void | Promise<void>;
  /** The sweep summary so far, after every level: written at once, so a stopped sweep keeps its levels. */
  onProgress?(sweep: SweepResult): void | Promise<void>;
}

export interface SweepOptions {
  /** The shared workload; ratePerSec and, for concurrency levels, maxConcurrency are set per level. */
  config: RunConfig;
  plan: SweepPlan;
  slo: SloSpec | null;
  /** With per-request limits: the share of requests that must meet them for the level to pass. */
  minAttainment: number;
  /** Stop a rate level early when it is clearly past saturation (default true). */
  stopOverSaturated: boolean;
  /**
   * With --duration: how long after a level's duration its in-flight requests may still run before
   * they are cut (default: the duration, at least 30 s).
   */
  drainSec?: number;
  apiKey?: string;
  /** Extra request headers (--header), as runBenchmark takes them. */
  headers?: Record<string, string>;
  signal?: AbortSignal;
  hooks?: SweepHooks;
  simulator?: Partial<SimOptions>;
}

/**
 * Run a sweep: one workload at several offered loads. Each level is a complete run (runBenchmark),
 * with warm-up requests left out of its figures, a steady-state verdict, SLO results, and an early
 * stop when it is clearly past saturation. The built-in simulator, when used, is started once for
 * the whole sweep, as a real server would keep running between levels.
 */
export async function runSweep(opts: SweepOptions): Promise<SweepResult> {
  const hooks = opts.hooks ?? {};
  const signal = opts.signal ?? new AbortController().signal;
  let endpoint = opts.config.endpoint;
  let sim: Awaited<ReturnType<typeof startSimulatorWorker>> | undefined;
  if (endpoint === undefined) {
    sim = await startSimulatorWorker({ ...opts.simulator, seed: opts.simulator?.seed ?? opts.config.seed });
    endpoint = `${sim.url}/v1/completions`;
    hooks.onNotice?.(`llmload: no --endpoint given: started the built-in simulator at ${sim.url} for the whole sweep.`);
  }
  try {
    return await sweepAgainst({ ...opts, config: { ...opts.config, endpoint } }, hooks, signal);
  } finally {
    if (sim) {
      await sim.close();
      hooks.onNotice?.('llmload: stopped the built-in simulator.');
    }
  }
}

async function sweepAgainst(opts: SweepOptions, hooks: SweepHooks, signal: AbortSignal): Promise<SweepResult> {
  const base = opts.config;
  const sweep: SweepResult = {
    schemaVersion: 1,
    kind: 'sweep',
    tool: TOOL,
    startedAt: new Date().toISOString(),
    mode: opts.plan.kind,
    workload: {
      endpoint: base.endpoint as string,
      api: base.api ?? '',
      model: base.model,
      arrival: 'poisson',
      wordLambda: base.wordLambda,
      maxTokens: base.maxTokens,
      totalRequests: base.totalRequests,
      durationSec: base.durationSec,
      maxConcurrency: base.maxConcurrency,
      warmupRequests: base.warmupRequests,
      seed: base.seed,
    },
    slo: opts.slo,
    maxThroughput: null,
    levels: [],
    maxRate: null,
    interrupted: false,
  };
  let index = 0;

  const runLevel = async (offered: LevelOffer, dirName: string, probe = false): Promise<{ level: SweepLevel; result: RunResult } | null> => {
    if (signal.aborted) return null;
    const i = index++;
    const dir = `${String(i).padStart(2, '0')}-${dirName}`;
    const closedLoop = offered.kind === 'concurrency';
    const config: RunConfig = {
      ...base,
      // Every level shares the seed: the same prompts and the same arrival pattern, stretched to its rate
      // (common random numbers). Differences between levels are then the load's, not the draw's: a short
      // level at 12 req/s can otherwise draw 25 % fewer arrivals than one at 11.
      seed: base.seed,
      ratePerSec: closedLoop ? Infinity : offered.ratePerSec,
      maxConcurrency: closedLoop ? offered.maxConcurrency : base.maxConcurrency,
    };
    hooks.onNotice?.(`llmload: level ${i}: ${describeOffer(offered)}${probe ? ' (probe of the maximum throughput)' : ''} -> ${dir}/`);
    const levelHooks = hooks.onLevelStart?.({ index: i, dir, offered, probe }) ?? {};
    const records: RequestRecord[] = [];
    const slo = opts.slo ? createSloAccumulator(opts.slo) : null;
    const detector = createSaturationDetector({ offeredRatePerSec: config.ratePerSec });
    const stopEarly = new AbortController();
    const judgeSaturation = opts.stopOverSaturated && !probe;
    // A level bounded in time is also bounded in its draining: a request that hangs would otherwise hold
    // the level for the whole --request-timeout (600 s by default) after a 30 s level.
    const drainSec = config.durationSec === undefined ? undefined : (opts.drainSec ?? Math.max(DRAIN_MIN_SEC, config.durationSec));
    let inFlight = 0;
    let drainTimer: NodeJS.Timeout | undefined;
    // Armed when the timed run starts (setup time does not count), and moot once nothing is in flight.
    const armDrain = (): void => {
      if (drainSec === undefined) return;
      drainTimer = setTimeout(() => {
        if (inFlight === 0) return;
        const reason = `${inFlight} request(s) were still in flight ${drainSec} s after the level's ${config.durationSec} s: cut, so that one slow or hung request cannot hold the sweep for the request timeout (${config.requestTimeoutSec} s)`;
        hooks.onNotice?.(`llmload: level ${i} stopped: ${reason}`);
        stopEarly.abort(reason);
      }, ((config.durationSec as number) + drainSec) * 1000);
    };
    // The server's own queue, when its metrics are scraped: evidence quoted in an early stop's reason.
    const serverWaiting: { first: number | null; peak: number; latest: number | null } = { first: null, peak: 0, latest: null };
    const result = await runBenchmark({
      config,
      apiKey: opts.apiKey,
      ...(opts.headers ? { headers: opts.headers } : {}),
      signal,
      stopEarly: stopEarly.signal,
      hooks: {
        ...levelHooks,
        onStart: (info) => {
          levelHooks.onStart?.(info);
          armDrain();
        },
        onSend: (d) => {
          inFlight++;
          levelHooks.onSend?.(d);
        },
        onServerSample: (sample) => {
          levelHooks.onServerSample?.(sample);
          if (sample.ok && sample.waiting !== null && sample.tMs >= 0) {
            serverWaiting.first ??= sample.waiting;
            serverWaiting.latest = sample.waiting;
            serverWaiting.peak = Math.max(serverWaiting.peak, sample.waiting);
          }
        },
        onRecord: (r) => {
          inFlight--;
          levelHooks.onRecord?.(r);
          if (r.warmup) return;
          // Records stay in memory only as long as the level runs, for the steady-state verdict.
          records.push(r);
          slo?.add(r);
          const v = judgeSaturation ? detector.add(r) : { saturated: false as const };
          if (v.saturated && !stopEarly.signal.aborted) {
            const w = serverWaiting;
            const reason = w.latest === null ? v.reason : `${v.reason}; the server's waiting queue went from ${w.first} to ${w.latest} (peak ${w.peak})`;
            hooks.onNotice?.(`llmload: level ${i} stopped early: ${reason}`);
            stopEarly.abort(reason);
          }
        },
      },
    }).finally(() => clearTimeout(drainTimer));
    // The first level resolves what the user left to the server (protocol, model): the workload records it.
    sweep.workload.api = result.config.api;
    sweep.workload.model = result.config.model;
    const s = result.summary;
    const level: SweepLevel = {
      index: i,
      dir,
      offered,
      summary: s,
      achievedRatePerSec: completionRatePerSec(records, s.requestThroughputPerSec),
      sentRatePerSec: sendRatePerSec(records, closedLoop),
      steadyState: assessSteadyState(records, closedLoop),
      stoppedEarly: result.stoppedEarly,
      slo: slo ? slo.result(s.durationS) : null,
    };
    sweep.interrupted = result.interrupted;
    if (!probe) sweep.levels.push(level);
    await hooks.onLevelEnd?.({ index: i, dir, result, level: probe ? null : level });
    await hooks.onProgress?.(sweep);
    return { level, result };
  };

  const probeMax = async (probeConcurrency: number): Promise<number | null> => {
    const probe = await runLevel({ kind: 'concurrency', maxConcurrency: probeConcurrency }, `probe-c${probeConcurrency}`, true);
    if (!probe) return null;
    const s = probe.result.summary;
    sweep.maxThroughput = {
      requestsPerSec: s.requestThroughputPerSec,
      outputTokensPerSec: s.outputTokenThroughputPerSec,
      maxConcurrency: probeConcurrency,
      dir: probe.level.dir,
    };
    await hooks.onProgress?.(sweep);
    if (!(s.requestThroughputPerSec > 0)) {
      hooks.onNotice?.(`llmload: the probe completed no request (${s.requests.failed} failed): no rates to spread.`);
      return null;
    }
    hooks.onNotice?.(`llmload: maximum throughput at concurrency ${probeConcurrency}: ${s.requestThroughputPerSec.toFixed(2)} req/s, ${s.outputTokenThroughputPerSec.toFixed(0)} output tok/s`);
    return s.requestThroughputPerSec;
  };

  const plan = opts.plan;
  switch (plan.kind) {
    case 'rates':
      for (const r of plan.rates) await runLevel({ kind: 'rate', ratePerSec: r }, `rate-${r}`);
      break;
    case 'concurrencies':
      for (const c of plan.concurrencies) await runLevel({ kind: 'concurrency', maxConcurrency: c }, `concurrency-${c}`);
      break;
    case 'auto': {
      const max = await probeMax(plan.probeConcurrency);
      if (max !== null) for (const r of spreadRates(max, plan.levels)) await runLevel({ kind: 'rate', ratePerSec: r }, `rate-${r}`);
      break;
    }
    case 'find-max-rate': {
      const max = await probeMax(plan.probeConcurrency);
      if (max === null) break;
      const search = createMaxRateSearch({
        startRatePerSec: max,
        precisionPerSec: plan.precisionPerSec ?? Math.max(0.01, max * 0.05),
        maxTrials: plan.maxTrials,
      });
      for (let rate = search.next(); rate !== null && !signal.aborted; rate = search.next()) {
        const ran = await runLevel({ kind: 'rate', ratePerSec: rate }, `rate-${rate}`);
        if (!ran) break;
        search.record(rate, opts.slo !== null && levelHeld(ran.level, opts.slo, opts.minAttainment), ran.level.index);
        sweep.maxRate = search.result();
        await hooks.onProgress?.(sweep);
      }
      sweep.maxRate = search.result();
      break;
    }
  }
  sweep.interrupted = signal.aborted;
  await hooks.onProgress?.(sweep);
  return sweep;
}

/**
 * Whether a level met the objectives: every percentile objective held, the share of requests meeting
 * every per-request limit reached `minAttainment` (when there are such limits), at least that share of
 * requests succeeded (percentiles are over successful requests only, so a server shedding load with
 * fast 503s would otherwise look fine), and the level was not stopped early (a level cut short cannot
 * be said to have held).
 */
export function levelHeld(level: SweepLevel, spec: SloSpec, minAttainment: number): boolean {
  const slo: SloResult | null = level.slo;
  if (!slo || level.stoppedEarly || slo.requests === 0) return false;
  const hasLimits = Object.keys(spec.perRequest).length > 0;
  const okShare = level.summary.requests.total > 0 ? level.summary.requests.completed / level.summary.requests.total : 0;
  return slo.allObjectivesHeld && okShare >= minAttainment && (!hasLimits || slo.attainment >= minAttainment);
}

/**
 * Requests completed per second while the server was completing them: (n - 1) completions over the
 * span from the first to the last successful completion. Unlike the summary's request throughput
 * (completions over the whole level, from its start to its last end) it carries no start-up or tail:
 * a 3 s level of 400 ms requests is not charged 0.4 s of draining, which would put even an idle
 * server 12 % behind its offered rate. Below saturation it follows the arrivals; past it, it is the
 * server's capacity. With fewer than two completions, the summary's figure.
 */
export function completionRatePerSec(records: readonly RequestRecord[], fallback: number): number {
  let first = Infinity;
  let last = -Infinity;
  let n = 0;
  for (const r of records) {
    if (!r.ok || r.warmup) continue;
    n++;
    first = Math.min(first, r.endAtMs);
    last = Math.max(last, r.endAtMs);
  }
  return n >= 2 && last > first ? ((n - 1) / (last - first)) * 1000 : fallback;
}

/**
 * Requests offered per second as the level's schedule drew them: (n - 1) intended send times over the
 * span from the first to the last. Not the actual sends: once the client's concurrency cap binds, a
 * request leaves only when another finishes, and sends would follow completions and hide saturation.
 * A closed-loop level has no schedule (every intended time is 0): its actual sends. 0 with fewer than two.
 */
export function sendRatePerSec(records: readonly RequestRecord[], closedLoop = false): number {
  let first = Infinity;
  let last = -Infinity;
  let n = 0;
  for (const r of records) {
    if (r.warmup) continue;
    n++;
    const t = closedLoop ? r.sentAtMs : r.intendedAtMs;
    first = Math.min(first, t);
    last = Math.max(last, t);
  }
  return n >= 2 && last > first ? ((n - 1) / (last - first)) * 1000 : 0;
}

function describeOffer(o: LevelOffer): string {
  return o.kind === 'rate' ? `Poisson ${o.ratePerSec} req/s` : `closed loop, concurrency ${o.maxConcurrency}`;
}
