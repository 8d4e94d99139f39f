import { describe, expect, it } from 'vitest';
import { record } from '../../../test/helpers/record-fixture.js';
import { createSummaryAccumulator, summarizeRecords } from './summary.js';

describe('summarizeRecords (hand-checked)', () => {
  const ok1 = record({ seq: 0 }); // ttft 50, latency 102, ends at 212
  const ok2 = record({
    seq: 1,
    intendedAtMs: 200,
    readyAtMs: 200,
    dispatchedAtMs: 200,
    sentAtMs: 200,
    contentTimesMs: [230, 240],
    endAtMs: 250,
    inputTokens: 10,
    outputTokens: 2,
    inputTokensSource: 'prompt_words',
    outputTokensSource: 'content_chunks',
  }); // ttft 30, latency 50, tpot 20, itl [10]
  const failed = record({
    seq: 2,
    intendedAtMs: 300,
    readyAtMs: 300,
    dispatchedAtMs: 301,
    sentAtMs: 301,
    contentTimesMs: [],
    endAtMs: 400,
    ok: false,
    status: 503,
    outputTokens: 0,
    error: { kind: 'http_status', message: 'HTTP 503: overloaded' },
  });
  const s = summarizeRecords([ok1, ok2, failed]);

  it('counts requests, errors by kind and by status', () => {
    expect(s.requests).toEqual({
      total: 3,
      completed: 2,
      failed: 1,
      warmup: 0,
      errorsByKind: { http_status: 1 },
      errorsByStatus: { '503': 1 },
    });
  });

  it('throughput over the run: duration from start to the last end', () => {
    expect(s.durationS).toBe(0.4);
    expect(s.requestThroughputPerSec).toBeCloseTo(2 / 0.4, 12);
    expect(s.outputTokenThroughputPerSec).toBeCloseTo(6 / 0.4, 12);
    expect(s.totalTokenThroughputPerSec).toBeCloseTo((20 + 4 + 10 + 2) / 0.4, 12);
    expect(s.tokenSources).toEqual({ inputFromUsage: 1, outputFromUsage: 1 });
  });

  it('latency metrics over successful requests; lag over all', () => {
    expect(s.ttftMs?.count).toBe(2);
    expect(s.ttftMs?.mean).toBe(40);
    expect(s.ttftMs?.p50).toBe(40);
    expect(s.ttftMs?.max).toBe(50);
    expect(s.latencyMs?.mean).toBe(76);
    expect(s.tpotMs?.mean).toBeCloseTo((52 / 3 + 20) / 2, 12);
    expect(s.itlMs?.count).toBe(4); // 3 gaps + 1 gap
    expect(s.itlMs?.max).toBe(25);
    expect(s.scheduleLagMs?.count).toBe(3);
    expect(s.scheduleLagMs?.max).toBe(10);
    expect(s.clientQueueMs?.max).toBe(9.5);
  });

  it('accumulators merge to the same summary', () => {
    const a = createSummaryAccumulator();
    const b = createSummaryAccumulator();
    a.add(ok1);
    b.add(ok2);
    b.add(failed);
    a.merge(b);
    expect(a.summarize()).toEqual(s);
  });

  it('an empty run summarises to zeros and nulls', () => {
    const e = summarizeRecords([]);
    expect(e.requests.total).toBe(0);
    expect(e.ttftMs).toBeNull();
    expect(e.requestThroughputPerSec).toBe(0);
  });
});
