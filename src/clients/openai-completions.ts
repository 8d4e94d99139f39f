/**
 * OpenAI's legacy text completions, `POST /v1/completions`: the raw-prompt endpoint that vLLM, SGLang,
 * TGI and llama.cpp all serve, and the one to use when the chat template should stay out of the
 * measurement. Its text cannot be told apart into reasoning and answer: all of it counts as answer.
 */
import type { GenerationRequest, ProtocolClient } from './protocol.js';
import { exactLengthFields, textPrompt, withExtraBody } from './request-body.js';
import { parseOpenAiStream } from './openai-stream.js';
import { SSE_ACCEPT } from './sse-events.js';
import { textLength } from './stream-json.js';

/** Client for `POST /v1/completions`; content is each chunk's non-empty `choices[0].text`. */
export const openAiCompletionsClient: ProtocolClient = {
  kind: 'openai-completions',
  accept: SSE_ACCEPT,
  chat: false,
  reservedBodyKeys: ['model', 'prompt', 'max_tokens', 'stream', 'stream_options', 'ignore_eos', 'min_tokens'],
  buildBody(req: GenerationRequest): string {
    const body = withExtraBody(
      {
        model: req.model,
        prompt: textPrompt('openai-completions', req.prompt),
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
    return parseOpenAiStream(chunks, (choice) => ({ answer: textLength(choice.text), reasoning: 0 }));
  },
};
