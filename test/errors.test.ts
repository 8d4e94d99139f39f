/**
 * A failed request is data: every error kind is recorded on its request while the run goes on, and
 * the summary counts it. Each fault comes from a purpose-built loopback server that passes the
 * preflight and then spoils every other generation request.
 */
import { describe, expect, it } from 'vitest';
import type { RequestErrorKind, RequestRecord } from '../src/core/metrics/request-record.js';
import { bySeq, collectRun } from './helpers/collect-run.js';
import { startFaultServer, type FaultName } from './helpers/fault-server.js';
import { startHttpServer } from './helpers/http-server.js';
import { HEALTHY_OUTPUT_TOKENS, MODELS_ANSWER, sendJson, writeHealthyStream } from './helpers/openai-sse.js';

const TOTAL = 10;
/**
 * --request-timeout for the runs with a stalling server. Healthy answers here are immediate, but on a
 * loaded shared machine one can take a few hundred ms; other runs use a timeout no answer can reach.
 */
const STALL_TIMEOUT_SEC = 0.5;

interface FaultCase {
  fault: FaultName;
  kind: RequestErrorKind;
  /** HTTP status recorded on the failed request (null: no headers came). */
  status: number | null;
  /** Text the error message must contain. */
  message: RegExp;
  /** Content events that arrived before the fault (they are kept). */
  contentBeforeFault: number;
}

