import type { Agent } from 'undici';
import type { GenerationRequest, ProtocolClient } from '../clients/protocol.js';
import type { RequestRecord } from '../core/metrics/request-record.js';
import type { WorkloadItem } from '../core/prompts/workload-item.js';
import { excerpt } from '../text-excerpt.js';
import type { Dispatch } from './open-loop.js';
import { exchange, type RawExchange } from './transport.js';

export interface RequestTarget {
  agent: Agent;
  url: URL;
  protocol: ProtocolClient;
  /** Static headers (content type, accept, authorization). */
  headers: Record<string, string>;
  timeoutMs: number;
}

/** Send one generation request; what comes back is raw bytes with times, parsed later by toRecord. */
export function sendRequest(
  target: RequestTarget,
  req: GenerationRequest,
  now: () => number,
  signal: AbortSignal,
): Promise<RawExchange> {
  return exchange({
    agent: target.agent,
    url: target.url,
    method: 'POST',
    headers: target.headers,
    body: target.protocol.buildBody(req),
    timeoutMs: target.timeoutMs,
    signal,
    now,
  });
}

/**
 * Turn what happened to one request into its record. Pure: the same exchange gives the same record.
 * Every failure, from a refused connection to a malformed chunk, becomes the record's `error`.
 */
export function toRecord(
  protocol: ProtocolClient,
  d: Dispatch,
  item: Pick<WorkloadItem, 'words' | 'inputTokens' | 'outputTokens' | 'sourceId' | 'prefixGroup' | 'prompt'>,
  raw: RawExchange,
): RequestRecord {
  const ours = item.inputTokens;
  const base = {
    seq: d.seq,
    intendedAtMs: d.intendedAtMs,
    readyAtMs: d.readyAtMs,
    dispatchedAtMs: d.dispatchedAtMs,
    // A request that never reached the socket (refused connection) was "sent" when dispatched.
    sentAtMs: raw.wroteAtMs ?? d.dispatchedAtMs,
    headersAtMs: raw.headersAtMs,
    endAtMs: raw.endAtMs,
    status: raw.status,
    promptWords: item.words,
    gpuMemoryMb: null,
    sourceId: item.sourceId,
    requestedOutputTokens: item.outputTokens ?? null,
    promptTokens: ours,
    messages: typeof item.prompt === 'string' ? 0 : item.prompt.length,
    ...(item.prefixGroup !== undefined ? { prefixGroup: item.prefixGroup } : {}),
  };
  const fallbackInput = ours !== null ? { inputTokens: ours, inputTokensSource: 'tokenizer' as const } : { inputTokens: item.words, inputTokensSource: 'prompt_words' as const };
  const fallbackTokens = {
    ...fallbackInput,
    templateTokens: null,
    outputTokens: 0,
    outputTokensSource: 'content_chunks' as const,
    finishReason: null,
  };

  if (raw.status !== null && (raw.status < 200 || raw.status > 299)) {
    const body = Buffer.concat(raw.chunks.map((c) => c.bytes)).toString('utf8');
    return {
      ...base,
      ...fallbackTokens,
      contentTimesMs: [],
      ok: false,
      error: { kind: 'http_status', message: `HTTP ${raw.status}${body ? `: ${excerpt(body, 500)}` : ''}` },
    };
  }

  // Parse whatever arrived, even from a cut stream: the tokens that came before a fault are real.
  const parsed = protocol.parseStream(raw.chunks);
  const inputTokens = parsed.usage?.promptTokens;
  const outputTokens = parsed.usage?.completionTokens;
  let error: RequestRecord['error'] = null;
  if (raw.failure) error = raw.failure;
  else if (parsed.error) error = { kind: parsed.error.kind, message: parsed.error.message };
  else if (parsed.contentTimesMs.length === 0) error = { kind: 'no_content', message: 'the response carried no generated text' };
  const reasoning =
    parsed.reasoningTimesMs.length > 0
      ? { reasoningTimesMs: parsed.reasoningTimesMs, firstAnswerAtMs: parsed.firstAnswerAtMs ?? null }
      : {};
  return {
    ...base,
    contentTimesMs: parsed.contentTimesMs,
    ok: error === null,
    error,
    ...(inputTokens !== undefined ? { inputTokens, inputTokensSource: 'usage' as const } : fallbackInput),
    templateTokens: inputTokens !== undefined && ours !== null ? inputTokens - ours : null,
    outputTokens: outputTokens ?? parsed.contentTimesMs.length,
    outputTokensSource: outputTokens !== undefined ? 'usage' : 'content_chunks',
    finishReason: parsed.finishReason ?? null,
    ...reasoning,
    reasoningTokens: parsed.usage?.reasoningTokens ?? null,
  };
}
