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

// As DeepSeek's API streams deepseek-reasoner: a role chunk, reasoning_content deltas (content null),
// then content deltas (reasoning_content null), the finish_reason and usage on a last empty delta,
// with the reasoning tokens counted inside completion_tokens_details.
const R1 = '{"id":"b2f1","object":"chat.completion.chunk","created":1738000000,"model":"deepseek-reasoner","system_fingerprint":"fp_7e0991cad4"';
const DEEPSEEK_REASONER_TRANSCRIPT = [
  `data: ${R1},"choices":[{"index":0,"delta":{"role":"assistant","content":null,"reasoning_content":""},"logprobs":null,"finish_reason":null}]}\n\n`,
  `data: ${R1},"choices":[{"index":0,"delta":{"content":null,"reasoning_content":"Okay"},"logprobs":null,"finish_reason":null}]}\n\n`,
  `data: ${R1},"choices":[{"index":0,"delta":{"content":null,"reasoning_content":", 2+2."},"logprobs":null,"finish_reason":null}]}\n\n`,
  `data: ${R1},"choices":[{"index":0,"delta":{"content":"4","reasoning_content":null},"logprobs":null,"finish_reason":null}]}\n\n`,
  `data: ${R1},"choices":[{"index":0,"delta":{"content":".","reasoning_content":null},"logprobs":null,"finish_reason":null}]}\n\n`,
  `data: ${R1},"choices":[{"index":0,"delta":{"content":"","reasoning_content":null},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":13,"completion_tokens":9,"total_tokens":22,"prompt_tokens_details":{"cached_tokens":0},"completion_tokens_details":{"reasoning_tokens":7},"prompt_cache_hit_tokens":0,"prompt_cache_miss_tokens":13}}\n\n`,
  'data: [DONE]\n\n',
];

