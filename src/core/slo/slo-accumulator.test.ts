import { describe, expect, it } from 'vitest';
import { record } from '../../../test/helpers/record-fixture.js';
import { summarizeRecords } from '../metrics/summary.js';
import { parseSlo } from './parse-slo.js';
import { createSloAccumulator, deriveSloResult } from './slo-accumulator.js';

/**
 * Five hand-checked requests (all sent at 110 ms), and one warm-up request:
 *   A  the fixture: TTFT 50, TPOT 52/3, largest gap 25, latency 102, 4 tokens
 *   B  slow start: TTFT 300, TPOT 40/3, gaps 10, latency 340
 *   C  one token: TTFT 40, no TPOT, no gap, latency 41
 *   D  a stall: TTFT 50, TPOT (302-50)/3 = 84, gaps 10/230/10, latency 302
 *   E  failed with HTTP 503 after 5 ms
 */
const A = record({ seq: 0 });
const B = record({ seq: 1, contentTimesMs: [410, 420, 430, 440], endAtMs: 450 });
const C = record({ seq: 2, contentTimesMs: [150], endAtMs: 151, outputTokens: 1 });
const D = record({ seq: 3, contentTimesMs: [160, 170, 400, 410], endAtMs: 412 });
const E = record({ seq: 4, contentTimesMs: [], endAtMs: 115, ok: false, status: 503, outputTokens: 0, error: { kind: 'http_status', message: 'busy' } });
/** A warm-up request that would violate everything: it must not be counted at all. */
const W = record({ seq: 5, contentTimesMs: [5000], endAtMs: 9000, warmup: true });
const ALL = [A, B, C, D, E, W];

describe('per-request limits and goodput', () => {
  const spec = parseSlo('ttft_ms=100,tpot_ms=50,itl_ms=200,latency_ms=400');

  it('counts the requests within every limit, and what each limit caught', () => {
    const r = deriveSloResult(ALL, spec, 2);
    // A and C meet every limit (C has no TPOT and no gap: it passes both). B breaks TTFT; D breaks
    // TPOT and the gap limit; E failed, so it counts against all four. W is warm-up: not counted.
    expect(r.requests).toBe(5);
    expect(r.meetingAll).toBe(2);
    expect(r.attainment).toBeCloseTo(0.4, 12);
    expect(r.violations).toEqual({ ttft: 2, tpot: 2, itl: 2, latency: 1 });
    // Over 2 s: 2 requests, 4 + 1 output tokens.
    expect(r.goodputRequestsPerSec).toBeCloseTo(1, 12);
    expect(r.goodputOutputTokensPerSec).toBeCloseTo(2.5, 12);
    expect(r.objectives).toEqual([]);
    expect(r.allObjectivesHeld).toBe(true);
  });

  it('passes a request exactly at a limit (value <= limit, as vLLM compares)', () => {
    expect(deriveSloResult([A], parseSlo('ttft_ms=50,latency_ms=102'), 1).meetingAll).toBe(1);
    expect(deriveSloResult([A], parseSlo('ttft_ms=49.99'), 1).meetingAll).toBe(0);
  });

  it('judges the largest gap, not the typical one, against the itl limit', () => {
    // D's gaps are 10, 230, 10: fine on average, broken by one stall.
    expect(deriveSloResult([D], parseSlo('itl_ms=229'), 1).violations).toEqual({ itl: 1 });
    expect(deriveSloResult([D], parseSlo('itl_ms=230'), 1).violations).toEqual({ itl: 0 });
  });

  it('gives zero goodput, not a division by zero, for a zero duration or no request', () => {
    const r = deriveSloResult([A], spec, 0);
    expect([r.goodputRequestsPerSec, r.goodputOutputTokensPerSec]).toEqual([0, 0]);
    const none = deriveSloResult([], spec, 10);
    expect([none.requests, none.attainment, none.meetingAll]).toEqual([0, 0, 0]);
  });
});

