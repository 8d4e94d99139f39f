/**
 * The concurrency cap, seen from the records alone: never more than the cap in flight, and the wait
 * for a slot shows up as client queue time inside the schedule lag rather than being hidden.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestRecord } from '../src/core/metrics/request-record.js';
import { startSimulator, type SimulatorHandle } from '../src/sim/index.js';
import { collectRun } from './helpers/collect-run.js';

/** Most requests holding a slot at any instant, sweeping over the [dispatchedAtMs, endAtMs] intervals. */
function peakInFlight(records: readonly RequestRecord[]): number {
  // At equal times an end sorts before a start: the slot freed by one request is the one the next takes.
  const events = records.flatMap((r) => [
    { atMs: r.dispatchedAtMs, delta: 1 },
    { atMs: r.endAtMs, delta: -1 },
  ]);
  events.sort((a, b) => a.atMs - b.atMs || a.delta - b.delta);
  let inFlight = 0;
  let peak = 0;
  for (const e of events) {
    inFlight += e.delta;
    peak = Math.max(peak, inFlight);
  }
  return peak;
}

describe('the concurrency cap', () => {
  let sim: SimulatorHandle;
  beforeAll(async () => {
    sim = await startSimulator({ ttftMs: 2, itlMs: 1 });
  });
  afterAll(() => sim.close());

  it('never has more than max_concurrency in flight, and queues the rest on the client', async () => {
    // 500 req/s against requests of ~10 ms with 4 slots (at most ~400 req/s): the queue must grow.
    const { result, records } = await collectRun({
      endpoint: `${sim.url}/v1/completions`,
      ratePerSec: 500,
      totalRequests: 60,
      maxConcurrency: 4,
      maxTokens: 8,
      seed: 11,
    });
    expect(records).toHaveLength(60);
    expect(records.every((r) => r.ok)).toBe(true);

    expect(peakInFlight(records)).toBe(4);

    const queueMs = records.map((r) => r.dispatchedAtMs - r.readyAtMs);
    expect(queueMs.every((q) => q >= 0)).toBe(true);
    // Clearly queued, not timer jitter: several requests waited more than a whole request's time.
    expect(queueMs.filter((q) => q > 5).length).toBeGreaterThan(5);
    for (const r of records) {
      const lag = r.sentAtMs - r.intendedAtMs;
      expect(lag).toBeGreaterThanOrEqual(r.dispatchedAtMs - r.readyAtMs - 1e-9);
      expect(r.readyAtMs).toBeGreaterThanOrEqual(r.intendedAtMs - 1e-9);
    }
    // The summary reports the same queueing.
    expect(result.summary.clientQueueMs?.max).toBeCloseTo(Math.max(...queueMs), 0);
    expect(result.summary.scheduleLagMs?.count).toBe(60);
  });

  it('sends in FIFO order: seq order is send order', async () => {
    const { records } = await collectRun({
      endpoint: `${sim.url}/v1/completions`,
      ratePerSec: 1000,
      totalRequests: 30,
      maxConcurrency: 2,
      maxTokens: 4,
      seed: 12,
    });
    const sorted = [...records].sort((a, b) => a.seq - b.seq);
    for (let i = 1; i < sorted.length; i++) {
      expect((sorted[i] as RequestRecord).dispatchedAtMs).toBeGreaterThanOrEqual((sorted[i - 1] as RequestRecord).dispatchedAtMs);
      expect((sorted[i] as RequestRecord).intendedAtMs).toBeGreaterThanOrEqual((sorted[i - 1] as RequestRecord).intendedAtMs);
    }
    expect(peakInFlight(records)).toBe(2);
  });
});
