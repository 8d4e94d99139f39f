import { stringify } from 'csv-stringify/sync';
import { deriveRequestMetrics } from '../core/metrics/derive.js';
import type { RequestRecord } from '../core/metrics/request-record.js';

/**
 * The CSV of per-request results. The seed prototype's eleven columns come first, in its order and
 * units (seconds for latency, ttft and tpot), so existing scripts keep working; llmload's own columns
 * follow, with their unit in the name. Rows are written in completion order; `seq` is the send order.
 */
export const CSV_COLUMNS = [
  // The seed's columns.
  'seq',
  'input_tokens',
  'output_tokens',
  'total_tokens',
  'latency',
  'ttft',
  'tpot',
  'throughput_tps',
  'tokens_per_sec',
  'status',
  'gpu_memory_mb',
  // llmload's.
  'ok',
  'error_kind',
  'error_message',
  'intended_at_ms',
  'sent_at_ms',
  'end_at_ms',
  'schedule_lag_ms',
  'client_queue_ms',
  'send_delay_ms',
  'headers_ms',
  'content_chunks',
  'itl_mean_ms',
  'itl_max_ms',
  'input_tokens_source',
  'output_tokens_source',
  'finish_reason',
  'prompt_words',
  'warmup',
  'source_id',
  'requested_output_tokens',
  'prompt_tokens',
  'template_tokens',
  'ttfot_ms',
  'reasoning_chunks',
  'reasoning_tokens',
  'prefix_group',
  'stage',
] as const;

type Cell = string | number | boolean | null;

/** The header line. */
export function renderCsvHeader(): string {
  return stringify([CSV_COLUMNS as unknown as string[]]);
}

/** One record as one CSV line (with its newline). Pure. */
export function renderCsvRow(r: RequestRecord): string {
  const m = deriveRequestMetrics(r);
  const s = (ms: number | null): Cell => (ms === null ? null : round(ms / 1000, 6));
  const ms = (v: number | null): Cell => (v === null ? null : round(v, 3));
  const itlMean = m.itlMs.length ? m.itlMs.reduce((a, b) => a + b, 0) / m.itlMs.length : null;
  const itlMax = m.itlMs.length ? m.itlMs.reduce((a, b) => (b > a ? b : a), -Infinity) : null;
  const row: Record<(typeof CSV_COLUMNS)[number], Cell> = {
    seq: r.seq,
    input_tokens: r.inputTokens,
    output_tokens: r.outputTokens,
    total_tokens: r.inputTokens + r.outputTokens,
    latency: s(m.latencyMs),
    ttft: s(m.ttftMs),
    tpot: s(m.tpotMs),
    throughput_tps: m.throughputTps === null ? null : round(m.throughputTps, 3),
    tokens_per_sec: m.tokensPerSec === null ? null : round(m.tokensPerSec, 3),
    status: r.status,
    gpu_memory_mb: r.gpuMemoryMb,
    ok: r.ok,
    error_kind: r.error?.kind ?? null,
    error_message: r.error?.message ?? null,
    intended_at_ms: ms(r.intendedAtMs),
    sent_at_ms: ms(r.sentAtMs),
    end_at_ms: ms(r.endAtMs),
    schedule_lag_ms: ms(m.scheduleLagMs),
    client_queue_ms: ms(m.clientQueueMs),
    send_delay_ms: ms(m.sendDelayMs),
    headers_ms: r.headersAtMs === null ? null : ms(r.headersAtMs - r.sentAtMs),
    content_chunks: r.contentTimesMs.length,
    itl_mean_ms: ms(itlMean),
    itl_max_ms: ms(itlMax),
    input_tokens_source: r.inputTokensSource,
    output_tokens_source: r.outputTokensSource,
    finish_reason: r.finishReason,
    prompt_words: r.promptWords,
    warmup: r.warmup === true,
    source_id: r.sourceId ?? null,
    requested_output_tokens: r.requestedOutputTokens ?? null,
    prompt_tokens: r.promptTokens ?? null,
    template_tokens: r.templateTokens ?? null,
    ttfot_ms: ms(m.ttfotMs),
    reasoning_chunks: r.reasoningTimesMs?.length ?? 0,
    reasoning_tokens: r.reasoningTokens ?? null,
    prefix_group: r.prefixGroup ?? null,
    stage: r.stage ?? null,
  };
  return stringify([CSV_COLUMNS.map((c) => row[c])], { cast: { boolean: (b) => (b ? 'true' : 'false') } });
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
