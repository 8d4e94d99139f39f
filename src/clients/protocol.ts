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

/** One chat message as sent (text content only). */
export interface ChatMessage {
  role: string;
  content: string;
}

/** What the runner asks a protocol to send. */
export interface GenerationRequest {
  model: string;
  /**
   * A text prompt, or chat messages. A chat protocol sends a text prompt as one user message; a
   * text-only protocol (completions, /generate, /api/generate) is never given messages: the runner
   * refuses that combination before anything is sent, and the client throws if it happens anyway.
   */
  prompt: string | readonly ChatMessage[];
  /** Output length asked for; undefined lets the server decide. */
  maxTokens?: number;
  /**
   * Ask for exactly `maxTokens`: `ignore_eos: true` and `min_tokens: maxTokens` where the protocol
   * carries them (vLLM, SGLang, llama.cpp); Ollama has no such option (num_predict is only a cap).
   * Meaningless without maxTokens.
   */
  ignoreEos?: boolean;
  /**
   * Fields merged into the body (--extra-body): temperature, top_p, seed, chat_template_kwargs ...
   * Never one of the protocol's `reservedBodyKeys` (checked when the flags are parsed).
   */
  extraBody?: Readonly<Record<string, unknown>>;
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
  /**
   * Token counts from the server's own usage report, when it sent one; `reasoningTokens` from
   * `usage.completion_tokens_details.reasoning_tokens` (a part of completionTokens, not added to it).
   */
  usage?: { promptTokens?: number; completionTokens?: number; reasoningTokens?: number };
  /**
   * Arrival of every content event that carried reasoning text (`delta.reasoning_content`,
   * `delta.reasoning`, Ollama's `message.thinking`): a subset of contentTimesMs. Empty for a
   * model that does not reason or a protocol that cannot tell reasoning from the answer.
   */
  reasoningTimesMs: number[];
  /** Arrival of the first event that carried answer text (not reasoning); undefined if none did. */
  firstAnswerAtMs?: number;
  /** Characters of reasoning text received (also counted in outputChars). */
  reasoningChars: number;
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
  /** Whether the protocol sends chat messages (a text prompt then becomes one user message). */
  chat: boolean;
  /** Top-level body fields the client sets itself: --extra-body may not set them. */
  reservedBodyKeys: readonly string[];
  /** The JSON body for a streaming request. */
  buildBody(req: GenerationRequest): string;
  /** Parse a complete (or cut-short) response body. Pure: same chunks in, same result out. */
  parseStream(chunks: readonly TimedChunk[]): ParsedStream;
}
