/**
 * Reading the JSON payload of one streamed event or line, shared by every protocol: parse it once,
 * recognise the error objects servers send mid-stream, read token counts, and cut bad data down to an
 * excerpt that is safe to store in a request record.
 */
import { excerpt } from '../text-excerpt.js';
import type { ParsedStream } from './protocol.js';

/** A JSON object as parsed from the wire: nothing about its fields is trusted yet. */
export type JsonObject = Record<string, unknown>;

/** True for a plain JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parse `text` as JSON; undefined when it is not valid JSON or not an object. */
export function parseJsonObject(text: string): JsonObject | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return isJsonObject(value) ? value : undefined;
}

/** Length of `value` when it is a string, else 0: how generated-text fields are counted. */
export function textLength(value: unknown): number {
  return typeof value === 'string' ? value.length : 0;
}

/**
 * The message of an error object sent in place of a normal event, or undefined when `obj` is not one.
 * The shapes seen in the wild: OpenAI and recent vLLM/SGLang `{"error": {"message": ...}}`; older vLLM
 * `{"object": "error", "message": ...}`; TGI `{"error": "...", "error_type": ...}`; Ollama `{"error": "..."}`.
 */
export function serverErrorMessage(obj: JsonObject): string | undefined {
  const error = obj.error;
  if (typeof error === 'string') return excerpt(error);
  if (isJsonObject(error)) {
    return excerpt(typeof error.message === 'string' ? error.message : JSON.stringify(error));
  }
  if (obj.object === 'error') {
    return excerpt(typeof obj.message === 'string' ? obj.message : JSON.stringify(obj));
  }
  return undefined;
}

/**
 * Token counts from a server's usage report; undefined when it holds none of them. Only finite,
 * non-negative numbers are believed: anything else is a server bug we should not average into results.
 */
export function readUsage(
  promptTokens: unknown,
  completionTokens: unknown,
  reasoningTokens?: unknown,
): ParsedStream['usage'] {
  const usage: NonNullable<ParsedStream['usage']> = {};
  if (isCount(promptTokens)) usage.promptTokens = promptTokens;
  if (isCount(completionTokens)) usage.completionTokens = completionTokens;
  if (isCount(reasoningTokens)) usage.reasoningTokens = reasoningTokens;
  return Object.keys(usage).length === 0 ? undefined : usage;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/** A `malformed_chunk` error quoting the bad data. */
export function malformedChunk(data: string, why: string): NonNullable<ParsedStream['error']> {
  return { kind: 'malformed_chunk', message: `${why}: ${excerpt(data)}` };
}

/** An empty result, to be filled in as events are read. */
export function emptyParsedStream(): ParsedStream {
  return { contentTimesMs: [], outputChars: 0, reasoningTimesMs: [], reasoningChars: 0, finished: false };
}

/** Characters of generated text in one event: the answer's, and the reasoning's that comes before it. */
export interface TextChars {
  answer: number;
  reasoning: number;
}

/**
 * Count one event's text into `out`. Reasoning is content like the answer: TTFT is the first generated
 * token of any kind (vLLM's benchmark defines it so), since the user waits on reasoning tokens too.
 * Reasoning events are also listed apart, and the first answer event is kept, so the time spent
 * thinking can be told from the time to the answer.
 */
export function recordContent(out: ParsedStream, atMs: number, chars: TextChars): void {
  const total = chars.answer + chars.reasoning;
  if (total === 0) return;
  out.contentTimesMs.push(atMs);
  out.outputChars += total;
  if (chars.reasoning > 0) {
    out.reasoningTimesMs.push(atMs);
    out.reasoningChars += chars.reasoning;
  }
  if (chars.answer > 0) out.firstAnswerAtMs ??= atMs;
}

/**
 * One line of a JSON-lines stream as an object, or the error that ends the stream: a last line with
 * no terminator that does not parse was cut off in transit (truncated), any other is malformed; an
 * error object from the server is a server error.
 */
export function readJsonLine(
  text: string,
  isUnterminatedLast: boolean,
): { obj: JsonObject } | { error: NonNullable<ParsedStream['error']> } {
  const obj = parseJsonObject(text);
  if (obj === undefined) {
    return {
      error: isUnterminatedLast
        ? { kind: 'truncated_stream', message: `body ended inside a line: ${excerpt(text)}` }
        : malformedChunk(text, 'line is not a JSON object'),
    };
  }
  const serverError = serverErrorMessage(obj);
  if (serverError !== undefined) return { error: { kind: 'server_error_event', message: serverError } };
  return { obj };
}
