/**
 * The simulator's side of the workload features, over loopback HTTP: reasoning streamed before the
 * content (and the case where it takes every token), the fault that ignores ignore_eos and
 * min_tokens, and prefix-cache hits for chat requests that share a system prompt.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type SimulatorHandle } from '../src/sim/index.js';
import type { SimOptionsInput } from '../src/sim/index.js';

interface Delta {
  role?: string;
  content?: string;
  reasoning_content?: string;
  reasoning?: string;
}
interface Chunk {
  choices: { delta?: Delta; text?: string; finish_reason: string | null }[];
  usage?: { prompt_tokens: number; completion_tokens: number; completion_tokens_details?: { reasoning_tokens: number } } | null;
}

async function post(sim: SimulatorHandle, path: string, body: unknown): Promise<Response> {
  return fetch(`${sim.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

/** The events of an SSE body, [DONE] checked and dropped. */
async function events(res: Response): Promise<Chunk[]> {
  expect(res.status).toBe(200);
  const blocks = (await res.text()).split('\n\n');
  expect(blocks.splice(-2)).toEqual(['data: [DONE]', '']);
  return blocks.map((b) => JSON.parse(b.slice('data: '.length)) as Chunk);
}

const USER = [{ role: 'user', content: 'think first' }];
const FAST: SimOptionsInput = { ttftMs: 1, itlMs: 0 };

async function withSim<T>(options: SimOptionsInput, fn: (sim: SimulatorHandle) => Promise<T>): Promise<T> {
  const sim = await startSimulator(options);
  try {
    return await fn(sim);
  } finally {
    await sim.close();
  }
}

describe('reasoning', () => {
  let sim: SimulatorHandle;
  beforeAll(async () => {
    sim = await startSimulator({ ...FAST, reasoningTokens: 5 });
  });
  afterAll(() => sim.close());

  it('streams the reasoning field first, then content, and counts reasoning in usage', async () => {
    const stream = { stream: true, stream_options: { include_usage: true } };
    const chunks = await events(await post(sim, '/v1/chat/completions', { messages: USER, max_tokens: 12, ignore_eos: true, ...stream }));
    const usage = chunks.pop()!;
    expect(usage.choices).toEqual([]);
    expect(usage.usage).toMatchObject({ completion_tokens: 12, completion_tokens_details: { reasoning_tokens: 5 } });
    expect(chunks[0]!.choices[0]!.delta).toEqual({ role: 'assistant', content: '' });
    const deltas = chunks.slice(1).map((c) => c.choices[0]!.delta!);
    expect(deltas).toHaveLength(12);
    for (const d of deltas.slice(0, 5)) expect(Object.keys(d)).toEqual(['reasoning_content']);
    for (const d of deltas.slice(5)) expect(Object.keys(d)).toEqual(['content']);
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe('length');
    // The same answer whole: the reasoning and the content are the stream's, put together.
    const whole = (await (await post(sim, '/v1/chat/completions', { messages: USER, max_tokens: 12, ignore_eos: true })).json()) as {
      choices: { message: Delta }[];
      usage: Chunk['usage'];
    };
    expect(whole.choices[0]!.message).toMatchObject({
      role: 'assistant',
      reasoning_content: deltas.slice(0, 5).map((d) => d.reasoning_content).join(''),
      content: deltas.slice(5).map((d) => d.content).join(''),
    });
    expect(whole.usage).toMatchObject({ completion_tokens: 12, completion_tokens_details: { reasoning_tokens: 5 } });
  });

  it('sends no content when max_tokens ends the answer inside its reasoning', async () => {
    const chunks = await events(await post(sim, '/v1/chat/completions', { messages: USER, max_tokens: 3, ignore_eos: true, stream: true }));
    const deltas = chunks.slice(1).map((c) => c.choices[0]!.delta!);
    expect(deltas.map((d) => Object.keys(d))).toEqual([['reasoning_content'], ['reasoning_content'], ['reasoning_content']]);
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe('length');
    const whole = (await (await post(sim, '/v1/chat/completions', { messages: USER, max_tokens: 3, ignore_eos: true })).json()) as {
      choices: { message: Delta; finish_reason: string }[];
    };
    expect(whole.choices[0]!.message.content).toBeNull();
    expect(whole.choices[0]!.finish_reason).toBe('length');
  });

  it('leaves completions alone', async () => {
    const chunks = await events(await post(sim, '/v1/completions', { prompt: 'x', max_tokens: 8, ignore_eos: true, stream: true }));
    expect(chunks).toHaveLength(8);
    for (const c of chunks) expect(c.choices[0]!.text).toMatch(/^ [a-z]+$/);
  });

  it("uses the newer 'reasoning' field when asked, and splits an event that spans the end", async () => {
    await withSim({ ...FAST, reasoningTokens: 3, reasoningField: 'reasoning', tokensPerChunk: 2 }, async (s) => {
      const chunks = await events(await post(s, '/v1/chat/completions', { messages: USER, max_tokens: 6, ignore_eos: true, stream: true }));
      const deltas = chunks.slice(1).map((c) => c.choices[0]!.delta!);
      expect(deltas.map((d) => Object.keys(d))).toEqual([['reasoning'], ['reasoning', 'content'], ['content']]);
      expect(deltas.every((d) => /^( [a-z]+)+$/.test((d.reasoning ?? '') + (d.content ?? '')))).toBe(true);
    });
  });
});

