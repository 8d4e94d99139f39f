import type { RequestRecord } from '../../src/core/metrics/request-record.js';

/**
 * A hand-checked successful request: sent at 110 ms, content at 160/170/185/210, ended at 212, so
 * TTFT 50 ms, latency 102 ms, TPOT 52/3 ms, ITL 10/15/25 ms, lag 10 ms, client queue 9.5 ms.
 */
export function record(over: Partial<RequestRecord> = {}): RequestRecord {
  return {
    seq: 0,
    intendedAtMs: 100,
    readyAtMs: 100.5,
    dispatchedAtMs: 110,
    sentAtMs: 110,
    headersAtMs: 115,
    contentTimesMs: [160, 170, 185, 210],
    endAtMs: 212,
    status: 200,
    ok: true,
    error: null,
    promptWords: 12,
    inputTokens: 20,
    inputTokensSource: 'usage',
    outputTokens: 4,
    outputTokensSource: 'usage',
    finishReason: 'length',
    gpuMemoryMb: null,
    ...over,
  };
}
