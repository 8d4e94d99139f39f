import { describe, expect, it } from 'vitest';
import { countPromptTokens, loadTokenizer } from './prompt-tokens.js';
import { parseSimRequest, type SimRequest } from './sim-request.js';

function request(api: 'completions' | 'chat', body: unknown): SimRequest {
  const parsed = parseSimRequest(api, body);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.request;
}

describe('prompt tokens', () => {
  it('counts whitespace-separated words with the words tokenizer, at least one', async () => {
    const words = await loadTokenizer('words');
    const count = (prompt: unknown) => countPromptTokens(words, 'none', request('completions', { prompt })).count;
    expect(count('  hello \n\t world  x ')).toBe(3);
    expect(count('')).toBe(1);
    expect(count([5, 6, 7, 8])).toBe(4);
  });

  it('counts with a real BPE tokenizer, plus the BOS token for completions', async () => {
    const cl100k = await loadTokenizer('cl100k_base');
    const r = request('completions', { prompt: 'The quick brown fox jumps over the lazy dog.' });
    expect(countPromptTokens(cl100k, 'none', r).count).toBe(10);
    expect(countPromptTokens(cl100k, 'llama3', r).count).toBe(11);
    // Pre-tokenized prompts are taken as sent, no BOS added (as vLLM does).
    expect(countPromptTokens(cl100k, 'llama3', request('completions', { prompt: [1, 2, 3] })).count).toBe(3);
    const o200k = await loadTokenizer('o200k_base');
    expect(countPromptTokens(o200k, 'none', r).count).toBe(10);
  });

  it("adds Llama 3.1's chat template: a 26-token preamble, 5 per message, 4 for the answer's header", async () => {
    const cl100k = await loadTokenizer('cl100k_base');
    const one = request('chat', { messages: [{ role: 'user', content: 'hello there' }] });
    expect(countPromptTokens(cl100k, 'llama3', one).count).toBe(26 + 5 + 2 + 4);
    // A system message joins the preamble's block: its text counts, no header of its own.
    const two = request('chat', { messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'hello there' }] });
    expect(countPromptTokens(cl100k, 'llama3', two).count).toBe(26 + 2 + 5 + 2 + 4);
    // Every chat prompt starts with the same preamble ids, so the prefix cache can share it.
    expect(Array.from(countPromptTokens(cl100k, 'llama3', one).ids).slice(0, 16)).toEqual(
      Array.from(countPromptTokens(cl100k, 'llama3', two).ids).slice(0, 16),
    );
  });
});