const CASES: FaultCase[] = [
  { fault: 'http_500', kind: 'http_status', status: 500, message: /^HTTP 500: .*engine overloaded: KV cache exhausted/, contentBeforeFault: 0 },
  { fault: 'http_429', kind: 'http_status', status: 429, message: /^HTTP 429: .*rate limit reached/, contentBeforeFault: 0 },
  { fault: 'reset_before_headers', kind: 'connection_reset', status: null, message: /closed|reset/i, contentBeforeFault: 0 },
  // The server drops the socket after two tokens: the transport sees the connection go, which is
  // what happened (the body was not merely short), so connection_reset, with the tokens kept.
  { fault: 'cut_mid_stream', kind: 'connection_reset', status: 200, message: /^stream cut: /, contentBeforeFault: 2 },
  { fault: 'no_done', kind: 'truncated_stream', status: 200, message: /without data: \[DONE\]/, contentBeforeFault: 2 },
  { fault: 'malformed_chunk', kind: 'malformed_chunk', status: 200, message: /not a JSON object: \{"choices": \[\{"text": " two", tru/, contentBeforeFault: 1 },
  { fault: 'error_event', kind: 'server_error_event', status: 200, message: /^CUDA out of memory$/, contentBeforeFault: 1 },
  { fault: 'stall', kind: 'timeout', status: 200, message: /no complete response within 0\.500 s/, contentBeforeFault: 1 },
  { fault: 'no_content', kind: 'no_content', status: 200, message: /no generated text/, contentBeforeFault: 0 },
];

function expectHealthy(r: RequestRecord): void {
  expect(r.ok).toBe(true);
  expect(r.error).toBeNull();
  expect(r.status).toBe(200);
  expect(r.contentTimesMs).toHaveLength(HEALTHY_OUTPUT_TOKENS);
  expect(r.outputTokens).toBe(HEALTHY_OUTPUT_TOKENS);
  expect(r.outputTokensSource).toBe('usage');
  expect(r.finishReason).toBe('length');
}

describe('request errors are recorded as data and the run goes on', () => {
  it.each(CASES)('$fault -> $kind', async (c) => {
    const server = await startFaultServer((n) => (n % 2 === 1 ? c.fault : null));
    try {
      const { result, records } = await collectRun({
        endpoint: server.endpoint,
        ratePerSec: 500,
        totalRequests: TOTAL,
        maxConcurrency: TOTAL,
        requestTimeoutSec: c.kind === 'timeout' ? STALL_TIMEOUT_SEC : 30,
      });
      expect(server.generationRequests).toBe(TOTAL);
      expect(records).toHaveLength(TOTAL);
      expect(bySeq(records).map((r) => r.seq)).toEqual([...Array(TOTAL).keys()]);

      const failed = records.filter((r) => !r.ok);
      expect(failed).toHaveLength(TOTAL / 2);
      for (const r of failed) {
        expect(r.error?.kind).toBe(c.kind);
        expect(r.error?.message).toMatch(c.message);
        expect(r.status).toBe(c.status);
        expect(r.headersAtMs === null).toBe(c.status === null);
        expect(r.contentTimesMs).toHaveLength(c.contentBeforeFault);
        expect(r.endAtMs).toBeGreaterThanOrEqual(r.sentAtMs);
      }
      if (c.kind === 'timeout') {
        // Cut at the deadline, not long after it.
        for (const r of failed) expect(r.endAtMs - r.dispatchedAtMs).toBeGreaterThanOrEqual(STALL_TIMEOUT_SEC * 1000 - 1);
      }
      records.filter((r) => r.ok).forEach(expectHealthy);

      const s = result.summary;
      expect(s.requests).toEqual({
        total: TOTAL,
        completed: TOTAL / 2,
        failed: TOTAL / 2,
        warmup: 0,
        errorsByKind: { [c.kind]: TOTAL / 2 },
        errorsByStatus: c.kind === 'http_status' ? { [String(c.status)]: TOTAL / 2 } : {},
      });
      // Latency figures describe the successful requests only; lag covers every request sent.
      expect(s.latencyMs?.count).toBe(TOTAL / 2);
      expect(s.scheduleLagMs?.count).toBe(TOTAL);
      expect(s.totalOutputTokens).toBe((TOTAL / 2) * HEALTHY_OUTPUT_TOKENS);
      expect(result.interrupted).toBe(false);
    } finally {
      await server.close();
    }
  });

  it('counts every kind at once when faults of all kinds are mixed into one run', async () => {
    const faults = CASES.map((c) => c.fault);
    const server = await startFaultServer((n) => (n % 2 === 1 ? (faults[(n - 1) / 2] ?? null) : null));
    try {
      const total = faults.length * 2;
      const { result, records } = await collectRun({
        endpoint: server.endpoint,
        ratePerSec: 500,
        totalRequests: total,
        maxConcurrency: 4,
        requestTimeoutSec: STALL_TIMEOUT_SEC,
      });
      expect(records).toHaveLength(total);
      const expected: Partial<Record<RequestErrorKind, number>> = {};
      for (const c of CASES) expected[c.kind] = (expected[c.kind] ?? 0) + 1;
      expect(result.summary.requests.errorsByKind).toEqual(expected);
      expect(result.summary.requests.errorsByStatus).toEqual({ '429': 1, '500': 1 });
      expect(result.summary.requests.completed).toBe(faults.length);
      records.filter((r) => r.ok).forEach(expectHealthy);
    } finally {
      await server.close();
    }
  });

  it('records connect_failed for the requests after the server goes away mid-run', async () => {
    let generation = 0;
    const server = await startHttpServer((req, res) => {
      if (req.method === 'GET') return sendJson(res, 200, MODELS_ANSWER);
      if ((JSON.parse(req.body) as { max_tokens?: number }).max_tokens === 1) return writeHealthyStream(res);
      writeHealthyStream(res);
      // After the third generation request the server stops listening and drops its connections.
      if (++generation === 3) res.once('finish', () => void server.close());
    });
    const { result, records } = await collectRun({
      endpoint: `${server.url}/v1/completions`,
      ratePerSec: 200,
      totalRequests: 6,
      maxConcurrency: 1,
    });
    await server.close();
    const sorted = bySeq(records);
    expect(sorted.slice(0, 3).every((r) => r.ok)).toBe(true);
    for (const r of sorted.slice(3)) {
      // The third answer may lose its socket before the fourth request reuses it; either way no
      // response ever comes, and no new connection can be opened.
      expect(['connect_failed', 'connection_reset']).toContain(r.error?.kind);
      expect(r.status).toBeNull();
    }
    for (const r of sorted.slice(4)) {
      expect(r.error?.kind).toBe('connect_failed');
      expect(r.error?.message).toContain('ECONNREFUSED');
    }
    expect(result.summary.requests.errorsByKind.connect_failed).toBeGreaterThanOrEqual(2);
    expect(result.summary.requests.total).toBe(6);
  });

  it('cuts in-flight requests as aborted when the run is stopped and the grace period ends', async () => {
    const server = await startFaultServer(() => 'stall');
    const stop = new AbortController();
    let sent = 0;
    try {
      const { result, records } = await collectRun(
        { endpoint: server.endpoint, ratePerSec: 1000, totalRequests: 4, maxConcurrency: 4, graceSec: 0.05, requestTimeoutSec: 30 },
        { signal: stop.signal, hooks: { onSend: () => ++sent === 4 && setTimeout(() => stop.abort(), 20) } },
      );
      expect(result.interrupted).toBe(true);
      expect(records).toHaveLength(4);
      for (const r of records) {
        expect(r.error?.kind).toBe('aborted');
        // The token that came before the stop is kept.
        expect(r.contentTimesMs).toHaveLength(1);
      }
      expect(result.summary.requests.errorsByKind).toEqual({ aborted: 4 });
    } finally {
      await server.close();
    }
  });
});
