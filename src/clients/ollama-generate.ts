/**
 * Ollama's native completion endpoint, `POST /api/generate`: a raw prompt in, NDJSON lines of
 * `{"response": "<token text>", "done": false}` out, closed by a `done: true` line with token counts.
 * Ollama has no ignore_eos: `num_predict` only caps the output, so it cannot be held to a length.
 */
import type { GenerationRequest, ProtocolClient } from './protocol.js';
import { NDJSON_ACCEPT } from './ndjson-lines.js';
import { ollamaOptions, parseOllamaStream } from './ollama-stream.js';
import { textPrompt, withExtraBody } from './request-body.js';
import { type JsonObject, type TextChars, textLength } from './stream-json.js';

/**
 * Characters of generated text in one line: the answer in `response`, and reasoning in `thinking`,
 * where newer Ollama streams a reasoning model's thoughts before its answer.
 */
function generateLineText(line: JsonObject): TextChars {
  return { answer: textLength(line.response), reasoning: textLength(line.thinking) };
}

/** Client for Ollama's `POST /api/generate`; content is a non-empty `response` (or `thinking`). */
export const ollamaGenerateClient: ProtocolClient = {
  kind: 'ollama-generate',
  accept: NDJSON_ACCEPT,
  chat: false,
  // Not `options`: the user's options are merged with num_predict.
  reservedBodyKeys: ['model', 'prompt', 'stream'],
  buildBody(req: GenerationRequest): string {
    const body = withExtraBody(
      {
        model: req.model,
        prompt: textPrompt('ollama-generate', req.prompt),
        stream: true,
        // JSON.stringify leaves out undefined `options`: Ollama then uses the model's defaults.
        options: ollamaOptions(req.maxTokens, req.extraBody?.options),
      },
      req.extraBody,
    );
    return JSON.stringify(body);
  },
  parseStream(chunks) {
    return parseOllamaStream(chunks, generateLineText);
  },
};
