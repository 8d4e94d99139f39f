/**
 * Ollama's native chat endpoint, `POST /api/chat`: the prompt goes in as one user message, NDJSON lines
 * of `{"message": {"role": "assistant", "content": "<token text>"}, "done": false}` come out, closed by
 * a `done: true` line with token counts.
 */
import type { GenerationRequest, ProtocolClient } from './protocol.js';
import { NDJSON_ACCEPT } from './ndjson-lines.js';
import { ollamaOptions, parseOllamaStream } from './ollama-stream.js';
import { isJsonObject, type JsonObject, textLength } from './stream-json.js';

/**
 * Characters of generated text in one line: `message.content`, plus `message.thinking`, where newer
 * Ollama streams a reasoning model's thoughts before its answer (the user waits on those tokens too).
 */
function chatLineTextLength(line: JsonObject): number {
  const message = line.message;
  if (!isJsonObject(message)) return 0;
  return textLength(message.content) + textLength(message.thinking);
}

/** Client for Ollama's `POST /api/chat`; content is a non-empty `message.content` (or `message.thinking`). */
export const ollamaChatClient: ProtocolClient = {
  kind: 'ollama-chat',
  accept: NDJSON_ACCEPT,
  buildBody(req: GenerationRequest): string {
    // JSON.stringify leaves out `options` when it is undefined: Ollama then uses the model's default.
    return JSON.stringify({
      model: req.model,
      messages: [{ role: 'user', content: req.prompt }],
      stream: true,
      options: ollamaOptions(req.maxTokens),
    });
  },
  parseStream(chunks) {
    return parseOllamaStream(chunks, chatLineTextLength);
  },
};
