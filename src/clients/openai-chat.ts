/**
 * OpenAI's chat completions, `POST /v1/chat/completions`: the endpoint every OpenAI-compatible server
 * serves (vLLM, SGLang, TGI, llama.cpp, Ollama's /v1, hosted APIs). The prompt goes in as one user
 * message, so the server's chat template adds its own tokens to the input.
 */
import type { GenerationRequest, ProtocolClient } from './protocol.js';
import { parseOpenAiStream } from './openai-stream.js';
import { SSE_ACCEPT } from './sse-events.js';
import { isJsonObject, type JsonObject, textLength } from './stream-json.js';

/**
 * Characters of generated text in one chat choice. A first chunk of `{role: 'assistant', content: ''}`
 * (vLLM, SGLang, OpenAI) is not content. Reasoning models stream their thinking first, in
 * `reasoning_content` (DeepSeek's name, used by SGLang and older vLLM) or `reasoning` (newer vLLM,
 * OpenRouter); the user waits on those tokens like any other, so they count. The larger of the two
 * is taken, not the sum, because a server moving from one name to the other may send both with the
 * same text.
 */
function chatChoiceTextLength(choice: JsonObject): number {
  const delta = choice.delta;
  if (!isJsonObject(delta)) return 0;
  const reasoning = Math.max(textLength(delta.reasoning_content), textLength(delta.reasoning));
  return textLength(delta.content) + reasoning;
}

/** Client for `POST /v1/chat/completions`; content is a non-empty `delta.content` or reasoning delta. */
export const openAiChatClient: ProtocolClient = {
  kind: 'openai-chat',
  accept: SSE_ACCEPT,
  buildBody(req: GenerationRequest): string {
    return JSON.stringify({
      model: req.model,
      messages: [{ role: 'user', content: req.prompt }],
      // JSON.stringify leaves out an undefined max_tokens, letting the server pick the length.
      max_tokens: req.maxTokens,
      stream: true,
      // Without this the server never reports token counts in a stream.
      stream_options: { include_usage: true },
    });
  },
  parseStream(chunks) {
    return parseOpenAiStream(chunks, chatChoiceTextLength);
  },
};
