import { describe, it, expect } from 'vitest';
import type { TimedChunk } from './protocol.js';
import { vllmGenerateClient } from './vllm-generate.js';

const encoder = new TextEncoder();

/** One chunk per string, the i-th arriving at 100 + 10 i ms. */
function timed(parts: readonly string[]): TimedChunk[] {
  return parts.map((part, i) => ({ atMs: 100 + 10 * i, bytes: encoder.encode(part) }));
}

const PROMPT = 'The capital of France is';

/** vLLM's object: the prompt followed by all output so far. */
const obj = (output: string): string => JSON.stringify({ text: [PROMPT + output] });

// One object per engine step. The fourth step's token decodes to no text yet (the detokenizer holds
// back an incomplete character), so the text does not grow there.
const OUTPUTS = [' Paris', ' Paris,', ' Paris, of', ' Paris, of', ' Paris, of course.'];

describe('vllmGenerateClient', () => {
  it('builds a body without model, which the server would pass to SamplingParams and fail on', () => {
    expect(JSON.parse(vllmGenerateClient.buildBody({ model: 'm', prompt: PROMPT, maxTokens: 32 }))).toEqual({
      prompt: PROMPT,
      stream: true,
      max_tokens: 32,
    });
    expect(JSON.parse(vllmGenerateClient.buildBody({ model: 'm', prompt: PROMPT }))).toEqual({
      prompt: PROMPT,
      stream: true,
    });
    expect(vllmGenerateClient.buildBody({ model: 'm', prompt: PROMPT, maxTokens: 32 })).toBe(
      '{"prompt":"The capital of France is","stream":true,"max_tokens":32}',
    );
    expect(vllmGenerateClient.chat).toBe(false);
  });

  it('refuses chat messages with a TypeError: the endpoint takes a text prompt', () => {
    expect(() => vllmGenerateClient.buildBody({ model: 'm', prompt: [{ role: 'user', content: PROMPT }] })).toThrow(
      new TypeError('the vllm-generate protocol takes a text prompt, not chat messages'),
    );
  });

  it('passes ignore_eos and min_tokens, SamplingParams fields, only when a length is asked for', () => {
    expect(vllmGenerateClient.buildBody({ model: 'm', prompt: PROMPT, maxTokens: 32, ignoreEos: true })).toBe(
      '{"prompt":"The capital of France is","stream":true,"max_tokens":32,"ignore_eos":true,"min_tokens":32}',
    );
    expect(vllmGenerateClient.buildBody({ model: 'm', prompt: PROMPT, ignoreEos: true })).toBe(
      '{"prompt":"The capital of France is","stream":true}',
    );
  });

  it('merges extraBody into the top level, where the server hands it to SamplingParams', () => {
    const body = JSON.parse(
      vllmGenerateClient.buildBody({ model: 'm', prompt: PROMPT, maxTokens: 8, extraBody: { temperature: 0, seed: 1 } }),
    );
    expect(body).toEqual({ prompt: PROMPT, stream: true, max_tokens: 8, temperature: 0, seed: 1 });
  });

  for (const [name, separator] of [
    ['newline', '\n'],
    ['NUL', '\0'],
  ] as const) {
    it(`reads a ${name}-separated transcript: content is an object whose text grew`, () => {
      expect(vllmGenerateClient.parseStream(timed(OUTPUTS.map((o) => obj(o) + separator)))).toEqual({
        contentTimesMs: [100, 110, 120, 140],
        // Growth after the first object: " of course." less " Paris" is 18 - 6 characters.
        outputChars: 12,
        reasoningTimesMs: [],
        reasoningChars: 0,
        firstAnswerAtMs: 100,
        finished: true,
      });
    });
  }

  it('accepts a final object without its separator as a clean end', () => {
    const parts = OUTPUTS.map((o, i) => obj(o) + (i < OUTPUTS.length - 1 ? '\n' : ''));
    const result = vllmGenerateClient.parseStream(timed(parts));
    expect(result.finished).toBe(true);
    expect(result.error).toBeUndefined();
  });

  it('reports a body cut inside an object as truncated_stream', () => {
    const result = vllmGenerateClient.parseStream(timed([obj(' Paris') + '\n', '{"text": ["The capital of Fr']));
    expect(result).toEqual({
      contentTimesMs: [100],
      outputChars: 0,
      reasoningTimesMs: [],
      reasoningChars: 0,
      firstAnswerAtMs: 100,
      finished: false,
      error: { kind: 'truncated_stream', message: 'body ended inside a line: {"text": ["The capital of Fr' },
    });
  });

  it('reports an empty body as truncated_stream', () => {
    expect(vllmGenerateClient.parseStream([]).error).toEqual({
      kind: 'truncated_stream',
      message: 'body ended before any object',
    });
  });

  it('reports a terminated line that does not parse as malformed_chunk', () => {
    const result = vllmGenerateClient.parseStream(timed([obj(' Paris') + '\n', '{"text": [}\n', obj(' Paris,') + '\n']));
    expect(result.contentTimesMs).toEqual([100]);
    expect(result.finished).toBe(false);
    expect(result.error).toEqual({ kind: 'malformed_chunk', message: 'line is not a JSON object: {"text": [}' });
  });

  it('reports an object without a text array as malformed_chunk', () => {
    expect(vllmGenerateClient.parseStream(timed(['{"generated_text":"Paris"}\n'])).error).toEqual({
      kind: 'malformed_chunk',
      message: 'object has no "text" array of strings: {"generated_text":"Paris"}',
    });
  });

  it('reports an error object as server_error_event', () => {
    const result = vllmGenerateClient.parseStream(
      timed([obj(' Paris') + '\n', '{"object":"error","message":"engine dead","type":"EngineDeadError","code":500}\n']),
    );
    expect(result.contentTimesMs).toEqual([100]);
    expect(result.error).toEqual({ kind: 'server_error_event', message: 'engine dead' });
    expect(result.finished).toBe(false);
  });
});
