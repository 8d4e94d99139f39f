/**
 * The streaming response shared by OpenAI's `/v1/completions` and `/v1/chat/completions`: SSE events
 * of `data: {chunk}`, ended by `data: [DONE]`. The two differ only in where a choice keeps its text,
 * so each passes a function that measures it (answer and reasoning apart) and the rest lives here once.
 */
import type { ParsedStream, TimedChunk } from './protocol.js';
import { parseSseEvents } from './sse-events.js';
import { excerpt } from '../text-excerpt.js';
import {
  emptyParsedStream,
  isJsonObject,
  type JsonObject,
  malformedChunk,
  parseJsonObject,
  readUsage,
  recordContent,
  serverErrorMessage,
  type TextChars,
} from './stream-json.js';

/** Characters of answer and of reasoning text in one choice of a chunk; zeros mean it carried none. */
export type ChoiceText = (choice: JsonObject) => TextChars;

/**
 * Parse an OpenAI-style SSE body. Only the first choice is read: llmload always asks for one.
 *
 * Usage: servers send it in a final chunk with `choices: []` (OpenAI, vLLM, SGLang with
 * `stream_options.include_usage`), in the last content chunk (llama.cpp), or in every chunk (vLLM's
 * continuous usage stats). Each report is cumulative, so the last one seen wins.
 *
 * End of stream: `data: [DONE]` is the protocol's end marker, and events after it are ignored. Some
 * OpenAI-compatible servers (older llama.cpp among them) never send it; when the body ends cleanly
 * (not inside an event) after a chunk that carried a `finish_reason`, the generation did end, so the
 * stream counts as finished without error. With neither, the stream is `truncated_stream`.
 */
export function parseOpenAiStream(
  chunks: readonly TimedChunk[],
  choiceText: ChoiceText,
): ParsedStream {
  const { events, partial, strayLine } = parseSseEvents(chunks);
  const out = emptyParsedStream();

  for (const event of events) {
    const data = event.data;
    if (data === '[DONE]') {
      out.finished = true;
      return out;
    }
    // An event with an empty data field carries nothing; some proxies use one as a heartbeat.
    if (data.length === 0) continue;
    const chunk = parseJsonObject(data);
    if (chunk === undefined) {
      out.error = malformedChunk(data, 'event data is not a JSON object');
      return out;
    }
    const serverError = serverErrorMessage(chunk);
    if (serverError !== undefined) {
      out.error = { kind: 'server_error_event', message: serverError };
      return out;
    }
    if (isJsonObject(chunk.usage)) {
      const details = chunk.usage.completion_tokens_details;
      const usage = readUsage(
        chunk.usage.prompt_tokens,
        chunk.usage.completion_tokens,
        isJsonObject(details) ? details.reasoning_tokens : undefined,
      );
      if (usage !== undefined) out.usage = usage;
    }
    const choices = chunk.choices;
    const choice = Array.isArray(choices) ? (choices[0] as unknown) : undefined;
    if (!isJsonObject(choice)) continue;
    recordContent(out, event.atMs, choiceText(choice));
    if (typeof choice.finish_reason === 'string') out.finishReason = choice.finish_reason;
  }

  // The body ended without [DONE].
  if (partial === undefined && out.finishReason !== undefined) {
    out.finished = true;
    return out;
  }
  // A body that is not SSE at all is often a plain JSON error (a proxy, or a server ignoring
  // `stream: true`); name the server's message rather than calling the stream merely short.
  const strayError = strayLine === undefined ? undefined : parseJsonObject(strayLine);
  const strayMessage = strayError === undefined ? undefined : serverErrorMessage(strayError);
  if (strayMessage !== undefined) {
    out.error = { kind: 'server_error_event', message: strayMessage };
  } else if (partial !== undefined) {
    out.error = { kind: 'truncated_stream', message: `body ended inside an event: ${excerpt(partial)}` };
  } else {
    const stray = strayLine === undefined ? '' : ` (first line that is not SSE: ${excerpt(strayLine)})`;
    out.error = { kind: 'truncated_stream', message: `body ended without data: [DONE]${stray}` };
  }
  return out;
}
