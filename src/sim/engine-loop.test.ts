import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveCoefficients, PROFILES } from './engine/profiles.js';
import { decodeStepMs } from './engine/step-time.js';
import { startSimulator, type SimulatorHandle } from './sim-server.js';

/** Arrival times (ms after `t0`) of the content events of one streamed completion. */
async function streamTimes(url: string, body: object, t0: number): Promise<number[]> {
  const res = await fetch(`${url}/v1/completions`, { method: 'POST', body: JSON.stringify({ ...body, stream: true }) });
  const times: number[] = [];
  const decoder = new TextDecoder();
  for await (const part of res.body!) {
    const at = performance.now() - t0;
    for (const _ of decoder.decode(part, { stream: true }).matchAll(/"text":/g)) times.push(at);
  }
  return times;
}

async function gauge(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(new RegExp(`^${name}\\{[^}]*\\} (\\S+)$`, 'm').exec(text)![1]);
}

describe('the batching engine behind HTTP', () => {
  let sim: SimulatorHandle;
  beforeAll(async () => {
    sim = await startSimulator({ stepJitter: 0 });
  });
  afterAll(() => sim.close());

  it('batches requests that arrive together and paces tokens at the step time', async () => {
    const t0 = performance.now();
    const runs = await Promise.all([0, 1, 2, 3].map((i) => streamTimes(sim.url, { prompt: `same time ${i}`, max_tokens: 30, ignore_eos: true }, t0)));
    for (const times of runs) expect(times).toHaveLength(30);
    // Served side by side, not one after another: each answer takes ~30 steps (~200 ms), and all
    // four start within half of that (the rest is the client opening four connections).
    // Both checks lean on properties that load cannot fake, not on wall-clock tolerances: the server
    // never sends a token before its step's deadline, and a client never receives before the send.
    const coefficients = deriveCoefficients(PROFILES['llama-3.1-8b-1xh100']);
    const stepAt4 = decodeStepMs(coefficients, 4, 40);
    const stepAt1 = decodeStepMs(coefficients, 1, 40);
    // Paced: the 30th token of each cannot arrive before 29 decode steps at batch 4 have passed.
    for (const times of runs) expect(times.at(-1)!).toBeGreaterThanOrEqual(29 * stepAt4 * 0.99);
    // Batched: served one after another, the four would need at least 4 x 29 steps even at batch 1;
    // side by side they take about 29 steps at batch 4, far below that.
    const lastOfAll = Math.max(...runs.map((t) => t.at(-1)!));
    expect(lastOfAll).toBeLessThan(4 * 29 * stepAt1);
  });

  it('stops a stream whose client left and frees its KV blocks', async () => {
    const res = await fetch(`${sim.url}/v1/completions`, {
      method: 'POST',
      body: JSON.stringify({ prompt: 'a long answer', max_tokens: 5000, ignore_eos: true, stream: true }),
    });
    const reader = res.body!.getReader();
    await reader.read();
    expect(await gauge(sim.url, 'vllm:num_requests_running')).toBe(1);
    expect(await gauge(sim.url, 'vllm:kv_cache_usage_perc')).toBeGreaterThan(0);
    await reader.cancel();
    let running = 1;
    for (let i = 0; i < 50 && running > 0; i++) {
      await new Promise((r) => setTimeout(r, 10));
      running = await gauge(sim.url, 'vllm:num_requests_running');
    }
    expect(running).toBe(0);
    expect(await gauge(sim.url, 'vllm:kv_cache_usage_perc')).toBe(0);
  });

  it('answers whole (non-streamed) requests and chat with the same engine', async () => {
    const res = await fetch(`${sim.url}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }], max_tokens: 3, ignore_eos: true }),
    });
    const body = (await res.json()) as { choices: { message: { content: string } }[]; usage: { prompt_tokens: number; completion_tokens: number } };
    expect(body.choices[0]!.message.content).toMatch(/^( [a-z]+){3}$/);
    // Llama 3.1's template around one word: 26 + 5 + 1 + 4.
    expect(body.usage).toMatchObject({ prompt_tokens: 36, completion_tokens: 3 });
  });
});
