/**
 * The streaming response shared by Ollama's `/api/generate` and `/api/chat`: one JSON object a line,
 * the last with `done: true` and the server's token counts. The two differ only in where a line keeps
 * its text, so each passes a function that measures it (answer and thinking apart) and the rest lives
 * here once.
 */
import type { ParsedStream, TimedChunk } from './protocol.js';
import { parseNdjsonLines } from './ndjson-lines.js';
import {
  emptyParsedStream,
  isJsonObject,
  type JsonObject,
  readJsonLine,
  readUsage,
  recordContent,
  type TextChars,
} from './stream-json.js';

/** Characters of answer and of reasoning (`thinking`) text in one line; zeros mean it carried none. */
export type LineText = (line: JsonObject) => TextChars;

/**
 * Ollama's `options` for a request: the `options` object of the user's extra body, if any, with
 * num_predict set over it when an output length was asked for. Ollama has no ignore_eos or min_tokens:
 * num_predict is only a cap, so an Ollama output cannot be held to a length, and `ignoreEos` changes
 * nothing here. Undefined (left out of the JSON, so the model's defaults apply) when there is neither.
 * Extra options that are not an object never get here: `reservedKeyProblems` refuses them.
 */
export function ollamaOptions(maxTokens: number | undefined, extraOptions: unknown): unknown {
  if (maxTokens === undefined) return extraOptions;
  return { ...(isJsonObject(extraOptions) ? extraOptions : {}), num_predict: maxTokens };
}

/**
 * Parse an Ollama NDJSON body. The `done: true` line ends the stream and reports usage as
 * `prompt_eval_count` (input tokens; older Ollama leaves it out when the whole prompt was cached) and
 * `eval_count` (output tokens), and why it stopped as `done_reason`. Lines after it are ignored.
 */
export function parseOllamaStream(chunks: readonly TimedChunk[], lineText: LineText): ParsedStream {
  const { lines, lastUnterminated } = parseNdjsonLines(chunks);
  const out = emptyParsedStream();

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const read = readJsonLine(line.text, lastUnterminated && i === lines.length - 1);
    if ('error' in read) {
      out.error = read.error;
      return out;
    }
    const obj = read.obj;
    recordContent(out, line.atMs, lineText(obj));
    if (obj.done === true) {
      out.finished = true;
      const usage = readUsage(obj.prompt_eval_count, obj.eval_count);
      if (usage !== undefined) out.usage = usage;
      if (typeof obj.done_reason === 'string') out.finishReason = obj.done_reason;
      return out;
    }
  }
  out.error = { kind: 'truncated_stream', message: 'body ended without a done:true line' };
  return out;
}
