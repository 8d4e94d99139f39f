/**
 * OpenAI's chat completions, `POST /v1/chat/completions`: the endpoint every OpenAI-compatible server
 * serves (vLLM, SGLang, TGI, llama.cpp, Ollama's /v1, hosted APIs). Messages go in (a text prompt as
 * one user message), so the server's chat template adds its own tokens to the input.
 */
import type { GenerationRequest, ProtocolClient } from './protocol.js';
import { chatMessages, exactLengthFields, withExtraBody } from './request-body.js';
import { parseOpenAiStream } from './openai-stream.js';
import { SSE_ACCEPT } from './sse-events.js';
import { isJsonObject, type JsonObject, type TextChars, textLength } from './stream-json.js';

/**
 * Characters of generated text in one chat choice. A first chunk of `{role: 'assistant', content: ''}`
 * (vLLM, SGLang, OpenAI) is not content. Reasoning models stream their thinking first, in
 * `reasoning_content` (DeepSeek's name, used by SGLang and older vLLM) or `reasoning` (newer vLLM,
 * gpt-oss, OpenRouter); the answer is `content`. The larger of the two reasoning fields is taken, not
 * the sum, because a server moving from one name to the other may send both with the same text.
 */
function chatChoiceText(choice: JsonObject): TextChars {
  const delta = choice.delta;
  if (!isJsonObject(delta)) return { answer: 0, reasoning: 0 };
  const reasoning = Math.max(textLength(delta.reasoning_content), textLength(delta.reasoning));
  return { answer: textLength(delta.content), reasoning };
}

/** Client for `POST /v1/chat/completions`; content is a non-empty `delta.content` or reasoning delta. */
export const openAiChatClient: ProtocolClient = {
  kind: 'openai-chat',
  accept: SSE_ACCEPT,
  chat: true,
  // max_completion_tokens is OpenAI's newer name for max_tokens: set beside ours, one would win unseen.
  reservedBodyKeys: [
    'model',
    'messages',
    'max_tokens',
    'max_completion_tokens',
    'stream',
    'stream_options',
    'ignore_eos',
    'min_tokens',
  ],
  buildBody(req: GenerationRequest): string {
    const body = withExtraBody(
      {
        model: req.model,
        messages: chatMessages(req.prompt),
        // JSON.stringify leaves out an undefined max_tokens, letting the server pick the length.
        max_tokens: req.maxTokens,
        ...exactLengthFields(req),
        stream: true,
        // Without this the server never reports token counts in a stream.
        stream_options: { include_usage: true },
      },
      req.extraBody,
    );
    return JSON.stringify(body);
  },
  parseStream(chunks) {
    return parseOpenAiStream(chunks, chatChoiceText);
  },
};
