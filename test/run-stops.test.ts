/**
 * The ways a run can end other than running out of arrivals, and warm-up requests: each is visible in
 * the result and the records, none loses data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summarizeRecords } from '../src/core/metrics/summary.js';
import { startSimulator, type SimulatorHandle } from '../src/sim/index.js';
import { bySeq, collectRun } from './helpers/collect-run.js';

describe('warm-up requests, early stops and closed-loop deadlines', () => {
  let sim: SimulatorHandle;
  beforeAll(async () => {
    sim = await startSimulator({ ttftMs: 2, itlMs: 2 });
  });
  afterAll(() => sim.close());

  it('marks the first --warmup requests and leaves them out of the summary, keeping their records', async () => {
    const { result, records } = await collectRun({ endpoint: `${sim.url}/v1/completions`, ratePerSec: 200, totalRequests: 12, warmupRequests: 4, maxTokens: 4 });
    expect(records).toHaveLength(12);
    const sorted = bySeq(records);
    expect(sorted.slice(0, 4).every((r) => r.warmup === true)).toBe(true);
    expect(sorted.slice(4).every((r) => r.warmup === undefined)).toBe(true);
    expect(result.summary.requests).toMatchObject({ total: 8, completed: 8, warmup: 4 });
    expect(result.summary.ttftMs?.count).toBe(8);
    // The window opens at the first counted request's dispatch, not at the run's start.
    const firstCounted = Math.min(...sorted.slice(4).map((r) => r.dispatchedAtMs));
    const lastEnd = Math.max(...records.map((r) => r.endAtMs));
    expect(result.summary.durationS).toBeCloseTo((lastEnd - firstCounted) / 1000, 9);
    // Re-summarising the saved records gives the same figures.
    expect(summarizeRecords(records)).toEqual(result.summary);
  });

  it('stopEarly ends the run with its reason, not as an interruption', async () => {
    const stop = new AbortController();
    let seen = 0;
    const { result, records } = await collectRun(
      { endpoint: `${sim.url}/v1/completions`, ratePerSec: 100, totalRequests: 500, maxTokens: 4, graceSec: 5 },
      { stopEarly: stop.signal, hooks: { onRecord: () => ++seen === 5 && stop.abort('over saturation (test)') } },
    );
    expect(result.interrupted).toBe(false);
    expect(result.stoppedEarly).toEqual({ reason: 'over saturation (test)' });
    expect(records.length).toBeGreaterThanOrEqual(5);
    expect(records.length).toBeLessThan(500);
    // In-flight requests had their grace period: none was cut.
    expect(records.every((r) => r.ok)).toBe(true);
  });

  it('a closed loop (rate inf) with --duration stops dispatching at the deadline and lets in-flight requests finish', async () => {
    const { result, records } = await collectRun({ endpoint: `${sim.url}/v1/completions`, ratePerSec: Infinity, durationSec: 0.3, totalRequests: 100_000, maxConcurrency: 4, maxTokens: 8 });
    expect(result.interrupted).toBe(false);
    expect(result.stoppedEarly).toBeNull();
    expect(result.requestsNotSent).toBe(0);
    expect(records.length).toBeGreaterThan(4);
    expect(records.length).toBeLessThan(100_000);
    expect(records.every((r) => r.ok)).toBe(true);
    // Nothing was dispatched after the deadline (a small allowance for the timer's own lateness).
    expect(Math.max(...records.map((r) => r.dispatchedAtMs))).toBeLessThan(300 + 50);
  });
});
