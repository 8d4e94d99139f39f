/**
 * The simulator's /tokenize and /detokenize over loopback HTTP: counts as gpt-tokenizer's own
 * encode gives them, the same as the usage a generation request reports for the same prompt, and
 * vLLM's error shapes.
 */
import { encode as encodeCl100k } from 'gpt-tokenizer/encoding/cl100k_base';
import { encode as encodeO200k } from 'gpt-tokenizer/encoding/o200k_base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type SimulatorHandle } from '../src/sim/index.js';

interface Tokenized {
  count: number;
  max_model_len: number;
  tokens: number[];
  token_strs: string[] | null;
}

async function post(sim: SimulatorHandle, path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${sim.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

async function tokenize(sim: SimulatorHandle, body: unknown): Promise<Tokenized> {
  const { status, json } = await post(sim, '/tokenize', body);
  expect(status).toBe(200);
  expect(Object.keys(json)).toEqual(['count', 'max_model_len', 'tokens', 'token_strs']);
  return json as unknown as Tokenized;
}

async function promptTokensOf(sim: SimulatorHandle, path: string, body: object): Promise<number> {
  const { status, json } = await post(sim, path, { ...body, max_tokens: 1 });
  expect(status).toBe(200);
  return (json.usage as { prompt_tokens: number }).prompt_tokens;
}

const TEXT = 'The quick brown fox jumps over the lazy dog. Benchmarks measure what they measure, naïvely or not: 1234567.';
const CHAT = [
  { role: 'system', content: 'You are terse.' },
  { role: 'user', content: [{ type: 'text', text: 'Name three colours.' }, { type: 'image_url' }] },
  { role: 'assistant', content: 'Red, green, blue.' },
  { role: 'user', content: '  And three more?  ' },
];

describe('/tokenize and /detokenize (Llama profile, cl100k_base)', () => {
  let sim: SimulatorHandle;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 3 });
  });
  afterAll(() => sim.close());

  it("counts a prompt without special tokens exactly as gpt-tokenizer's encode does", async () => {
    const t = await tokenize(sim, { prompt: TEXT, add_special_tokens: false });
    expect(t.tokens).toEqual(encodeCl100k(TEXT));
    expect(t.count).toBe(encodeCl100k(TEXT).length);
    expect([t.max_model_len, t.token_strs]).toEqual([131_072, null]);
  });

  it('counts with special tokens what a completions request reports as prompt_tokens', async () => {
    const t = await tokenize(sim, { model: 'llmload-sim', prompt: TEXT });
    expect(t.count).toBe(encodeCl100k(TEXT).length + 1); // <|begin_of_text|>
    expect(t.tokens[0]).toBe(128_000);
    expect(t.count).toBe(await promptTokensOf(sim, '/v1/completions', { prompt: TEXT }));
    // Text that spells an OpenAI special token is ordinary text to Llama 3's tokenizer.
    const odd = 'before <|endoftext|> after';
    expect((await tokenize(sim, { prompt: odd })).count).toBe(await promptTokensOf(sim, '/v1/completions', { prompt: odd }));
  });

  it("counts chat messages with the template's tokens, as a chat request reports them", async () => {
    const t = await tokenize(sim, { messages: CHAT });
    expect(t.count).toBe(await promptTokensOf(sim, '/v1/chat/completions', { messages: CHAT }));
    // 26 before the system text, 5 around each other message (texts trimmed, parts joined), 4 to open the answer.
    const text = (s: string) => encodeCl100k(s).length;
    const parts = text('You are terse.') + text('Name three colours.') + text('Red, green, blue.') + text('And three more?');
    expect(t.count).toBe(26 + parts + 3 * 5 + 4);
    expect((await tokenize(sim, { messages: CHAT, add_generation_prompt: false })).count).toBe(t.count - 4);
    // add_special_tokens on a chat prompt: a second BOS, as vLLM warns, in both endpoints.
    const doubled = await tokenize(sim, { messages: CHAT, add_special_tokens: true });
    expect(doubled.tokens.slice(0, 2)).toEqual([128_000, 128_000]);
    expect(doubled.count).toBe(await promptTokensOf(sim, '/v1/chat/completions', { messages: CHAT, add_special_tokens: true }));
  });

  it('turns ids back into text, the template as its special tokens', async () => {
    const plain = await tokenize(sim, { prompt: TEXT, add_special_tokens: false });
    expect((await post(sim, '/detokenize', { tokens: plain.tokens })).json).toEqual({ prompt: TEXT });
    const chat = await tokenize(sim, { messages: [{ role: 'user', content: 'hello' }] });
    const { json } = await post(sim, '/detokenize', { model: 'llmload-sim', tokens: chat.tokens });
    expect(json.prompt).toBe(
      '<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nCutting Knowledge Date: December 2023\n' +
        'Today Date: 26 Jul 2024\n\n<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nhello<|eot_id|>' +
        '<|start_header_id|>assistant<|end_header_id|>\n\n',
    );
    const strs = await tokenize(sim, { prompt: 'hello world', return_token_strs: true });
    expect(strs.token_strs).toEqual(['<|begin_of_text|>', 'hello', ' world']);
  });

  it('answers bad bodies with 400, an unknown model with 404, in vLLM error JSON', async () => {
    const error = (status: number, message: RegExp) => ({
      status,
      json: { object: 'error', message: expect.stringMatching(message), type: status === 404 ? 'NotFoundError' : 'BadRequestError', param: null, code: status },
    });
    expect(await post(sim, '/tokenize', {})).toEqual(error(400, /prompt.*messages/));
    expect(await post(sim, '/tokenize', { prompt: 5 })).toEqual(error(400, /^prompt: /));
    expect(await post(sim, '/tokenize', { messages: [] })).toEqual(error(400, /^messages: /));
    expect(await post(sim, '/tokenize', { prompt: 'x', model: 'gpt-9' })).toEqual(error(404, /The model `gpt-9` does not exist/));
    expect(await post(sim, '/detokenize', { tokens: [1, -2] })).toEqual(error(400, /^tokens\.1: /));
    expect(await post(sim, '/detokenize', { tokens: [1], model: 'gpt-9' })).toEqual(error(404, /gpt-9/));
    expect(await post(sim, '/detokenize', { tokens: [9125, 99_999_999] })).toEqual(error(400, /Token id 99999999 is out of vocabulary/));
    const res = await fetch(`${sim.url}/tokenize`, { method: 'POST', body: '{"prompt":' });
    expect([res.status, ((await res.json()) as { message: string }).message]).toEqual([400, expect.stringMatching(/invalid JSON/)]);
    const get = await fetch(`${sim.url}/tokenize`);
    expect([get.status, get.headers.get('allow')]).toEqual([405, 'POST']);
  });
});

