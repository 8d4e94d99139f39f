/**
 * Run the engine on a list of arrivals in virtual time, with no server and no clock: the same steps
 * the HTTP simulator would take, as fast as the CPU can plan them. PURE. It is how the engine's
 * behaviour under load is tested (queueing, saturation, preemption), and it answers capacity
 * questions without a GPU: "at 12 requests/s of 1,000-token prompts, what is the p90 TTFT?".
 */
import { createBatchScheduler, type BatchEngineConfig } from './batch-scheduler.js';

/** One request: when it arrives (ms from 0) and its size in tokens. */
export interface SimulatedArrival {
  atMs: number;
  promptTokens: number;
  outputTokens: number;
  /** Chained prompt block hashes (prefix-cache.ts), for workloads that share prefixes. */
  blockHashes?: readonly number[];
}

/** What happened to one request. */
export interface SimulatedRequest {
  arrivalMs: number;
  firstTokenMs: number;
  endMs: number;
  outputTokens: number;
  /** Times this request was preempted and recomputed. */
  preemptions: number;
}

export interface SimulationResult {
  /** In arrival order. */
  requests: SimulatedRequest[];
  steps: number;
  preemptions: number;
  maxWaiting: number;
  maxRunning: number;
  peakKvUsage: number;
  /** When the last token went out. */
  endMs: number;
  /** Output tokens per second from the first arrival to the last token. */
  outputTokensPerSec: number;
}

/** Simulate the engine serving `arrivals` (sorted by time or not). */
export function simulateEngine(config: BatchEngineConfig, arrivals: readonly SimulatedArrival[]): SimulationResult {
  const order = arrivals.map((a, i) => ({ a, i })).sort((x, y) => x.a.atMs - y.a.atMs || x.i - y.i);
  const requests: SimulatedRequest[] = arrivals.map((a) => ({
    arrivalMs: a.atMs,
    firstTokenMs: NaN,
    endMs: NaN,
    outputTokens: 0,
    preemptions: 0,
  }));
  const engine = createBatchScheduler<number>(config);
  let now = order.length > 0 ? order[0]!.a.atMs : 0;
  let next = 0;
  let steps = 0;
  let maxWaiting = 0;
  let maxRunning = 0;
  let peakKvUsage = 0;
  let tokens = 0;
  for (;;) {
    // Everything that arrived by now joins before the step is planned.
    while (next < order.length && order[next]!.a.atMs <= now) {
      const { a, i } = order[next++]!;
      engine.add({ tag: i, promptTokens: a.promptTokens, outputTokens: a.outputTokens, blockHashes: a.blockHashes ?? [] });
    }
    const result = engine.step();
    const stats = engine.stats;
    maxWaiting = Math.max(maxWaiting, stats.waiting);
    maxRunning = Math.max(maxRunning, stats.running + (result ? result.finished.length : 0));
    peakKvUsage = Math.max(peakKvUsage, stats.kvUsage);
    if (result === null) {
      if (next >= order.length) break;
      now = order[next]!.a.atMs; // idle until the next arrival
      continue;
    }
    steps++;
    now += result.durationMs;
    for (const i of result.preempted) requests[i]!.preemptions++;
    for (const i of result.tokens) {
      const r = requests[i]!;
      if (r.outputTokens === 0) r.firstTokenMs = now;
      r.outputTokens++;
      tokens++;
    }
    for (const i of result.finished) requests[i]!.endMs = now;
  }
  const start = order.length > 0 ? order[0]!.a.atMs : 0;
  return {
    requests,
    steps,
    preemptions: engine.stats.preemptions,
    maxWaiting,
    maxRunning,
    peakKvUsage,
    endMs: now,
    outputTokensPerSec: now > start ? (tokens * 1000) / (now - start) : 0,
  };
}
