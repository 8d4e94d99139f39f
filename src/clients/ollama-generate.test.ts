import { describe, it, expect } from 'vitest';
import type { TimedChunk } from './protocol.js';
import { ollamaGenerateClient } from './ollama-generate.js';

const encoder = new TextEncoder();

/** One chunk per string, the i-th arriving at 100 + 10 i ms. */
function timed(parts: readonly string[]): TimedChunk[] {
  return parts.map((part, i) => ({ atMs: 100 + 10 * i, bytes: encoder.encode(part) }));
}

// As Ollama streams /api/generate: one line per token, then a done line with an empty response,
// the request's context and timings, and the token counts.
const TRANSCRIPT = [
  '{"model":"llama3.2","created_at":"2024-09-01T10:00:00.101Z","response":"The","done":false}\n',
  '{"model":"llama3.2","created_at":"2024-09-01T10:00:00.121Z","response":" sky","done":false}\n',
  '{"model":"llama3.2","created_at":"2024-09-01T10:00:00.141Z","response":" is blue.","done":false}\n',
  '{"model":"llama3.2","created_at":"2024-09-01T10:00:00.161Z","response":"","done":true,"done_reason":"stop","context":[128006,882,128007],"total_duration":160123456,"load_duration":5025959,"prompt_eval_count":26,"prompt_eval_duration":32595300,"eval_count":3,"eval_duration":60921300}\n',
];

describe('ollamaGenerateClient', () => {
  it('builds a body with num_predict only when an output length is asked for', () => {
    expect(JSON.parse(ollamaGenerateClient.buildBody({ model: 'llama3.2', prompt: 'Why?', maxTokens: 128 }))).toEqual({
      model: 'llama3.2',
      prompt: 'Why?',
      stream: true,
      options: { num_predict: 128 },
    });
    expect(JSON.parse(ollamaGenerateClient.buildBody({ model: 'llama3.2', prompt: 'Why?' }))).toEqual({
      model: 'llama3.2',
      prompt: 'Why?',
      stream: true,
    });
    expect(ollamaGenerateClient.accept).toBe('application/x-ndjson');
    expect(ollamaGenerateClient.chat).toBe(false);
  });

  it('keeps the bytes of a plain request as they were before ignoreEos and extraBody', () => {
    expect(ollamaGenerateClient.buildBody({ model: 'llama3.2', prompt: 'Why?', maxTokens: 128 })).toBe(
      '{"model":"llama3.2","prompt":"Why?","stream":true,"options":{"num_predict":128}}',
    );
  });

  it('refuses chat messages with a TypeError: the endpoint takes a text prompt', () => {
    expect(() => ollamaGenerateClient.buildBody({ model: 'llama3.2', prompt: [{ role: 'user', content: 'Why?' }] })).toThrow(
      new TypeError('the ollama-generate protocol takes a text prompt, not chat messages'),
    );
  });

  it('sends only num_predict for ignoreEos: Ollama cannot be held to a length', () => {
    expect(ollamaGenerateClient.buildBody({ model: 'llama3.2', prompt: 'Why?', maxTokens: 128, ignoreEos: true })).toBe(
      '{"model":"llama3.2","prompt":"Why?","stream":true,"options":{"num_predict":128}}',
    );
  });

  it('merges extraBody into the top level, and its options with num_predict, which wins', () => {
    const extraBody = { keep_alive: '10m', think: false, options: { temperature: 0, seed: 3, num_predict: 5 } };
    expect(JSON.parse(ollamaGenerateClient.buildBody({ model: 'qwen3', prompt: 'Why?', maxTokens: 64, extraBody }))).toEqual({
      model: 'qwen3',
      prompt: 'Why?',
      stream: true,
      options: { temperature: 0, seed: 3, num_predict: 64 },
      keep_alive: '10m',
      think: false,
    });
    // Without a length the user's options go as given, their num_predict included.
    expect(JSON.parse(ollamaGenerateClient.buildBody({ model: 'qwen3', prompt: 'Why?', extraBody })).options).toEqual({
      temperature: 0,
      seed: 3,
      num_predict: 5,
    });
  });

  it('reads a transcript: content is a non-empty response, usage from the done line', () => {
    expect(ollamaGenerateClient.parseStream(timed(TRANSCRIPT))).toEqual({
      contentTimesMs: [100, 110, 120],
      outputChars: 16, // "The" + " sky" + " is blue."
      reasoningTimesMs: [],
      reasoningChars: 0,
      firstAnswerAtMs: 100,
      usage: { promptTokens: 26, completionTokens: 3 },
      finished: true,
      finishReason: 'stop',
    });
  });

  it('counts thinking as reasoning content, before the first answer line', () => {
    // As Ollama streams /api/generate with think: true.
    const result = ollamaGenerateClient.parseStream(
      timed([
        '{"model":"qwen3","created_at":"2025-06-01T10:00:00.101Z","response":"","thinking":"Hmm","done":false}\n',
        '{"model":"qwen3","created_at":"2025-06-01T10:00:00.121Z","response":"Blue","done":false}\n',
        '{"model":"qwen3","created_at":"2025-06-01T10:00:00.141Z","response":"","done":true,"done_reason":"length","eval_count":2}\n',
      ]),
    );
    expect(result.contentTimesMs).toEqual([100, 110]);
    expect(result.outputChars).toBe(7);
    expect(result.reasoningTimesMs).toEqual([100]);
    expect(result.reasoningChars).toBe(3);
    expect(result.firstAnswerAtMs).toBe(110);
    // Older Ollama leaves prompt_eval_count out when the whole prompt was cached.
    expect(result.usage).toEqual({ completionTokens: 2 });
    expect(result.finishReason).toBe('length');
  });

  it('reports a body that ends without done:true as truncated_stream', () => {
    expect(ollamaGenerateClient.parseStream(timed(TRANSCRIPT.slice(0, 2)))).toEqual({
      contentTimesMs: [100, 110],
      outputChars: 7,
      reasoningTimesMs: [],
      reasoningChars: 0,
      firstAnswerAtMs: 100,
      finished: false,
      error: { kind: 'truncated_stream', message: 'body ended without a done:true line' },
    });
  });

  it('reports a body cut inside a line as truncated_stream', () => {
    const result = ollamaGenerateClient.parseStream(timed([...TRANSCRIPT.slice(0, 3), TRANSCRIPT[3]!.slice(0, 40)]));
    expect(result.contentTimesMs).toEqual([100, 110, 120]);
    expect(result.error).toEqual({
      kind: 'truncated_stream',
      message: 'body ended inside a line: {"model":"llama3.2","created_at":"2024-0',
    });
  });

  it('reports a terminated line that does not parse as malformed_chunk', () => {
    const result = ollamaGenerateClient.parseStream(timed([TRANSCRIPT[0]!, '{"response":" sky",\n', TRANSCRIPT[3]!]));
    expect(result.contentTimesMs).toEqual([100]);
    expect(result.finished).toBe(false);
    expect(result.error).toEqual({ kind: 'malformed_chunk', message: 'line is not a JSON object: {"response":" sky",' });
  });

  it('reports an error line as server_error_event', () => {
    const result = ollamaGenerateClient.parseStream(
      timed([TRANSCRIPT[0]!, '{"error":"an error was encountered while running the model: unexpected EOF"}\n']),
    );
    expect(result.contentTimesMs).toEqual([100]);
    expect(result.error).toEqual({
      kind: 'server_error_event',
      message: 'an error was encountered while running the model: unexpected EOF',
    });
  });
});