describe('the ignore-length-hints fault', () => {
  // A natural length of 3 tokens, far below what the requests ask for.
  const hinted = { prompt: 'count on me', max_tokens: 20, ignore_eos: true };

  it('honours ignore_eos and min_tokens by default: exactly max_tokens tokens', async () => {
    await withSim({ ...FAST, outputTokens: 3 }, async (sim) => {
      const chunks = await events(await post(sim, '/v1/completions', { ...hinted, stream: true }));
      expect([chunks.length, chunks.at(-1)!.choices[0]!.finish_reason]).toEqual([20, 'length']);
      const min = (await (await post(sim, '/v1/completions', { prompt: 'x', max_tokens: 20, min_tokens: 10 })).json()) as Chunk;
      expect(min.usage!.completion_tokens).toBe(10);
    });
  });

  it('ends every answer at its natural length when on, shorter than asked', async () => {
    await withSim({ ...FAST, outputTokens: 3, ignoreLengthHints: true }, async (sim) => {
      const chunks = await events(await post(sim, '/v1/completions', { ...hinted, stream: true }));
      expect([chunks.length, chunks.at(-1)!.choices[0]!.finish_reason]).toEqual([3, 'stop']);
      const min = (await (await post(sim, '/v1/completions', { prompt: 'x', max_tokens: 20, min_tokens: 10 })).json()) as Chunk;
      expect(min.usage!.completion_tokens).toBe(3);
      const chat = (await (await post(sim, '/v1/chat/completions', { messages: USER, max_tokens: 20, ignore_eos: true })).json()) as Chunk;
      expect(chat.usage!.completion_tokens).toBe(3);
    });
  });
});

describe('prefix cache and a shared system prompt', () => {
  const words = ['policy', 'answer', 'briefly', 'cite', 'sources', 'never', 'guess', 'when', 'unsure', 'ask'];
  /** About 2,000 tokens of English: each " word" is one cl100k token. */
  const systemText = (variant: number): string =>
    `Rule set ${variant}. ` + Array.from({ length: 1995 }, (_, i) => words[(i * 7 + variant) % words.length]).join(' ');

  async function hitsAfter(systemFor: (i: number) => string): Promise<{ hits: number; queries: number; promptTokens: number[] }> {
    return withSim({ seed: 1 }, async (sim) => {
      const promptTokens: number[] = [];
      // One after another: a request's blocks are findable once its prefill is done.
      for (let i = 0; i < 6; i++) {
        const messages = [
          { role: 'system', content: systemFor(i) },
          { role: 'user', content: `question number ${i}: what is ${i * 13} plus ${i}?` },
        ];
        const body = (await (await post(sim, '/v1/chat/completions', { messages, max_tokens: 2 })).json()) as Chunk;
        promptTokens.push(body.usage!.prompt_tokens);
      }
      const text = await (await fetch(`${sim.url}/metrics`)).text();
      const counter = (name: string): number => Number(new RegExp(`^${name}\\{[^}]*\\} (\\S+)$`, 'm').exec(text)?.[1]);
      return { hits: counter('vllm:prefix_cache_hits_total'), queries: counter('vllm:prefix_cache_queries_total'), promptTokens };
    });
  }

  it('hits on the whole shared system prompt, and only on the template without one', async () => {
    const shared = await hitsAfter(() => systemText(0));
    const distinct = await hitsAfter((i) => systemText(i + 1));
    expect(shared.promptTokens.every((n) => n > 2000)).toBe(true);
    expect(shared.queries).toBe(shared.promptTokens.reduce((a, b) => a + b, 0));
    // Every request after the first finds the template and the system text: all their full blocks.
    const sharedPrefix = 26 + 2000;
    expect(shared.hits).toBeGreaterThanOrEqual(5 * (Math.floor(sharedPrefix / 16) - 1) * 16);
    // Distinct system prompts share the template's first block only.
    expect(distinct.hits).toBe(5 * 16);
    expect(shared.hits).toBeGreaterThan(20 * distinct.hits);
  });
});
