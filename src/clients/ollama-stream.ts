/**
 * The streaming response shared by Ollama's `/api/generate` and `/api/chat`: one JSON object a line,
 * the last with `done: true` and the server's token counts. The two differ only in where a line keeps
 * its text, so each passes a function that measures it and the rest lives here once.
 */
import type { ParsedStream, TimedChunk } from './protocol.js';
import { parseNdjsonLines } from './ndjson-lines.js';
import {
  emptyParsedStream,
  type JsonObject,
  readJsonLine,
  readUsage,
} from './stream-json.js';

/** Characters of generated text in one line; 0 means the line carried none. */
export type LineTextLength = (line: JsonObject) => number;

/** Ollama's `options` for a request: only the output length, and only when one was asked for. */
export function ollamaOptions(maxTokens: number | undefined): { num_predict: number } | undefined {
  return maxTokens === undefined ? undefined : { num_predict: maxTokens };
}

/**
 * Parse an Ollama NDJSON body. The `done: true` line ends the stream and reports usage as
 * `prompt_eval_count` (input tokens; older Ollama leaves it out when the whole prompt was cached) and
 * `eval_count` (output tokens), and why it stopped as `done_reason`. Lines after it are ignored.
 */
export function parseOllamaStream(chunks: readonly TimedChunk[], lineTextLength: LineTextLength): ParsedStream {
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
    const chars = lineTextLength(obj);
    if (chars > 0) {
      out.contentTimesMs.push(line.atMs);
      out.outputChars += chars;
    }
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
