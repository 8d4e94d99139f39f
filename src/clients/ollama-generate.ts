/**
 * Ollama's native completion endpoint, `POST /api/generate`: a raw prompt in, NDJSON lines of
 * `{"response": "<token text>", "done": false}` out, closed by a `done: true` line with token counts.
 */
import type { GenerationRequest, ProtocolClient } from './protocol.js';
import { NDJSON_ACCEPT } from './ndjson-lines.js';
import { ollamaOptions, parseOllamaStream } from './ollama-stream.js';
import { type JsonObject, textLength } from './stream-json.js';

/**
 * Characters of generated text in one line: `response`, plus `thinking`, where newer Ollama streams a
 * reasoning model's thoughts before its answer (the user waits on those tokens too).
 */
function generateLineTextLength(line: JsonObject): number {
  return textLength(line.response) + textLength(line.thinking);
}

/** Client for Ollama's `POST /api/generate`; content is a non-empty `response` (or `thinking`). */
export const ollamaGenerateClient: ProtocolClient = {
  kind: 'ollama-generate',
  accept: NDJSON_ACCEPT,
  buildBody(req: GenerationRequest): string {
    // JSON.stringify leaves out `options` when it is undefined: Ollama then uses the model's default.
    return JSON.stringify({
      model: req.model,
      prompt: req.prompt,
      stream: true,
      options: ollamaOptions(req.maxTokens),
    });
  },
  parseStream(chunks) {
    return parseOllamaStream(chunks, generateLineTextLength);
  },
};
