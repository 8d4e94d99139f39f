/**
 * Ollama's native chat endpoint, `POST /api/chat`: messages in (a text prompt as one user message),
 * NDJSON lines of `{"message": {"role": "assistant", "content": "<token text>"}, "done": false}` out,
 * closed by a `done: true` line with token counts. Ollama has no ignore_eos: `num_predict` only caps
 * the output, so it cannot be held to a length.
 */
import type { GenerationRequest, ProtocolClient } from './protocol.js';
import { NDJSON_ACCEPT } from './ndjson-lines.js';
import { ollamaOptions, parseOllamaStream } from './ollama-stream.js';
import { chatMessages, withExtraBody } from './request-body.js';
import { isJsonObject, type JsonObject, type TextChars, textLength } from './stream-json.js';

/**
 * Characters of generated text in one line: the answer in `message.content`, and reasoning in
 * `message.thinking`, where newer Ollama streams a reasoning model's thoughts before its answer.
 */
function chatLineText(line: JsonObject): TextChars {
  const message = line.message;
  if (!isJsonObject(message)) return { answer: 0, reasoning: 0 };
  return { answer: textLength(message.content), reasoning: textLength(message.thinking) };
}

/** Client for Ollama's `POST /api/chat`; content is a non-empty `message.content` (or `message.thinking`). */
export const ollamaChatClient: ProtocolClient = {
  kind: 'ollama-chat',
  accept: NDJSON_ACCEPT,
  chat: true,
  // Not `options`: the user's options are merged with num_predict.
  reservedBodyKeys: ['model', 'messages', 'stream'],
  buildBody(req: GenerationRequest): string {
    const body = withExtraBody(
      {
        model: req.model,
        messages: chatMessages(req.prompt),
        stream: true,
        // JSON.stringify leaves out undefined `options`: Ollama then uses the model's defaults.
        options: ollamaOptions(req.maxTokens, req.extraBody?.options),
      },
      req.extraBody,
    );
    return JSON.stringify(body);
  },
  parseStream(chunks) {
    return parseOllamaStream(chunks, chatLineText);
  },
};
