import { describe, expect, it } from 'vitest';
import { parseSimRequest, type SimRequest } from './sim-request.js';

function ok(api: 'completions' | 'chat', body: unknown): SimRequest {
  const parsed = parseSimRequest(api, body);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.request;
}

function problem(api: 'completions' | 'chat', body: unknown): string {
  const parsed = parseSimRequest(api, body);
  if (parsed.ok) throw new Error('expected a rejection');
  return parsed.message;
}

describe('parseSimRequest', () => {
  it('normalizes a completions request with every option', () => {
    const req = ok('completions', {
      model: 'm',
      prompt: 'a b',
      max_tokens: 8,
      min_tokens: 2,
      ignore_eos: true,
      stream: true,
      stream_options: { include_usage: true, continuous_usage_stats: true },
      seed: 5,
      temperature: 0.7,
      stop: ['\n\n', ''],
      include_stop_str_in_output: true,
    });
    expect(req).toEqual({
      api: 'completions',
      model: 'm',
      prompt: { kind: 'text', text: 'a b' },
      maxTokens: 8,
      minTokens: 2,
      ignoreEos: true,
      stream: true,
      includeUsage: true,
      continuousUsage: true,
      seed: 5,
      stop: ['\n\n'],
      includeStopStrInOutput: true,
      addSpecialTokens: true,
      addGenerationPrompt: false,
    });
  });

  it('accepts the four completions prompt shapes', () => {
    expect(ok('completions', { prompt: ['x y'] }).prompt).toEqual({ kind: 'text', text: 'x y' });
    expect(ok('completions', { prompt: [1, 2, 3] }).prompt).toEqual({ kind: 'token-ids', ids: [1, 2, 3] });
    expect(ok('completions', { prompt: [[4, 5]] }).prompt).toEqual({ kind: 'token-ids', ids: [4, 5] });
  });

  it('joins chat message texts and prefers max_completion_tokens', () => {
    const req = ok('chat', {
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: [{ type: 'text', text: 'hi there' }, { type: 'image_url' }] },
        { role: 'assistant', content: null },
      ],
      max_tokens: 5,
      max_completion_tokens: 7,
    });
    expect(req.prompt).toEqual({
      kind: 'chat',
      messages: [
        { role: 'system', text: 'be brief' },
        { role: 'user', text: 'hi there' },
        { role: 'assistant', text: '' },
      ],
      text: 'be brief\nhi there',
    });
    // vLLM's chat defaults: the template brings its own BOS, and the answer's header is added.
    expect([req.addSpecialTokens, req.addGenerationPrompt]).toEqual([false, true]);
    expect(req.maxTokens).toBe(7);
    expect(req.stream).toBe(false);
  });

  it('needs include_usage for continuous usage, as vLLM does', () => {
    const streamOptions = { continuous_usage_stats: true };
    const req = ok('completions', { prompt: 'a', stream: true, stream_options: streamOptions });
    expect([req.includeUsage, req.continuousUsage]).toEqual([false, false]);
  });

  it('reports every problem with its field', () => {
    const message = problem('completions', { prompt: ['a', 'b'], max_tokens: 0, n: 2 });
    expect(message).toContain('prompt: ');
    expect(message).toContain('max_tokens: ');
    expect(message).toContain('n: ');
    expect(problem('chat', { messages: [] })).toContain('messages: ');
    expect(problem('chat', 'text')).toContain('body: ');
  });

  it("applies vLLM's cross-field rules", () => {
    expect(problem('completions', { prompt: 'a', stream_options: { include_usage: true } })).toContain(
      'Stream options can only be defined',
    );
    expect(problem('completions', { prompt: 'a', max_tokens: 2, min_tokens: 3 })).toContain('min_tokens');
  });
});
