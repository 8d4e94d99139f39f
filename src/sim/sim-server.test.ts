import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type SimulatorHandle } from './sim-server.js';
import type { SimOptions } from './sim-options.js';

/** A strict reading of an SSE body: only `data: ...` events, [DONE] last, nothing after it. */
function parseSse(body: string): Record<string, unknown>[] {
  const blocks = body.split('\n\n');
  expect(blocks.pop()).toBe('');
  expect(blocks.pop()).toBe('data: [DONE]');
  return blocks.map((block) => {
    expect(block.startsWith('data: ')).toBe(true);
    expect(block).not.toContain('\n');
    return JSON.parse(block.slice('data: '.length)) as Record<string, unknown>;
  });
}

interface Choice {
  index: number;
  text?: string;
  delta?: { role?: string; content?: string };
  finish_reason: unknown;
}
const choiceOf = (event: Record<string, unknown>): Choice => (event.choices as Choice[])[0]!;

let sim: SimulatorHandle;
const fast: Partial<SimOptions> = { ttftMs: 5, itlMs: 1 };

beforeAll(async () => {
  sim = await startSimulator(fast);
});
afterAll(() => sim.close());

async function post(path: string, body: unknown, target: SimulatorHandle = sim): Promise<Response> {
  return fetch(`${target.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

describe('streaming', () => {
  it('streams a completion as vLLM does: one event per token, usage, then [DONE]', async () => {
    const res = await post('/v1/completions', {
      model: 'llmload-sim',
      prompt: 'the quick brown fox',
      max_tokens: 8,
      ignore_eos: true,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const events = parseSse(await res.text());
    const usage = events.pop()!;
    expect(usage.choices).toEqual([]);
    expect(usage.usage).toEqual({ prompt_tokens: 4, total_tokens: 12, completion_tokens: 8 });
    expect(events).toHaveLength(8);
    for (const [i, e] of events.entries()) {
      expect(Object.keys(e)).toEqual(['id', 'object', 'created', 'model', 'choices', 'usage']);
      expect([e.object, e.model, e.usage, e.id]).toEqual(['text_completion', 'llmload-sim', null, usage.id]);
      expect(choiceOf(e)).toEqual({
        index: 0,
        text: expect.stringMatching(/^ [a-z]+$/),
        logprobs: null,
        finish_reason: i === 7 ? 'length' : null,
        stop_reason: null,
      });
    }
  });

  it('streams a chat completion with the role-only delta first', async () => {
    const res = await post('/v1/chat/completions', {
      messages: [{ role: 'user', content: 'say something nice' }],
      max_tokens: 5,
      ignore_eos: true,
      stream: true,
    });
    const events = parseSse(await res.text());
    expect(events).toHaveLength(6);
    expect(choiceOf(events[0]!)).toEqual({
      index: 0,
      delta: { role: 'assistant', content: '' },
      logprobs: null,
      finish_reason: null,
    });
    const content = events.slice(1);
    for (const e of content) {
      expect(e.object).toBe('chat.completion.chunk');
      expect('usage' in e).toBe(false);
      expect(Object.keys(choiceOf(e).delta!)).toEqual(['content']);
    }
    expect(content.map((e) => choiceOf(e).finish_reason)).toEqual([null, null, null, null, 'length']);
    expect(choiceOf(content[4]!)).toHaveProperty('stop_reason', null);
  });

  it('reports usage on every chunk with continuous_usage_stats', async () => {
    const res = await post('/v1/chat/completions', {
      messages: [{ role: 'user', content: 'a b c' }],
      max_tokens: 3,
      ignore_eos: true,
      stream: true,
      stream_options: { include_usage: true, continuous_usage_stats: true },
    });
    const events = parseSse(await res.text());
    const completion = events.map((e) => (e.usage as { completion_tokens: number }).completion_tokens);
    expect(completion).toEqual([0, 1, 2, 3, 3]);
  });

  it('ends early with finish_reason stop at the natural length, and groups tokensPerChunk', async () => {
    const other = await startSimulator({ ...fast, outputTokens: 10, tokensPerChunk: 4 });
    try {
      const res = await post('/v1/completions', { prompt: 'x', max_tokens: 50, stream: true }, other);
      const events = parseSse(await res.text());
      expect(events.map((e) => choiceOf(e).text!.split(' ').length - 1)).toEqual([4, 4, 2]);
      expect(choiceOf(events[2]!).finish_reason).toBe('stop');
    } finally {
      await other.close();
    }
  });

  it('never sends a token before it is due', async () => {
    const slow = await startSimulator({ ttftMs: 40, itlMs: 10 });
    try {
      const sentAt = performance.now();
      const body = { prompt: 'x', max_tokens: 5, ignore_eos: true, stream: true };
      const res = await post('/v1/completions', body, slow);
      const decoder = new TextDecoder();
      const arrivals: number[] = [];
      for await (const part of res.body!) {
        const at = performance.now() - sentAt;
        for (const _ of decoder.decode(part, { stream: true }).matchAll(/"text":/g)) arrivals.push(at);
      }
      expect(arrivals).toHaveLength(5);
      arrivals.forEach((at, k) => expect(at).toBeGreaterThanOrEqual(40 + 10 * k));
    } finally {
      await slow.close();
    }
  });
});

describe('non-streaming', () => {
  it('returns the whole completion with usage once the last token is due', async () => {
    const started = performance.now();
    const res = await post('/v1/completions', { prompt: 'one two', max_tokens: 6, ignore_eos: true });
    expect(performance.now() - started).toBeGreaterThanOrEqual(5 + 5 * 1);
    expect(res.headers.get('content-type')).toBe('application/json');
    const body = (await res.json()) as Record<string, unknown>;
    expect(body.object).toBe('text_completion');
    const usage = { prompt_tokens: 2, total_tokens: 8, completion_tokens: 6, prompt_tokens_details: null };
    expect(body.usage).toEqual(usage);
    expect(choiceOf(body).text).toMatch(/^( [a-z]+){6}$/);
    expect(choiceOf(body).finish_reason).toBe('length');
  });

  it('returns a chat message', async () => {
    const res = await post('/v1/chat/completions', {
      messages: [{ role: 'user', content: 'hello' }],
      max_completion_tokens: 4,
      ignore_eos: true,
    });
    type Chat = { object: string; choices: { message: { role: string; content: string } }[] };
    const body = (await res.json()) as Chat;
    expect(body.object).toBe('chat.completion');
    expect(body.choices[0]!.message.role).toBe('assistant');
    expect(body.choices[0]!.message.content).toMatch(/^( [a-z]+){4}$/);
  });
});

describe('determinism', () => {
  it('gives the same request the same output for the same seed, across servers', async () => {
    // itlMs 0: every token at once, so the drawn lengths (mean 128) cost no time.
    const a = await startSimulator({ ttftMs: 0, itlMs: 0, seed: 42 });
    const b = await startSimulator({ ttftMs: 0, itlMs: 0, seed: 42 });
    const c = await startSimulator({ ttftMs: 0, itlMs: 0, seed: 43 });
    try {
      const ask = async (target: SimulatorHandle): Promise<[string, number]> => {
        const res = await post('/v1/completions', { prompt: 'tell me a story' }, target);
        type Reply = { choices: { text: string }[]; usage: { completion_tokens: number } };
        const body = (await res.json()) as Reply;
        return [body.choices[0]!.text, body.usage.completion_tokens];
      };
      const first = await ask(a);
      expect(await ask(a)).toEqual(first);
      expect(await ask(b)).toEqual(first);
      expect(await ask(c)).not.toEqual(first);
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });
});
