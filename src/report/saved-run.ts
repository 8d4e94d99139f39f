import { deriveRequestMetrics } from '../core/metrics/derive.js';
import { createHistogram } from '../core/metrics/histogram.js';
import type { RequestErrorKind, RequestRecord } from '../core/metrics/request-record.js';
import { cdfFromHistogram, type CdfPoint } from './plots/cdf.js';
import { parseSavedResult, type SavedResult } from './saved-result.js';
import { emptyTelemetry, type SavedTelemetry } from './telemetry-load.js';

/**
 * One request as the plots need it: its times and derived metrics, without its chunk times. A run of
 * 100,000 requests with 500 chunks each is 50 million timestamps on disk; this is a few hundred bytes
 * a request, and the one figure that needs the chunks (ITL) is aggregated while reading instead.
 */
export interface RequestPoint {
  seq: number;
  intendedAtMs: number;
  sentAtMs: number;
  endAtMs: number;
  ok: boolean;
  status: number | null;
  errorKind: RequestErrorKind | null;
  /** The error message, cut to ERROR_EXCERPT_CHARS: it came from the server and may be long. */
  errorMessage: string | null;
  inputTokens: number;
  outputTokens: number;
  ttftMs: number | null;
  latencyMs: number;
  tpotMs: number | null;
  /** Output tokens / latency (the CSV's throughput_tps); null for a failed request. */
  outputTps: number | null;
  scheduleLagMs: number;
  clientQueueMs: number;
}

/** A distribution kept as its CDF, for metrics with far more samples than requests. */
export interface AggregatedCdf {
  count: number;
  /** False when the samples outgrew the exact histogram: the levels are then within 0.5 %. */
  exact: boolean;
  points: CdfPoint[];
}

/**
 * A saved run, as every renderer takes it: plain data, so `renderX(run)` is a pure function and a run
 * can be re-plotted at any time from its folder alone.
 */
export interface SavedRun {
  result: SavedResult;
  /** One point per request, in send order (seq). */
  requests: RequestPoint[];
  /** Inter-token latency over every successful request's chunk gaps; null when there is none. */
  itl: AggregatedCdf | null;
  /** Lines of requests.jsonl that could not be read (a run killed mid-write leaves a torn last line). */
  skipped: { count: number; examples: string[] };
  /** GPU (NVML) and server (/metrics) samples on the requests' clock; empty when none were recorded. */
  telemetry: SavedTelemetry;
}

export const ERROR_EXCERPT_CHARS = 300;
const MAX_SKIP_EXAMPLES = 5;

export interface SavedRunBuilder {
  add(record: RequestRecord): void;
  /** Count a line that could not be read; the first few are kept, with the reason, for the report. */
  skip(lineNumber: number, reason: string): void;
  finish(result: SavedResult, telemetry?: SavedTelemetry): SavedRun;
}

/** Builds a SavedRun from records one at a time, keeping memory proportional to requests, not chunks. */
export function createSavedRunBuilder(): SavedRunBuilder {
  const requests: RequestPoint[] = [];
  // Same bounded, exact-while-small histogram the summary uses, so the CDF agrees with the table.
  const itl = createHistogram();
  const skipped = { count: 0, examples: [] as string[] };
  return {
    add(r) {
      const m = deriveRequestMetrics(r);
      // ITL describes successful requests only, like every latency figure in the summary.
      if (r.ok) for (const gap of m.itlMs) itl.add(gap);
      requests.push({
        seq: r.seq,
        intendedAtMs: r.intendedAtMs,
        sentAtMs: r.sentAtMs,
        endAtMs: r.endAtMs,
        ok: r.ok,
        status: r.status,
        errorKind: r.ok ? null : (r.error?.kind ?? 'client_error'),
        errorMessage: r.error ? r.error.message.slice(0, ERROR_EXCERPT_CHARS) : null,
        inputTokens: r.inputTokens,
        outputTokens: r.outputTokens,
        ttftMs: r.ok ? m.ttftMs : null,
        latencyMs: m.latencyMs,
        tpotMs: r.ok ? m.tpotMs : null,
        outputTps: m.throughputTps,
        scheduleLagMs: m.scheduleLagMs,
        clientQueueMs: m.clientQueueMs,
      });
    },
    skip(lineNumber, reason) {
      skipped.count++;
      if (skipped.examples.length < MAX_SKIP_EXAMPLES) skipped.examples.push(`line ${lineNumber}: ${reason}`);
    },
    finish(result, telemetry = emptyTelemetry()) {
      requests.sort((a, b) => a.seq - b.seq);
      return {
        result,
        requests,
        itl: itl.count ? { count: itl.count, exact: itl.exact, points: cdfFromHistogram(itl) } : null,
        skipped,
        telemetry,
      };
    },
  };
}

/**
 * A SavedRun from a result (a RunResult or a parsed summary.json) and its records, in memory: what
 * tests and library users who hold the records already use instead of reading a folder. Telemetry,
 * when there is some, comes from telemetryFromSamples.
 */
export function savedRunFromRecords(result: unknown, records: Iterable<RequestRecord>, telemetry?: SavedTelemetry): SavedRun {
  const parsed = parseSavedResult(result);
  const builder = createSavedRunBuilder();
  for (const r of records) builder.add(r);
  return builder.finish(parsed, telemetry);
}
