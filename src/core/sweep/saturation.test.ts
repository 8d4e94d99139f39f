import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '../metrics/request-record.js';
import { assessSteadyState, createSaturationDetector } from './saturation.js';

/** A completed request: intended at `at`, first token after `wait`, done 100 ms later. */
function rec(seq: number, at: number, wait: number): RequestRecord {
  const first = at + wait;
  return {
    seq, intendedAtMs: at, readyAtMs: at, dispatchedAtMs: at, sentAtMs: at, headersAtMs: first,
    contentTimesMs: [first, first + 50], endAtMs: first + 100, status: 200, ok: true, error: null,
    promptWords: 10, inputTokens: 10, inputTokensSource: 'usage', outputTokens: 2, outputTokensSource: 'usage',
    finishReason: 'length', gpuMemoryMb: null,
  };
}

/** Feed records in completion order; return the first verdict that says saturated (or the last). */
function feed(records: RequestRecord[], offered: number) {
  const d = createSaturationDetector({ offeredRatePerSec: offered });
  const sorted = [...records].sort((a, b) => a.endAtMs - b.endAtMs);
  let v = d.add(sorted[0] as RequestRecord);
  for (const r of sorted.slice(1)) {
    v = d.add(r);
    if (v.saturated) return { v, at: r.endAtMs };
  }
  return { v, at: null };
}

describe('createSaturationDetector', () => {
  it('stops a queue that grows without bound: 20 req/s offered to a server that serves 10', () => {
    // FIFO server of capacity 10 req/s: request i starts at max(arrival, previous start + 100 ms).
    const records: RequestRecord[] = [];
    let free = 0;
    for (let i = 0; i < 1200; i++) {
      const at = i * 50;
      const start = Math.max(at, free);
      free = start + 100;
      records.push(rec(i, at, start - at + 80));
    }
    const { v, at } = feed(records, 20);
    expect(v.saturated).toBe(true);
    if (v.saturated) expect(v.reason).toMatch(/over saturation.*rose.*completed at [0-9.]+ req\/s of 20 offered/);
    // Called within the first 20 s of a 60 s level.
    expect(at as number).toBeLessThan(20_000);
  });

  it('leaves a busy but stable server alone (90% load, waits that wobble but do not grow)', () => {
    const records: RequestRecord[] = [];
    let x = 7;
    for (let i = 0; i < 1200; i++) {
      x = (x * 48271) % 2147483647;
      const wait = 100 + (x % 400); // 0.1-0.5 s, no trend
      records.push(rec(i, i * 50, wait));
    }
    expect(feed(records, 20).v.saturated).toBe(false);
  });

  it('never judges a closed loop (rate inf)', () => {
    const records = Array.from({ length: 500 }, (_, i) => rec(i, 0, i * 100));
    expect(feed(records, Infinity).v.saturated).toBe(false);
  });
});

describe('assessSteadyState', () => {
  it('flags a rising wait, accepts a flat one, and refuses to judge too few requests', () => {
    const flat = Array.from({ length: 90 }, (_, i) => rec(i, i * 100, 200 + (i % 5) * 10));
    const rising = Array.from({ length: 90 }, (_, i) => rec(i, i * 100, 200 + i * 40));
    expect(assessSteadyState(flat, false).reached).toBe(true);
    const r = assessSteadyState(rising, false);
    expect(r.reached).toBe(false);
    expect(r.reason).toContain('still rising');
    expect(assessSteadyState(flat.slice(0, 10), false)).toMatchObject({ reached: false, reason: expect.stringContaining('too few') });
  });
  it('leaves warm-up requests out', () => {
    const records = Array.from({ length: 90 }, (_, i) => ({ ...rec(i, i * 100, 200), ...(i < 70 ? { warmup: true as const } : {}) }));
    expect(assessSteadyState(records, false).reason).toContain('(20)');
  });
});