// As newer vLLM streams gpt-oss with a reasoning parser: the thinking in `delta.reasoning`, then the
// answer in `delta.content`.
const OSS = '{"id":"chatcmpl-7d","object":"chat.completion.chunk","created":1754000000,"model":"openai/gpt-oss-20b"';
const GPT_OSS_TRANSCRIPT = [
  `data: ${OSS},"choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}\n\n`,
  `data: ${OSS},"choices":[{"index":0,"delta":{"reasoning":"User greets."},"logprobs":null,"finish_reason":null}]}\n\n`,
  `data: ${OSS},"choices":[{"index":0,"delta":{"content":"Hi!"},"logprobs":null,"finish_reason":"stop","stop_reason":null}]}\n\n`,
  `data: ${OSS},"choices":[],"usage":{"prompt_tokens":68,"total_tokens":75,"completion_tokens":7}}\n\n`,
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
    expect(openAiChatClient.chat).toBe(true);
  });

  it('keeps the bytes of a plain request as they were before messages, ignoreEos and extraBody', () => {
    expect(openAiChatClient.buildBody({ model: 'm', prompt: 'Hi there', maxTokens: 64 })).toBe(
      '{"model":"m","messages":[{"role":"user","content":"Hi there"}],"max_tokens":64,"stream":true,"stream_options":{"include_usage":true}}',
    );
  });

  it('sends a message list as given, role and content only', () => {
    const messages = [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello.' },
      // A caller's object may carry more than a ChatMessage; only role and content go on the wire.
      { role: 'user', content: 'Again?', turn: 2 },
    ];
    expect(JSON.parse(openAiChatClient.buildBody({ model: 'm', prompt: messages })).messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello.' },
      { role: 'user', content: 'Again?' },
    ]);
  });

  it('asks for exactly maxTokens with ignore_eos and min_tokens, and for nothing extra without a length', () => {
    expect(JSON.parse(openAiChatClient.buildBody({ model: 'm', prompt: 'Hi', maxTokens: 128, ignoreEos: true }))).toEqual({
      model: 'm',
      messages: [{ role: 'user', content: 'Hi' }],
      max_tokens: 128,
      ignore_eos: true,
      min_tokens: 128,
      stream: true,
      stream_options: { include_usage: true },
    });
    const noLength = JSON.parse(openAiChatClient.buildBody({ model: 'm', prompt: 'Hi', ignoreEos: true }));
    expect(Object.keys(noLength)).toEqual(['model', 'messages', 'stream', 'stream_options']);
    const notAsked = JSON.parse(openAiChatClient.buildBody({ model: 'm', prompt: 'Hi', maxTokens: 8, ignoreEos: false }));
    expect(Object.keys(notAsked)).toEqual(['model', 'messages', 'max_tokens', 'stream', 'stream_options']);
  });

  it('merges extraBody into the top level, after its own fields, which win', () => {
    const extraBody = {
      temperature: 0,
      seed: 7,
      chat_template_kwargs: { enable_thinking: false },
      stream: false, // reserved: the runner refuses it first, and ours would win anyway
    };
    const body = openAiChatClient.buildBody({ model: 'm', prompt: 'Hi', maxTokens: 4, extraBody });
    expect(body).toBe(
      '{"model":"m","messages":[{"role":"user","content":"Hi"}],"max_tokens":4,"stream":true,"stream_options":{"include_usage":true},' +
        '"temperature":0,"seed":7,"chat_template_kwargs":{"enable_thinking":false}}',
    );
  });

  it('reads a vLLM transcript: role-only chunk is not content, usage from the empty-choices chunk', () => {
    expect(openAiChatClient.parseStream(timed(VLLM_TRANSCRIPT))).toEqual({
      contentTimesMs: [110, 120, 130],
      outputChars: 12, // "Hello" + " wörld" + "!"
      reasoningTimesMs: [],
      reasoningChars: 0,
      firstAnswerAtMs: 110,
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
    expect(result.reasoningTimesMs).toEqual([110, 120]);
    expect(result.reasoningChars).toBe(8); // "Hmm," once, + " ok."
    expect(result.firstAnswerAtMs).toBe(130);
    expect(result.finishReason).toBe('length');
    expect(result.usage).toBeUndefined();
  });

  it('reads a DeepSeek reasoner transcript: reasoning_content first, then the answer, reasoning tokens from usage', () => {
    expect(openAiChatClient.parseStream(timed(DEEPSEEK_REASONER_TRANSCRIPT))).toEqual({
      // TTFT is the first token of any kind: the reasoning events are content too.
      contentTimesMs: [110, 120, 130, 140],
      outputChars: 12, // "Okay" + ", 2+2." + "4" + "."
      reasoningTimesMs: [110, 120],
      reasoningChars: 10, // "Okay" + ", 2+2."
      firstAnswerAtMs: 130,
      usage: { promptTokens: 13, completionTokens: 9, reasoningTokens: 7 },
      finished: true,
      finishReason: 'stop',
    });
  });

  it('reads a gpt-oss transcript on vLLM: delta.reasoning is reasoning, delta.content the answer', () => {
    expect(openAiChatClient.parseStream(timed(GPT_OSS_TRANSCRIPT))).toEqual({
      contentTimesMs: [110, 120],
      outputChars: 15, // "User greets." + "Hi!"
      reasoningTimesMs: [110],
      reasoningChars: 12,
      firstAnswerAtMs: 120,
      usage: { promptTokens: 68, completionTokens: 7 },
      finished: true,
      finishReason: 'stop',
    });
  });

  it('leaves firstAnswerAtMs undefined when the length cap lands mid-thought, with content times all the same', () => {
    for (const field of ['reasoning_content', 'reasoning']) {
      const result = openAiChatClient.parseStream(
        timed([
          `data: ${HEAD},"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}\n\n`,
          `data: ${HEAD},"choices":[{"index":0,"delta":{"${field}":"Let me"},"finish_reason":null}]}\n\n`,
          `data: ${HEAD},"choices":[{"index":0,"delta":{"${field}":" think"},"finish_reason":"length"}]}\n\n`,
          `data: ${HEAD},"choices":[],"usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7,"completion_tokens_details":{"reasoning_tokens":2}}}\n\n`,
          'data: [DONE]\n\n',
        ]),
      );
      expect(result.contentTimesMs).toEqual([110, 120]);
      expect(result.reasoningTimesMs).toEqual([110, 120]);
      expect(result.reasoningChars).toBe(12);
      expect(result.outputChars).toBe(12);
      expect(result.firstAnswerAtMs).toBeUndefined();
      expect(result.usage).toEqual({ promptTokens: 5, completionTokens: 2, reasoningTokens: 2 });
      expect(result.finishReason).toBe('length');
    }
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
