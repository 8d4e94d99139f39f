/**
 * OpenAI's legacy text completions, `POST /v1/completions`: the raw-prompt endpoint that vLLM, SGLang,
 * TGI and llama.cpp all serve, and the one to use when the chat template should stay out of the
 * measurement.
 */
import type { GenerationRequest, ProtocolClient } from './protocol.js';
import { parseOpenAiStream } from './openai-stream.js';
import { SSE_ACCEPT } from './sse-events.js';
import { textLength } from './stream-json.js';

/** Client for `POST /v1/completions`; content is each chunk's non-empty `choices[0].text`. */
export const openAiCompletionsClient: ProtocolClient = {
  kind: 'openai-completions',
  accept: SSE_ACCEPT,
  buildBody(req: GenerationRequest): string {
    return JSON.stringify({
      model: req.model,
      prompt: req.prompt,
      // JSON.stringify leaves out an undefined max_tokens, letting the server pick the length.
      max_tokens: req.maxTokens,
      stream: true,
      // Without this the server never reports token counts in a stream.
      stream_options: { include_usage: true },
    });
  },
  parseStream(chunks) {
    return parseOpenAiStream(chunks, (choice) => textLength(choice.text));
  },
};
