import { describe, it, expect } from 'vitest';
import type { TimedChunk } from './protocol.js';
import { openAiCompletionsClient } from './openai-completions.js';

const encoder = new TextEncoder();

/** One chunk per string, the i-th arriving at 100 + 10 i ms. */
function timed(parts: readonly string[]): TimedChunk[] {
  return parts.map((part, i) => ({ atMs: 100 + 10 * i, bytes: encoder.encode(part) }));
}

const HEAD = '{"id":"cmpl-5d2c","object":"text_completion","created":1718000000,"model":"meta-llama/Llama-3.1-8B"';

// As vLLM streams /v1/completions with include_usage: text chunks, the last with its finish_reason,
// then a usage chunk with no choices, then [DONE].
const VLLM_TRANSCRIPT = [
  `data: ${HEAD},"choices":[{"index":0,"text":" Paris","logprobs":null,"finish_reason":null,"stop_reason":null}]}\n\n`,
  `data: ${HEAD},"choices":[{"index":0,"text":" is","logprobs":null,"finish_reason":null,"stop_reason":null}]}\n\n`,
  `data: ${HEAD},"choices":[{"index":0,"text":"","logprobs":null,"finish_reason":null,"stop_reason":null}]}\n\n`,
  `data: ${HEAD},"choices":[{"index":0,"text":" lovely","logprobs":null,"finish_reason":"length","stop_reason":null}]}\n\n`,
  `data: ${HEAD},"choices":[],"usage":{"prompt_tokens":5,"total_tokens":9,"completion_tokens":4}}\n\n`,
  'data: [DONE]\n\n',
];

// As llama.cpp's server streams it: usage (and timings) ride on the last content chunk; no [DONE].
const LLAMA_CPP_TRANSCRIPT = [
  'data: {"choices":[{"text":"Bonjour","index":0,"logprobs":null,"finish_reason":null}],"created":1718000000,"id":"cmpl-x","model":"gguf","object":"text_completion"}\n\n',
  'data: {"choices":[{"text":" !","index":0,"logprobs":null,"finish_reason":"stop"}],"created":1718000000,"id":"cmpl-x","model":"gguf","object":"text_completion","usage":{"completion_tokens":2,"prompt_tokens":7,"total_tokens":9},"timings":{"predicted_ms":21.5}}\n\n',
];

