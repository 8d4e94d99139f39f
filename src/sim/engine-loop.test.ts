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
    const firsts = runs.map((t) => t[0]!);
    const one = runs[0]!.at(-1)! - runs[0]![0]!;
    expect(Math.max(...firsts) - Math.min(...firsts)).toBeLessThan(one / 2);
    // Then one token per decode step, at batch 4: ~6.5 ms on the default profile (plus timer slop).
    const step = decodeStepMs(deriveCoefficients(PROFILES['llama-3.1-8b-1xh100']), 4, 40);
    // The median gap, not the mean: deadlines are absolute, so after a late delivery (a busy test
    // process) the next tokens come early to catch up, and a mean would count that twice.
    const gaps = runs.flatMap((t) => t.slice(1).map((at, i) => at - t[i]!)).sort((a, b) => a - b);
    const median = gaps[Math.floor(gaps.length / 2)]!;
    // Loose bounds: the whole suite runs two workers on two cores, and this is wall-clock timing.
    expect(median).toBeGreaterThan(step * 0.5);
    expect(median).toBeLessThan(2 * step + 4);
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
