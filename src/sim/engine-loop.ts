/**
 * Drives the continuous-batching engine in real time: one loop, one appointment at a time. When
 * there is work, the engine plans a step; the step's tokens are delivered to their writers when it
 * ends, and the next step starts at that same instant. Step ends are absolute deadlines (the
 * previous end plus the next duration, on the deadline scheduler's monotonic clock), never "sleep
 * for the duration after we woke up", so a late wake-up delays one delivery but the engine's
 * timeline does not drift. When nothing can run, the loop sleeps until a request arrives.
 */
import type { DeadlineScheduler } from './deadline-scheduler.js';
import { createBatchScheduler, type BatchEngineConfig, type EngineHandle, type StepResult } from './engine/batch-scheduler.js';
import type { GenerationDriver, GenerationJob } from './generation-driver.js';

interface Ticket {
  job: GenerationJob;
  generated: number;
  handle: EngineHandle | undefined;
  live: boolean;
}

/** Create the batching driver over a deadline scheduler reading `now` (ms). */
export function createEngineLoop(o: { engine: BatchEngineConfig; scheduler: DeadlineScheduler; now: () => number }): GenerationDriver {
  const engine = createBatchScheduler<Ticket>(o.engine);
  let busy = false;
  let closed = false;

  const runStep = (atMs: number): void => {
    const result = closed ? null : engine.step();
    if (result === null) {
      busy = false;
      return;
    }
    for (const t of result.admitted) if (t.live) t.job.writer.admitted(atMs);
    const endMs = atMs + result.durationMs;
    o.scheduler.at(endMs, () => deliver(result, endMs));
  };

  const deliver = (result: StepResult<Ticket>, endMs: number): void => {
    for (const t of result.tokens) {
      if (!t.live) continue; // its client left while the step ran
      t.generated++;
      t.job.writer.advance(t.generated);
    }
    for (const t of result.finished) t.live = false;
    runStep(endMs);
  };

  return {
    submit(job) {
      if (job.writer.done) return; // a fault ended it before its first token
      const ticket: Ticket = { job, generated: 0, handle: undefined, live: true };
      ticket.handle = engine.add({
        tag: ticket,
        promptTokens: job.plan.promptTokens,
        outputTokens: job.plan.outputTokens,
        blockHashes: job.blockHashes,
      });
      job.writer.onAbandon(() => {
        if (!ticket.live) return;
        ticket.live = false;
        if (ticket.handle) engine.abort(ticket.handle);
      });
      if (!busy && !closed) {
        // An idle engine starts on the next turn of the event loop, so requests that arrive
        // together are batched together, as they would be in a real engine's loop.
        busy = true;
        const startMs = o.now();
        o.scheduler.at(startMs, () => runStep(startMs));
      }
    },
    gauges: () => engine.stats,
    close() {
      closed = true;
    },
  };
}
