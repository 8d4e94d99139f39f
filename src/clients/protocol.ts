/**
 * The contract every API protocol implements. A protocol knows how to build a request body and how to
 * turn the raw, timestamped bytes of a streamed response into events. It does no I/O: the runner's
 * transport timestamps each network chunk the moment it arrives and hands the list over when the
 * response ends, so parsing never delays a timestamp.
 */

/** Every API llmload speaks. Inferred from the endpoint's path unless `--api` names one. */
export const API_KINDS = [
  'openai-completions',
  'openai-chat',
  'vllm-generate',
  'ollama-generate',
  'ollama-chat',
] as const;
export type ApiKind = (typeof API_KINDS)[number];

/** What the runner asks a protocol to send. */
export interface GenerationRequest {
  model: string;
  prompt: string;
  /** Output length asked for; undefined lets the server decide. */
  maxTokens?: number;
}

/** One network chunk of a response body, stamped on arrival (ms on the run's monotonic clock). */
export interface TimedChunk {
  atMs: number;
  bytes: Uint8Array;
}

/** Why a stream could not be read to a clean end. */
export type StreamErrorKind = 'malformed_chunk' | 'server_error_event' | 'truncated_stream';

/** The outcome of parsing one streamed response body. */
export interface ParsedStream {
  /**
   * Arrival time of every event that carried generated text, in order. A role-only or empty delta,
   * a usage-only chunk or a keep-alive comment is not content and is not listed.
   */
  contentTimesMs: number[];
  /** Characters of generated text received (for sanity checks and the non-usage fallback). */
  outputChars: number;
  /** Token counts from the server's own usage report, when it sent one. */
  usage?: { promptTokens?: number; completionTokens?: number };
  /** The stream ended the way the protocol says a complete stream ends ([DONE], done:true, ...). */
  finished: boolean;
  finishReason?: string;
  /** Set when the body was not a well-formed, complete stream. Events before the fault are kept. */
  error?: { kind: StreamErrorKind; message: string };
}

export interface ProtocolClient {
  kind: ApiKind;
  /** The Accept header to send: SSE or NDJSON. */
  accept: string;
  /** The JSON body for a streaming request. */
  buildBody(req: GenerationRequest): string;
  /** Parse a complete (or cut-short) response body. Pure: same chunks in, same result out. */
  parseStream(chunks: readonly TimedChunk[]): ParsedStream;
}
