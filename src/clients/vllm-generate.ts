/**
 * vLLM's legacy demo server (`python -m vllm.entrypoints.api_server`), `POST /generate`. It streams
 * JSON objects `{"text": ["<prompt + all output so far>"]}`, one per engine step, each ended by "\n"
 * (older releases: by a NUL byte, which the line splitter also accepts). There is no usage report and
 * no end marker: the body simply ends.
 */
import type { GenerationRequest, ParsedStream, ProtocolClient, TimedChunk } from './protocol.js';
import { NDJSON_ACCEPT, parseNdjsonLines } from './ndjson-lines.js';
import { exactLengthFields, textPrompt, withExtraBody } from './request-body.js';
import { emptyParsedStream, malformedChunk, readJsonLine } from './stream-json.js';

/**
 * Parse a `/generate` body.
 *
 * Content: each object repeats the whole text, prompt included, so an object is content when its text
 * is longer than the previous one's. The first object is always content: the server sends one only
 * after an engine step that produced a token. Its own share of output text cannot be told apart from
 * the prompt (parseStream is not given the prompt), so `outputChars` counts the growth after the first
 * object and falls short of the truth by the first step's text, typically one token.
 *
 * End of stream: with no end marker, a body that ends after a complete object is finished; one that
 * ends inside an object, or before any, is `truncated_stream`.
 */
function parseGenerateStream(chunks: readonly TimedChunk[]): ParsedStream {
  const { lines, lastUnterminated } = parseNdjsonLines(chunks);
  const out = emptyParsedStream();
  let previousLength = -1;

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const read = readJsonLine(line.text, lastUnterminated && i === lines.length - 1);
    if ('error' in read) {
      out.error = read.error;
      return out;
    }
    const obj = read.obj;
    // One output was asked for (no `n`), so only the first entry is read.
    const texts = obj.text;
    const text: unknown = Array.isArray(texts) ? texts[0] : undefined;
    if (typeof text !== 'string') {
      out.error = malformedChunk(line.text, 'object has no "text" array of strings');
      return out;
    }
    if (previousLength === -1) {
      out.contentTimesMs.push(line.atMs);
      // There is no reasoning field here: the first content is the first answer.
      out.firstAnswerAtMs = line.atMs;
    } else if (text.length > previousLength) {
      out.contentTimesMs.push(line.atMs);
      out.outputChars += text.length - previousLength;
    }
    previousLength = text.length;
  }

  if (previousLength === -1) {
    out.error = { kind: 'truncated_stream', message: 'body ended before any object' };
    return out;
  }
  out.finished = true;
  return out;
}

/** Client for vLLM's legacy `POST /generate`; content is an object whose text grew. */
export const vllmGenerateClient: ProtocolClient = {
  kind: 'vllm-generate',
  accept: NDJSON_ACCEPT,
  chat: false,
  reservedBodyKeys: ['prompt', 'stream', 'max_tokens', 'ignore_eos', 'min_tokens'],
  buildBody(req: GenerationRequest): string {
    // No `model`: the server passes every field but prompt and stream to SamplingParams(**fields),
    // which rejects unknown keywords, so sending one fails the request. The server serves one model.
    // JSON.stringify leaves out an undefined max_tokens (the server's default is then 16 tokens).
    // ignore_eos and min_tokens are SamplingParams fields too, so this server takes them.
    const body = withExtraBody(
      {
        prompt: textPrompt('vllm-generate', req.prompt),
        stream: true,
        max_tokens: req.maxTokens,
        ...exactLengthFields(req),
      },
      req.extraBody,
    );
    return JSON.stringify(body);
  },
  parseStream: parseGenerateStream,
};