describe('percentile objectives', () => {
  const spec = parseSlo('ttft_p50_ms=50,ttft_p99_ms=290,tpot_p50_ms=20,itl_p90_ms=70,latency_p50_ms=200');

  it('measures each over the successful requests and says whether it held', () => {
    const r = deriveSloResult(ALL, spec, 1);
    const got = r.objectives.map((o) => [o.name, o.actualMs, o.held]);
    expect(got[0]).toEqual(['ttft_p50_ms', 50, true]); // TTFT 40, 50, 50, 300: p50 = 50, at the limit
    expect(got[1]?.[0]).toBe('ttft_p99_ms');
    expect(got[1]?.[1]).toBeCloseTo(50 + 0.97 * 250, 9); // 292.5 > 290
    expect(got[1]?.[2]).toBe(false);
    expect(got[2]?.[1]).toBeCloseTo(52 / 3, 9); // TPOT 40/3, 52/3, 84 (C has none)
    expect(got[2]?.[2]).toBe(true);
    expect(got[3]?.[1]).toBeCloseTo(25 + 0.2 * 205, 9); // gaps 10 x6, 15, 25, 230: p90 = 66
    expect(got[3]?.[2]).toBe(true);
    expect(got[4]?.slice(1)).toEqual([(102 + 302) / 2, false]); // latency 41, 102, 302, 340
    expect(r.allObjectivesHeld).toBe(false);
    // With no per-request limit, every successful request meets the SLO; the failed one does not.
    expect(r.requests).toBe(5);
    expect(r.meetingAll).toBe(4);
  });

  it('agrees with the run summary to the digit', () => {
    const summary = summarizeRecords([A, B, C, D, E]);
    const r = deriveSloResult(ALL, parseSlo('ttft_p99_ms=1,tpot_p99_ms=1,itl_p99_ms=1,latency_p90_ms=1'), 1);
    expect(r.objectives.map((o) => o.actualMs)).toEqual([summary.ttftMs?.p99, summary.tpotMs?.p99, summary.itlMs?.p99, summary.latencyMs?.p90]);
  });

  it('does not hold an objective with nothing to measure', () => {
    const r = deriveSloResult([E, C], parseSlo('tpot_p99_ms=100'), 1);
    expect(r.objectives[0]).toMatchObject({ actualMs: null, held: false });
    expect(r.allObjectivesHeld).toBe(false);
  });
});

describe('createSloAccumulator', () => {
  const spec = parseSlo('ttft_ms=100,itl_ms=200,ttft_p99_ms=290,itl_p50_ms=12');

  it('merges shards into the same result as one pass', () => {
    const left = createSloAccumulator(spec);
    const right = createSloAccumulator(spec);
    [A, B, W].forEach((r) => left.add(r));
    [C, D, E].forEach((r) => right.add(r));
    left.merge(right);
    expect(left.result(3)).toEqual(deriveSloResult(ALL, spec, 3));
  });

  it('refuses to merge accumulators of different specs', () => {
    expect(() => createSloAccumulator(spec).merge(createSloAccumulator(parseSlo('ttft_ms=1')))).toThrow(/different SLO specs/);
  });

  it('stays bounded over a long run: percentiles within the histogram accuracy', () => {
    // 80,000 requests (past the histogram's exact limit) with TTFT 1..80,000 µs-ish: i/1000 + 10 ms.
    const acc = createSloAccumulator(parseSlo('ttft_p90_ms=1000,ttft_ms=50'));
    const n = 80_000;
    for (let i = 0; i < n; i++) {
      const ttft = 10 + i / 1000;
      acc.add(record({ seq: i, sentAtMs: 0, contentTimesMs: [ttft], endAtMs: ttft + 1, outputTokens: 1 }));
    }
    expect(acc.parts.hist.ttft?.exact).toBe(false);
    const r = acc.result(100);
    const exactP90 = 10 + (0.9 * (n - 1)) / 1000;
    expect(Math.abs((r.objectives[0]?.actualMs as number) - exactP90) / exactP90).toBeLessThan(0.005);
    // TTFT <= 50 ms: i <= 40,000.
    expect(r.meetingAll).toBe(40_001);
  });
});
