import { z } from 'zod';

/**
 * How a request can fail. A failed request is data: it is recorded with one of these kinds and the run
 * goes on; the summary counts each kind.
 */
export const REQUEST_ERROR_KINDS = [
  /** The server answered with a non-2xx status. */
  'http_status',
  /** The connection could not be opened (refused, DNS, unreachable). */
  'connect_failed',
  /** The connection was reset or closed by the server before the response ended. */
  'connection_reset',
  /** No complete response within --request-timeout. */
  'timeout',
  /** The body ended without the protocol's end marker. */
  'truncated_stream',
  /** A streamed chunk was not valid JSON. */
  'malformed_chunk',
  /** The stream carried an error object from the server. */
  'server_error_event',
  /** The response was complete and well-formed but carried no generated text. */
  'no_content',
  /** Cut short by the user (Ctrl-C) after the grace period. */
  'aborted',
  /** Anything else the HTTP client raised; the message says what. */
  'client_error',
] as const;
export type RequestErrorKind = (typeof REQUEST_ERROR_KINDS)[number];

/**
 * One request, as it happened. Times are milliseconds on the run's monotonic clock, offset from the
 * run's start (the instant the first arrival was due). This record is the source of truth: every metric
 * and summary is derived from it, so a saved run can be re-analysed without re-running.
 */
export const requestRecordSchema = z.object({
  seq: z.number().int().nonnegative(),
  /** When the arrival process meant the request to go. */
  intendedAtMs: z.number(),
  /** When the scheduler actually reached it (timer lateness = readyAtMs - intendedAtMs). */
  readyAtMs: z.number(),
  /** When it got a concurrency slot and was handed to the HTTP client. */
  dispatchedAtMs: z.number(),
  /**
   * When the HTTP client began writing it to the socket (for a request that never got that far, such
   * as a refused connection: the dispatch time). Every latency is measured from here, so time spent
   * inside the client before the write is not charged to the server.
   */
  sentAtMs: z.number(),
  /** When the response status and headers arrived. */
  headersAtMs: z.number().nullable(),
  /** Arrival of every streamed chunk that carried generated text. */
  contentTimesMs: z.array(z.number()),
  /** When the response ended (or failed). */
  endAtMs: z.number(),
  status: z.number().int().nullable(),
  ok: z.boolean(),
  error: z
    .object({
      kind: z.enum(REQUEST_ERROR_KINDS),
      message: z.string(),
    })
    .nullable(),
  promptWords: z.number().int().nonnegative(),
  inputTokens: z.number().int().nonnegative(),
  /**
   * Where inputTokens came from: the server's usage, else the run's tokenizer (a token-counted
   * source), else the seed's word count.
   */
  inputTokensSource: z.enum(['usage', 'tokenizer', 'prompt_words']),
  outputTokens: z.number().int().nonnegative(),
  outputTokensSource: z.enum(['usage', 'content_chunks']),
  finishReason: z.string().nullable(),
  /** GPU memory in MiB (peak while in flight); null until GPU telemetry fills it. */
  gpuMemoryMb: z.number().nullable(),
  /** The request source's own id for the request (`row 17 (id abc)`, `line 42`, `random 3`). */
  sourceId: z.string().optional(),
  /** Output tokens asked for (max_tokens); null: the server decided. */
  requestedOutputTokens: z.number().int().positive().nullable().optional(),
  /** Input tokens by the run's tokenizer, without special tokens or chat template; null: not counted. */
  promptTokens: z.number().int().nonnegative().nullable().optional(),
  /**
   * The server's usage.prompt_tokens minus promptTokens: what the server added (BOS, the chat
   * template's tokens), or a tokenizer disagreement when it varies. null when either is missing.
   */
  templateTokens: z.number().int().nullable().optional(),
  /** Messages sent (chat), for grouping template overheads; 0 for a text prompt. */
  messages: z.number().int().nonnegative().optional(),
  /** Which shared prefix (--prefix-groups) the request was drawn into. */
  prefixGroup: z.number().int().nonnegative().optional(),
  /** Which --stages step the request's intended send time fell in (0-based). */
  stage: z.number().int().nonnegative().optional(),
  /** Arrival of every chunk that carried reasoning text (a subset of contentTimesMs); absent: none. */
  reasoningTimesMs: z.array(z.number()).optional(),
  /** Arrival of the first chunk of answer (not reasoning) text; null: no answer came. Absent without reasoning. */
  firstAnswerAtMs: z.number().nullable().optional(),
  /** usage.completion_tokens_details.reasoning_tokens, when the server sent it. */
  reasoningTokens: z.number().int().nonnegative().nullable().optional(),
  /** A warm-up request (the run's first --warmup requests): recorded, but left out of every statistic. */
  warmup: z.literal(true).optional(),
});
export type RequestRecord = z.infer<typeof requestRecordSchema>;