describe('openAiCompletionsClient', () => {
  it('builds a streaming completions body that asks for usage', () => {
    expect(JSON.parse(openAiCompletionsClient.buildBody({ model: 'm', prompt: 'The capital', maxTokens: 4 }))).toEqual({
      model: 'm',
      prompt: 'The capital',
      max_tokens: 4,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(JSON.parse(openAiCompletionsClient.buildBody({ model: 'm', prompt: 'x' }))).not.toHaveProperty('max_tokens');
    expect(openAiCompletionsClient.chat).toBe(false);
  });

  it('keeps the bytes of a plain request as they were before ignoreEos and extraBody', () => {
    expect(openAiCompletionsClient.buildBody({ model: 'm', prompt: 'The capital', maxTokens: 4 })).toBe(
      '{"model":"m","prompt":"The capital","max_tokens":4,"stream":true,"stream_options":{"include_usage":true}}',
    );
  });

  it('refuses chat messages with a TypeError: the endpoint takes a text prompt', () => {
    expect(() => openAiCompletionsClient.buildBody({ model: 'm', prompt: [{ role: 'user', content: 'Hi' }] })).toThrow(
      new TypeError('the openai-completions protocol takes a text prompt, not chat messages'),
    );
  });

  it('asks for exactly maxTokens with ignore_eos and min_tokens, and for nothing extra without a length', () => {
    expect(
      openAiCompletionsClient.buildBody({ model: 'm', prompt: 'The capital', maxTokens: 256, ignoreEos: true }),
    ).toBe(
      '{"model":"m","prompt":"The capital","max_tokens":256,"ignore_eos":true,"min_tokens":256,"stream":true,"stream_options":{"include_usage":true}}',
    );
    expect(openAiCompletionsClient.buildBody({ model: 'm', prompt: 'x', ignoreEos: true })).toBe(
      '{"model":"m","prompt":"x","stream":true,"stream_options":{"include_usage":true}}',
    );
  });

  it('merges extraBody into the top level, after its own fields', () => {
    const body = JSON.parse(
      openAiCompletionsClient.buildBody({
        model: 'm',
        prompt: 'x',
        maxTokens: 4,
        extraBody: { temperature: 0.6, top_p: 0.95, stop: ['\n\n'] },
      }),
    );
    expect(body).toEqual({
      model: 'm',
      prompt: 'x',
      max_tokens: 4,
      stream: true,
      stream_options: { include_usage: true },
      temperature: 0.6,
      top_p: 0.95,
      stop: ['\n\n'],
    });
  });

  it('reads a vLLM transcript: empty text is not content, usage from the empty-choices chunk', () => {
    expect(openAiCompletionsClient.parseStream(timed(VLLM_TRANSCRIPT))).toEqual({
      contentTimesMs: [100, 110, 130],
      outputChars: 16, // " Paris" + " is" + " lovely"
      reasoningTimesMs: [],
      reasoningChars: 0,
      firstAnswerAtMs: 100,
      usage: { promptTokens: 5, completionTokens: 4 },
      finished: true,
      finishReason: 'length',
    });
  });

  it('treats a body that ends cleanly after a finish_reason as finished, with usage from the last content chunk', () => {
    expect(openAiCompletionsClient.parseStream(timed(LLAMA_CPP_TRANSCRIPT))).toEqual({
      contentTimesMs: [100, 110],
      outputChars: 9, // "Bonjour" + " !"
      reasoningTimesMs: [],
      reasoningChars: 0,
      firstAnswerAtMs: 100,
      usage: { promptTokens: 7, completionTokens: 2 },
      finished: true,
      finishReason: 'stop',
    });
  });

  it('ignores anything after [DONE]', () => {
    const result = openAiCompletionsClient.parseStream(timed([...VLLM_TRANSCRIPT, 'data: not json\n\n']));
    expect(result.finished).toBe(true);
    expect(result.error).toBeUndefined();
  });

  it('reports a body cut before [DONE] and before any finish_reason as truncated_stream', () => {
    const result = openAiCompletionsClient.parseStream(timed(VLLM_TRANSCRIPT.slice(0, 2)));
    expect(result).toEqual({
      contentTimesMs: [100, 110],
      outputChars: 9,
      reasoningTimesMs: [],
      reasoningChars: 0,
      firstAnswerAtMs: 100,
      finished: false,
      error: { kind: 'truncated_stream', message: 'body ended without data: [DONE]' },
    });
  });

  it('reports malformed JSON as malformed_chunk and stops reading', () => {
    const result = openAiCompletionsClient.parseStream(
      timed([VLLM_TRANSCRIPT[0]!, 'data: {"choices":[{"text":" is"}]\n\n', VLLM_TRANSCRIPT[1]!]),
    );
    expect(result.contentTimesMs).toEqual([100]);
    expect(result.error).toEqual({
      kind: 'malformed_chunk',
      message: 'event data is not a JSON object: {"choices":[{"text":" is"}]',
    });
  });

  it('reports JSON that is not an object as malformed_chunk', () => {
    expect(openAiCompletionsClient.parseStream(timed(['data: [1,2]\n\n'])).error).toEqual({
      kind: 'malformed_chunk',
      message: 'event data is not a JSON object: [1,2]',
    });
  });

  it('reports error events in the shapes servers send them as server_error_event', () => {
    const shapes = [
      ['{"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}', 'Rate limit reached'],
      ['{"object":"error","message":"max_tokens is too large","type":"BadRequestError","code":400}', 'max_tokens is too large'],
      ['{"error":"Input validation error: inputs too long","error_type":"validation"}', 'Input validation error: inputs too long'],
    ] as const;
    for (const [data, message] of shapes) {
      const result = openAiCompletionsClient.parseStream(timed([VLLM_TRANSCRIPT[0]!, `data: ${data}\n\n`]));
      expect(result.contentTimesMs).toEqual([100]);
      expect(result.error).toEqual({ kind: 'server_error_event', message });
    }
  });
});