describe('/tokenize with other tokenizers', () => {
  it("o200k_base: gpt-tokenizer's counts and ids, BOS past its vocabulary", async () => {
    const sim = await startSimulator({ tokenizer: 'o200k_base' });
    try {
      const t = await tokenize(sim, { prompt: TEXT, add_special_tokens: false });
      expect(t.tokens).toEqual(encodeO200k(TEXT));
      const withBos = await tokenize(sim, { prompt: TEXT });
      expect(withBos.count).toBe(t.count + 1);
      expect(withBos.count).toBe(await promptTokensOf(sim, '/v1/completions', { prompt: TEXT }));
      const chat = await tokenize(sim, { messages: CHAT });
      expect(chat.count).toBe(await promptTokensOf(sim, '/v1/chat/completions', { messages: CHAT }));
      expect((await post(sim, '/detokenize', { tokens: withBos.tokens })).json).toEqual({ prompt: `<|begin_of_text|>${TEXT}` });
    } finally {
      await sim.close();
    }
  });

  it('words (the fixed profile): counts words, and says it cannot detokenize', async () => {
    const sim = await startSimulator({ ttftMs: 1, itlMs: 0 });
    try {
      const t = await tokenize(sim, { prompt: 'one two  three\nfour' });
      expect([t.count, t.max_model_len]).toEqual([4, 32_768]);
      expect(t.count).toBe(await promptTokensOf(sim, '/v1/completions', { prompt: 'one two  three\nfour' }));
      const { status, json } = await post(sim, '/detokenize', { tokens: t.tokens });
      expect(status).toBe(400);
      expect(json.message).toMatch(/"words" tokenizer cannot turn ids back into text/);
    } finally {
      await sim.close();
    }
  });
});
