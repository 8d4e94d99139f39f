import { describe, expect, it } from 'vitest';
import { deriveRequestMetrics } from './derive.js';
import { record } from '../../../test/helpers/record-fixture.js';


describe('deriveRequestMetrics (hand-checked)', () => {
  it('derives TTFT, TPOT, ITL, latency, throughputs, lag and queue time', () => {
    const m = deriveRequestMetrics(record());
    expect(m.ttftMs).toBe(50); // 160 - 110
    expect(m.latencyMs).toBe(102); // 212 - 110
    expect(m.tpotMs).toBeCloseTo((102 - 50) / 3, 12); // (latency - ttft) / (4 - 1) = 17.333
    expect(m.itlMs).toEqual([10, 15, 25]);
    expect(m.throughputTps).toBeCloseTo(4 / 0.102, 9); // 39.2 tok/s
    expect(m.tokensPerSec).toBeCloseTo(24 / 0.102, 9);
    expect(m.scheduleLagMs).toBe(10); // 110 - 100
    expect(m.clientQueueMs).toBe(9.5); // dispatched 110 - ready 100.5
    expect(m.sendDelayMs).toBe(0);
  });

  it('client time before the write is send delay, not TTFT', () => {
    const m = deriveRequestMetrics(record({ dispatchedAtMs: 104, sentAtMs: 110 }));
    expect(m.clientQueueMs).toBe(3.5); // 104 - 100.5
    expect(m.sendDelayMs).toBe(6); // 110 - 104
    expect(m.ttftMs).toBe(50); // still from the write
    expect(m.scheduleLagMs).toBe(10); // intended 100 -> written 110
  });

  it('TPOT counts tokens, not chunks: 6 tokens in 4 chunks', () => {
    const m = deriveRequestMetrics(record({ outputTokens: 6 }));
    expect(m.tpotMs).toBeCloseTo(52 / 5, 12);
    expect(m.itlMs).toHaveLength(3);
  });

  it('one output token: TTFT but no TPOT and no ITL', () => {
    const m = deriveRequestMetrics(record({ contentTimesMs: [160], outputTokens: 1, endAtMs: 161 }));
    expect(m.ttftMs).toBe(50);
    expect(m.tpotMs).toBeNull();
    expect(m.itlMs).toEqual([]);
  });

  it('a failed request has latency and lag but no TTFT or throughput', () => {
    const m = deriveRequestMetrics(
      record({ ok: false, status: 503, contentTimesMs: [], outputTokens: 0, error: { kind: 'http_status', message: 'HTTP 503' } }),
    );
    expect(m.ttftMs).toBeNull();
    expect(m.tpotMs).toBeNull();
    expect(m.throughputTps).toBeNull();
    expect(m.tokensPerSec).toBeNull();
    expect(m.latencyMs).toBe(102);
  });
});
