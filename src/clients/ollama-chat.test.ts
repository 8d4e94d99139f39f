import { describe, it, expect } from 'vitest';
import type { TimedChunk } from './protocol.js';
import { ollamaChatClient } from './ollama-chat.js';

const encoder = new TextEncoder();

/** One chunk per string, the i-th arriving at 100 + 10 i ms. */
function timed(parts: readonly string[]): TimedChunk[] {
  return parts.map((part, i) => ({ atMs: 100 + 10 * i, bytes: encoder.encode(part) }));
}

// As Ollama streams /api/chat: one line per token, then a done line with an empty message and counts.
const TRANSCRIPT = [
  '{"model":"llama3.2","created_at":"2024-09-01T10:00:00.101Z","message":{"role":"assistant","content":"Bonjour"},"done":false}\n',
  '{"model":"llama3.2","created_at":"2024-09-01T10:00:00.121Z","message":{"role":"assistant","content":" à"},"done":false}\n',
  '{"model":"llama3.2","created_at":"2024-09-01T10:00:00.141Z","message":{"role":"assistant","content":" tous"},"done":false}\n',
  '{"model":"llama3.2","created_at":"2024-09-01T10:00:00.161Z","message":{"role":"assistant","content":""},"done_reason":"stop","done":true,"total_duration":160123456,"load_duration":5025959,"prompt_eval_count":31,"prompt_eval_duration":32595300,"eval_count":3,"eval_duration":60921300}\n',
];

