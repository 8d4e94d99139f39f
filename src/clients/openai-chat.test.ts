import { describe, it, expect } from 'vitest';
import type { TimedChunk } from './protocol.js';
import { openAiChatClient } from './openai-chat.js';

const encoder = new TextEncoder();

/** One chunk per string, the i-th arriving at 100 + 10 i ms. */
function timed(parts: readonly string[]): TimedChunk[] {
  return parts.map((part, i) => ({ atMs: 100 + 10 * i, bytes: encoder.encode(part) }));
}

const HEAD = '{"id":"chatcmpl-9b1e","object":"chat.completion.chunk","created":1718000000,"model":"Qwen/Qwen2.5-7B-Instruct"';

// As vLLM's OpenAI server streams it with stream_options.include_usage: a role-only first chunk with
// empty content, content chunks, the finish_reason on the last one, a usage chunk with no choices, [DONE].
const VLLM_TRANSCRIPT = [
  `data: ${HEAD},"choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}\n\n`,
  `data: ${HEAD},"choices":[{"index":0,"delta":{"content":"Hello"},"logprobs":null,"finish_reason":null}]}\n\n`,
  `data: ${HEAD},"choices":[{"index":0,"delta":{"content":" wörld"},"logprobs":null,"finish_reason":null}]}\n\n`,
  `data: ${HEAD},"choices":[{"index":0,"delta":{"content":"!"},"logprobs":null,"finish_reason":"stop","stop_reason":null}]}\n\n`,
  `data: ${HEAD},"choices":[],"usage":{"prompt_tokens":12,"total_tokens":15,"completion_tokens":3}}\n\n`,
  'data: [DONE]\n\n',
];

describe('openAiChatClient', () => {
  it('builds a streaming chat body that asks for usage', () => {
    expect(JSON.parse(openAiChatClient.buildBody({ model: 'm', prompt: 'Hi there', maxTokens: 64 }))).toEqual({
      model: 'm',
      messages: [{ role: 'user', content: 'Hi there' }],
      max_tokens: 64,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(JSON.parse(openAiChatClient.buildBody({ model: 'm', prompt: 'Hi' }))).not.toHaveProperty('max_tokens');
    expect(openAiChatClient.accept).toBe('text/event-stream');
  });

  it('reads a vLLM transcript: role-only chunk is not content, usage from the empty-choices chunk', () => {
    expect(openAiChatClient.parseStream(timed(VLLM_TRANSCRIPT))).toEqual({
      contentTimesMs: [110, 120, 130],
      outputChars: 12, // "Hello" + " wörld" + "!"
      usage: { promptTokens: 12, completionTokens: 3 },
      finished: true,
      finishReason: 'stop',
    });
  });

  it('times several events in one network chunk alike, and an event split across two by the later one', () => {
    const body = VLLM_TRANSCRIPT.join('');
    const cutAt = body.indexOf(' wörld') + 3; // inside the third event, mid-way through "ö"
    const bytes = encoder.encode(body);
    const bytesCut = encoder.encode(body.slice(0, cutAt)).length - 1;
    const result = openAiChatClient.parseStream([
      { atMs: 7, bytes: bytes.subarray(0, bytesCut) },
      { atMs: 9, bytes: bytes.subarray(bytesCut) },
    ]);
    expect(result.contentTimesMs).toEqual([7, 9, 9]);
    expect(result.outputChars).toBe(12);
  });

  it('counts reasoning deltas as content, once when a server sends both field names', () => {
    const result = openAiChatClient.parseStream(
      timed([
        `data: ${HEAD},"choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}\n\n`,
        `data: ${HEAD},"choices":[{"index":0,"delta":{"reasoning_content":"Hmm,","reasoning":"Hmm,"}}]}\n\n`,
        `data: ${HEAD},"choices":[{"index":0,"delta":{"reasoning":" ok."}}]}\n\n`,
        `data: ${HEAD},"choices":[{"index":0,"delta":{"content":"Yes"},"finish_reason":"length"}]}\n\n`,
        'data: [DONE]\n\n',
      ]),
    );
    expect(result.contentTimesMs).toEqual([110, 120, 130]);
    expect(result.outputChars).toBe(11); // "Hmm," + " ok." + "Yes"
    expect(result.finishReason).toBe('length');
    expect(result.usage).toBeUndefined();
  });

  it('reports a body cut between events as truncated_stream, keeping the events before', () => {
    const result = openAiChatClient.parseStream(timed(VLLM_TRANSCRIPT.slice(0, 3)));
    expect(result.contentTimesMs).toEqual([110, 120]);
    expect(result.finished).toBe(false);
    expect(result.error).toEqual({ kind: 'truncated_stream', message: 'body ended without data: [DONE]' });
  });

  it('reports a body cut inside an event as truncated_stream, even after a finish_reason', () => {
    const parts = [...VLLM_TRANSCRIPT.slice(0, 4), VLLM_TRANSCRIPT[4]!.slice(0, 30)];
    const result = openAiChatClient.parseStream(timed(parts));
    expect(result.contentTimesMs).toEqual([110, 120, 130]);
    expect(result.finished).toBe(false);
    expect(result.error).toEqual({
      kind: 'truncated_stream',
      message: 'body ended inside an event: {"id":"chatcmpl-9b1e","o', // the first 30 bytes, less "data: "
    });
  });

  it('reports malformed JSON with an excerpt and stops reading', () => {
    const bad = `{"id":"x","choices":[{"delta":{"content":"${'a'.repeat(400)}`;
    const result = openAiChatClient.parseStream(
      timed([VLLM_TRANSCRIPT[1]!, `data: ${bad}\n\n`, VLLM_TRANSCRIPT[2]!, 'data: [DONE]\n\n']),
    );
    expect(result.contentTimesMs).toEqual([100]);
    expect(result.finished).toBe(false);
    expect(result.error?.kind).toBe('malformed_chunk');
    expect(result.error?.message).toBe(`event data is not a JSON object: ${bad.slice(0, 200)}…`);
  });

  it('reports an error event as server_error_event, with its message', () => {
    const result = openAiChatClient.parseStream(
      timed([
        VLLM_TRANSCRIPT[1]!,
        'data: {"error":{"object":"error","message":"CUDA out of memory","type":"InternalServerError","param":null,"code":500}}\n\n',
        'data: [DONE]\n\n',
      ]),
    );
    expect(result.contentTimesMs).toEqual([100]);
    expect(result.error).toEqual({ kind: 'server_error_event', message: 'CUDA out of memory' });
    expect(result.finished).toBe(false);
  });

  it('reports a plain JSON error body sent instead of a stream as server_error_event', () => {
    const result = openAiChatClient.parseStream(
      timed(['{"object":"error","message":"The model `gpt-5` does not exist.","type":"NotFoundError","code":404}']),
    );
    expect(result.contentTimesMs).toEqual([]);
    expect(result.error).toEqual({ kind: 'server_error_event', message: 'The model `gpt-5` does not exist.' });
  });
});
