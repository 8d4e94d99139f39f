/**
 * The simulator's /metrics against what the clients saw: llmload runs against a realistic-profile
 * simulator, then the scrape's counters must equal the sums of the usage each client got, and its
 * histograms must count every request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type SimulatorHandle } from '../src/sim/index.js';
import { collectRun } from './helpers/collect-run.js';

/** Samples of a Prometheus text exposition: `name{labels}` -> value. */
function parseExposition(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([^\s{]+)(\{[^}]*\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    samples.set(`${m[1]}${m[2] ?? ''}`, m[3] === '+Inf' ? Infinity : Number(m[3]));
  }
  return samples;
}

const LABELS = '{engine="0",model_name="llmload-sim"}';

async function scrape(sim: SimulatorHandle): Promise<{ text: string; get(name: string, labels?: string): number }> {
  const res = await fetch(`${sim.url}/metrics`);
  expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  const text = await res.text();
  const samples = parseExposition(text);
  return {
    text,
    get(name, labels = LABELS) {
      const v = samples.get(`${name}${labels}`);
      if (v === undefined) throw new Error(`no sample ${name}${labels}`);
      return v;
    },
  };
}

describe('/metrics agrees with what clients saw', () => {
  let sim: SimulatorHandle;
  beforeAll(async () => {
    // The realistic default profile, with short answers so the run takes a fraction of a second.
    sim = await startSimulator({ seed: 5 });
  });
  afterAll(() => sim.close());

  it('counts prompt and generation tokens as the usage the clients got, and every request', async () => {
    const before = await scrape(sim);
    expect(before.get('vllm:prompt_tokens_total')).toBe(0);
    const { records } = await collectRun({
      endpoint: `${sim.url}/v1/completions`,
      ratePerSec: 400,
      totalRequests: 30,
      maxConcurrency: 30,
      maxTokens: 12,
    });
    expect(records.every((r) => r.ok && r.inputTokensSource === 'usage')).toBe(true);
    const m = await scrape(sim);
    // llmload's preflight is one more request of 1 output token, with a one-word prompt.
    const preflightPrompt = m.get('vllm:request_prompt_tokens_sum') - records.reduce((a, r) => a + r.inputTokens, 0);
    expect(preflightPrompt).toBeGreaterThanOrEqual(2); // BOS + at least one token
    expect(m.get('vllm:prompt_tokens_total')).toBe(records.reduce((a, r) => a + r.inputTokens, 0) + preflightPrompt);
    expect(m.get('vllm:generation_tokens_total')).toBe(records.reduce((a, r) => a + r.outputTokens, 0) + 1);
    const requests = records.length + 1;
    expect(m.get('vllm:time_to_first_token_seconds_count')).toBe(requests);
    expect(m.get('vllm:e2e_request_latency_seconds_count')).toBe(requests);
    expect(m.get('vllm:e2e_request_latency_seconds_bucket', '{engine="0",le="+Inf",model_name="llmload-sim"}')).toBe(requests);
    const finished = [...m.text.matchAll(/^vllm:request_success_total\{[^}]*\} (\S+)$/gm)].reduce((a, x) => a + Number(x[1]), 0);
    expect(finished).toBe(requests);
    // The server's TTFT starts when the request has arrived, the client's before it connects and sends.
    const clientTtftSec = records.reduce((a, r) => a + (r.contentTimesMs[0]! - r.sentAtMs), 0) / 1000;
    const serverTtftSec = m.get('vllm:time_to_first_token_seconds_sum');
    expect(serverTtftSec).toBeGreaterThan(0);
    expect(serverTtftSec).toBeLessThan(clientTtftSec + 0.05);
    expect(m.get('vllm:num_requests_running')).toBe(0);
    expect(m.get('vllm:num_requests_waiting')).toBe(0);
    expect(m.get('vllm:kv_cache_usage_perc')).toBe(0);
    // The GPU-memory gauges: weights alone are 16 GB; nvidia-smi's view includes the whole KV pool.
    expect(m.get('llmload_sim_gpu_memory_used_bytes', '')).toBeGreaterThan(16e9);
    expect(m.get('DCGM_FI_DEV_FB_USED', '{gpu="0"}')).toBeGreaterThan(60_000);
  });
});

describe('/metrics under KV pressure', () => {
  it('reports preemptions and a full KV cache while every request still completes', async () => {
    // A tiny KV cache (16 blocks) and 1 ms steps: requests must take turns and be recomputed.
    const sim = await startSimulator({ kvCacheTokens: 256, maxModelLen: 256, memBandwidthGBs: 20_000, stepOverheadMs: 0, stepJitter: 0 });
    try {
      const ask = async (i: number): Promise<number> => {
        const res = await fetch(`${sim.url}/v1/completions`, {
          method: 'POST',
          body: JSON.stringify({ prompt: `request ${i}`, max_tokens: 90, ignore_eos: true }),
        });
        return ((await res.json()) as { usage: { completion_tokens: number } }).usage.completion_tokens;
      };
      const peak = { kv: 0, waiting: 0 };
      const watching = (async () => {
        for (let i = 0; i < 50; i++) {
          const m = await scrape(sim);
          peak.kv = Math.max(peak.kv, m.get('vllm:kv_cache_usage_perc'));
          peak.waiting = Math.max(peak.waiting, m.get('vllm:num_requests_waiting'));
          await new Promise((r) => setTimeout(r, 2));
        }
      })();
      expect(await Promise.all(Array.from({ length: 8 }, (_, i) => ask(i)))).toEqual(Array(8).fill(90));
      await watching;
      const m = await scrape(sim);
      expect(m.get('vllm:num_preemptions_total')).toBeGreaterThan(0);
      expect(peak.kv).toBeGreaterThan(0.8);
      expect(peak.waiting).toBeGreaterThan(0);
    } finally {
      await sim.close();
    }
  });
});