describe('ollamaChatClient', () => {
  it('builds a chat body with the prompt as one user message', () => {
    expect(JSON.parse(ollamaChatClient.buildBody({ model: 'llama3.2', prompt: 'Salut', maxTokens: 16 }))).toEqual({
      model: 'llama3.2',
      messages: [{ role: 'user', content: 'Salut' }],
      stream: true,
      options: { num_predict: 16 },
    });
    expect(JSON.parse(ollamaChatClient.buildBody({ model: 'llama3.2', prompt: 'Salut' }))).not.toHaveProperty('options');
    expect(ollamaChatClient.buildBody({ model: 'llama3.2', prompt: 'Salut', maxTokens: 16 })).toBe(
      '{"model":"llama3.2","messages":[{"role":"user","content":"Salut"}],"stream":true,"options":{"num_predict":16}}',
    );
    expect(ollamaChatClient.chat).toBe(true);
  });

  it('sends a message list as given', () => {
    const messages = [
      { role: 'system', content: 'Réponds en français.' },
      { role: 'user', content: 'Salut' },
    ];
    expect(JSON.parse(ollamaChatClient.buildBody({ model: 'llama3.2', prompt: messages })).messages).toEqual(messages);
  });

  it('sends only num_predict for ignoreEos: Ollama cannot be held to a length', () => {
    expect(JSON.parse(ollamaChatClient.buildBody({ model: 'llama3.2', prompt: 'Salut', maxTokens: 16, ignoreEos: true }))).toEqual({
      model: 'llama3.2',
      messages: [{ role: 'user', content: 'Salut' }],
      stream: true,
      options: { num_predict: 16 },
    });
    expect(JSON.parse(ollamaChatClient.buildBody({ model: 'llama3.2', prompt: 'Salut', ignoreEos: true }))).toEqual({
      model: 'llama3.2',
      messages: [{ role: 'user', content: 'Salut' }],
      stream: true,
    });
  });

  it('merges extraBody into the top level, and its options with num_predict', () => {
    const extraBody = { think: true, options: { temperature: 0.7, num_ctx: 8192 } };
    expect(ollamaChatClient.buildBody({ model: 'qwen3', prompt: 'Salut', maxTokens: 16, extraBody })).toBe(
      '{"model":"qwen3","messages":[{"role":"user","content":"Salut"}],"stream":true,' +
        '"options":{"temperature":0.7,"num_ctx":8192,"num_predict":16},"think":true}',
    );
  });

  it('reads a transcript: content is a non-empty message.content, usage from the done line', () => {
    expect(ollamaChatClient.parseStream(timed(TRANSCRIPT))).toEqual({
      contentTimesMs: [100, 110, 120],
      outputChars: 14, // "Bonjour" + " à" + " tous"
      reasoningTimesMs: [],
      reasoningChars: 0,
      firstAnswerAtMs: 100,
      usage: { promptTokens: 31, completionTokens: 3 },
      finished: true,
      finishReason: 'stop',
    });
  });

  it('times lines sharing a network chunk alike, and a line split across two by the later one', () => {
    const body = TRANSCRIPT.join('');
    const split = body.indexOf('" tous"');
    const result = ollamaChatClient.parseStream([
      { atMs: 3, bytes: encoder.encode(body.slice(0, split)) },
      { atMs: 8, bytes: encoder.encode(body.slice(split)) },
    ]);
    expect(result.contentTimesMs).toEqual([3, 3, 8]);
    expect(result.finished).toBe(true);
  });

  it('counts message.thinking as reasoning content, before the first answer line', () => {
    const result = ollamaChatClient.parseStream(
      timed([
        '{"model":"qwen3","message":{"role":"assistant","content":"","thinking":"Let me see"},"done":false}\n',
        '{"model":"qwen3","message":{"role":"assistant","content":""},"done":false}\n',
        '{"model":"qwen3","message":{"role":"assistant","content":"Oui"},"done":false}\n',
        '{"model":"qwen3","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop","prompt_eval_count":9,"eval_count":4}\n',
      ]),
    );
    expect(result.contentTimesMs).toEqual([100, 120]);
    expect(result.outputChars).toBe(13);
    expect(result.reasoningTimesMs).toEqual([100]);
    expect(result.reasoningChars).toBe(10);
    expect(result.firstAnswerAtMs).toBe(120);
    expect(result.usage).toEqual({ promptTokens: 9, completionTokens: 4 });
  });

  it('leaves firstAnswerAtMs undefined when num_predict runs out mid-thought', () => {
    const result = ollamaChatClient.parseStream(
      timed([
        '{"model":"qwen3","message":{"role":"assistant","content":"","thinking":"Okay"},"done":false}\n',
        '{"model":"qwen3","message":{"role":"assistant","content":"","thinking":", so"},"done":false}\n',
        '{"model":"qwen3","message":{"role":"assistant","content":""},"done":true,"done_reason":"length","prompt_eval_count":9,"eval_count":2}\n',
      ]),
    );
    expect(result.contentTimesMs).toEqual([100, 110]);
    expect(result.reasoningTimesMs).toEqual([100, 110]);
    expect(result.reasoningChars).toBe(8);
    expect(result.firstAnswerAtMs).toBeUndefined();
    expect(result.finishReason).toBe('length');
  });

  it('reports a body that ends without done:true as truncated_stream', () => {
    const result = ollamaChatClient.parseStream(timed(TRANSCRIPT.slice(0, 3)));
    expect(result.contentTimesMs).toEqual([100, 110, 120]);
    expect(result.finished).toBe(false);
    expect(result.error).toEqual({ kind: 'truncated_stream', message: 'body ended without a done:true line' });
  });

  it('reports a terminated line that does not parse as malformed_chunk', () => {
    const result = ollamaChatClient.parseStream(timed([TRANSCRIPT[0]!, 'NaN\n', TRANSCRIPT[3]!]));
    expect(result.contentTimesMs).toEqual([100]);
    expect(result.error).toEqual({ kind: 'malformed_chunk', message: 'line is not a JSON object: NaN' });
  });

  it('reports an error line as server_error_event', () => {
    const result = ollamaChatClient.parseStream(timed(['{"error":"model \\"llama9\\" not found, try pulling it first"}\n']));
    expect(result).toEqual({
      contentTimesMs: [],
      outputChars: 0,
      reasoningTimesMs: [],
      reasoningChars: 0,
      finished: false,
      error: { kind: 'server_error_event', message: 'model "llama9" not found, try pulling it first' },
    });
  });
});
