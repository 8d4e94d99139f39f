/**
 * The two ways the simulator times tokens, behind one interface: the fixed latency model (every
 * request alone on the GPU) and the continuous-batching engine (engine-loop.ts). The HTTP layer
 * hands over a job and forgets it; the driver calls the job's writer as tokens come into being.
 */
import type { DeadlineHandle, DeadlineScheduler } from './deadline-scheduler.js';
import type { GenerationPlan } from './generation-plan.js';
import type { ResponseWriter } from './response-writer.js';
import type { EngineGauges } from './sim-metrics.js';

/** One accepted generation request. */
export interface GenerationJob {
  plan: GenerationPlan;
  writer: ResponseWriter;
  /** When the request arrived, ms on the driver's clock. */
  arrivedMs: number;
  /** Streamed (events as tokens come) or whole (one body at the end). */
  stream: boolean;
  /** The prompt's chained block hashes, for the prefix cache. */
  blockHashes: readonly number[];
}

export interface GenerationDriver {
  /** Time the job's tokens; a job whose writer is already done (a fault at token 0) is dropped. */
  submit(job: GenerationJob): void;
  /** Live figures for /metrics. */
  gauges(): EngineGauges;
  close(): void;
}

/** When token k (0-based) is due in the fixed model, ms after arrival: prefill, then one step each. */
export function tokenDueMs(k: number, ttftMs: number, itlMs: number): number {
  return ttftMs + k * itlMs;
}

/**
 * The fixed latency model: token k is due at arrival + ttftMs + k * itlMs, whatever else is
 * running. Deadlines are absolute, so lateness never accumulates. Only the first token and the ends
 * of events get an appointment (one heap entry per live stream), not every token.
 */
export function createFixedDriver(o: {
  ttftMs: number;
  itlMs: number;
  tokensPerChunk: number;
  scheduler: DeadlineScheduler;
}): GenerationDriver {
  let inFlight = 0;
  return {
    submit(job) {
      if (job.writer.done) return; // a fault ended it before its first token
      const total = job.plan.outputTokens;
      // The running totals at which the writer is called: the first token (for TTFT), then every
      // event's last token for a stream, or just the last token for a whole-body answer.
      const marks = [1];
      const step = job.stream ? o.tokensPerChunk : total;
      for (let end = Math.min(step, total); end < total; end += step) if (end > 1) marks.push(end);
      if (total > 1) marks.push(total);
      inFlight++;
      job.writer.admitted(job.arrivedMs);
      let handle: DeadlineHandle | undefined;
      let i = 0;
      const settle = (): void => {
        if (handle === undefined) return;
        handle = undefined;
        inFlight--;
      };
      const next = (): void => {
        const mark = marks[i++]!;
        job.writer.advance(mark);
        if (i < marks.length && !job.writer.done) {
          handle = o.scheduler.at(job.arrivedMs + tokenDueMs(marks[i]! - 1, o.ttftMs, o.itlMs), next);
        } else {
          settle();
        }
      };
      handle = o.scheduler.at(job.arrivedMs + tokenDueMs(0, o.ttftMs, o.itlMs), next);
      job.writer.onAbandon(() => {
        if (handle !== undefined) o.scheduler.cancel(handle);
        settle();
      });
    },
    gauges: () => ({
      running: inFlight,
      waiting: 0,
      kvUsage: 0,
      kvBlocksUsed: 0,
      preemptions: 0,
      prefixQueriedTokens: 0,
      prefixHitTokens: 0,
    }),
    close() {
      // The scheduler is closed by the server, which owns it.
    },
  };
}
