/**
 * The simulator's fault injection, end to end: each way a real server fails, as llmload's own run
 * (the built-in simulator, started by runBenchmark) records it, and each kind forced by the
 * request header as a raw HTTP client sees it.
 */
import { describe, expect, it } from 'vitest';
import type { RequestErrorKind } from '../src/core/metrics/request-record.js';
import { FAULT_HEADER, startSimulator, type FaultKind, type SimOptionsInput } from '../src/sim/index.js';
import { bySeq, collectRun } from './helpers/collect-run.js';

const TOTAL = 10;
const MAX_TOKENS = 5;
const STALL_TIMEOUT_SEC = 0.5;
const SLOW_FIRST_BYTE_MS = 150;

/** A fast simulator whose every other timed request fails with `kind` (the preflight never does). */
const simulator = (kind: FaultKind): SimOptionsInput => ({
  ttftMs: 2,
  itlMs: 1,
  faultRate: 0.5,
  faults: [kind],
  faultSlowFirstByteMs: SLOW_FIRST_BYTE_MS,
});

interface Case {
  fault: FaultKind;
  /** The llmload error kind; null: the request succeeds (late). */
  kind: RequestErrorKind | null;
  status: number | null;
  message?: RegExp;
  contentBeforeFault: number;
}

const CASES: Case[] = [
  { fault: '429', kind: 'http_status', status: 429, message: /^HTTP 429: .*rate limit reached/, contentBeforeFault: 0 },
  { fault: '503', kind: 'http_status', status: 503, message: /^HTTP 503: .*server overloaded/, contentBeforeFault: 0 },
  { fault: '500', kind: 'http_status', status: 500, message: /^HTTP 500: .*"type":"InternalServerError"/, contentBeforeFault: 0 },
  { fault: 'reset', kind: 'connection_reset', status: null, message: /closed|reset|socket/i, contentBeforeFault: 0 },
  { fault: 'cut', kind: 'connection_reset', status: 200, message: /^stream cut: /, contentBeforeFault: 2 },
  { fault: 'malformed', kind: 'malformed_chunk', status: 200, contentBeforeFault: 2 },
  { fault: 'stall', kind: 'timeout', status: 200, message: /no complete response within 0\.500 s/, contentBeforeFault: 2 },
  { fault: 'slow-first-byte', kind: null, status: 200, contentBeforeFault: MAX_TOKENS },
];

describe('simulated faults, as llmload run records them', () => {
  it.each(CASES)('$fault -> $kind', async (c) => {
    const { result, records } = await collectRun(
      {
        ratePerSec: 500,
        totalRequests: TOTAL,
        maxConcurrency: TOTAL,
        maxTokens: MAX_TOKENS,
        requestTimeoutSec: c.fault === 'stall' ? STALL_TIMEOUT_SEC : 30,
      },
      { simulator: simulator(c.fault) },
    );
    expect(records).toHaveLength(TOTAL);
    const sorted = bySeq(records);
    // Generation requests 1, 3, 5, ... (0 is the preflight) fail: every other timed request, by arrival.
    const faulted = c.kind === null ? sorted.filter((r) => r.headersAtMs! - r.sentAtMs >= SLOW_FIRST_BYTE_MS - 1) : sorted.filter((r) => !r.ok);
    expect(faulted).toHaveLength(TOTAL / 2);
    for (const r of faulted) {
      expect(r.error?.kind ?? null).toBe(c.kind);
      if (c.message) expect(r.error?.message).toMatch(c.message);
      expect(r.status).toBe(c.status);
      expect(r.contentTimesMs).toHaveLength(c.contentBeforeFault);
    }
    // The timeout runs from the hand-over to the HTTP client (dispatch), not from the socket write.
    if (c.fault === 'stall') for (const r of faulted) expect(r.endAtMs - r.dispatchedAtMs).toBeGreaterThanOrEqual(STALL_TIMEOUT_SEC * 1000 - 5);
    if (c.fault === 'slow-first-byte') for (const r of faulted) expect(r.contentTimesMs[0]! - r.sentAtMs).toBeGreaterThanOrEqual(SLOW_FIRST_BYTE_MS);
    for (const r of sorted.filter((x) => !faulted.includes(x))) {
      expect(r.ok).toBe(true);
      expect(r.outputTokens).toBe(MAX_TOKENS);
    }
    const failed = c.kind === null ? 0 : TOTAL / 2;
    expect(result.summary.requests).toMatchObject({ total: TOTAL, failed, completed: TOTAL - failed });
    if (c.kind !== null) expect(result.summary.requests.errorsByKind).toEqual({ [c.kind]: TOTAL / 2 });
  });
});

describe('faults forced by the request header', () => {
  const post = (url: string, fault: string, body: object = { prompt: 'a b', max_tokens: 4, stream: true }) =>
    fetch(`${url}/v1/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [FAULT_HEADER]: fault },
      body: JSON.stringify(body),
    });

  it('answers 429 and 503 with Retry-After, 500 with a JSON error, and counts them in /metrics', async () => {
    const sim = await startSimulator({ ttftMs: 1, itlMs: 1, faultRetryAfterSec: 7 });
    try {
      for (const [fault, type] of [
        ['429', 'RateLimitError'],
        ['503', 'ServiceUnavailableError'],
        ['500', 'InternalServerError'],
      ] as const) {
        const res = await post(sim.url, fault);
        expect(res.status).toBe(Number(fault));
        expect(res.headers.get('retry-after')).toBe(fault === '500' ? null : '7');
        expect(await res.json()).toMatchObject({ object: 'error', type, code: Number(fault) });
      }
      await expect(post(sim.url, 'reset')).rejects.toThrow();
      const ok = await post(sim.url, 'none');
      expect(ok.status).toBe(200);
      expect(await ok.text()).toContain('data: [DONE]');
      const bad = await post(sim.url, 'explode');
      expect(bad.status).toBe(400);
      expect(await bad.text()).toContain('unknown fault');
      const metrics = await (await fetch(`${sim.url}/metrics`)).text();
      for (const kind of ['429', '503', '500', 'reset']) {
        expect(metrics).toContain(`llmload_sim_faults_injected_total{kind="${kind}",model_name="llmload-sim"} 1.0`);
      }
    } finally {
      await sim.close();
    }
  });

  it('cuts, corrupts and stalls a stream after the tokens that came first', async () => {
    const sim = await startSimulator({ ttftMs: 1, itlMs: 1, faultAfterTokens: 1 });
    try {
      const cut = await post(sim.url, 'cut');
      await expect(cut.text()).rejects.toThrow();
      const malformed = await (await post(sim.url, 'malformed')).text();
      const events = malformed.split('\n\n').filter((e) => e.length > 0);
      expect(events.map((e) => (e.startsWith('data: {') ? (e.includes('tru\n') || !e.endsWith('}') ? 'bad' : 'ok') : e))).toEqual([
        'ok',
        'bad',
        'ok',
        'ok',
        'ok',
        'data: [DONE]',
      ]);
      const stalled = await post(sim.url, 'stall');
      const reader = stalled.body!.getReader();
      const first = new TextDecoder().decode((await reader.read()).value);
      expect(first).toContain('"text"');
      const next = await Promise.race([reader.read().then(() => 'data'), new Promise((r) => setTimeout(() => r('silence'), 100))]);
      expect(next).toBe('silence');
      await reader.cancel();
    } finally {
      await sim.close();
    }
  });
});
