import { excerpt } from '../text-excerpt.js';
import type { SavedRun } from './saved-run.js';

/** A server's error or a sampler's reason is cut to this in a chart row or the summary. */
const REASON_CHARS = 140;

/**
 * Why a run has no GPU readings from NVML, in words for the telemetry panel and the summary, or null
 * when it has some. Prefers the run's own reason (summary.json's telemetry.gpu.reason, e.g. the
 * library that could not be loaded); the words are the server's or the host's, so renderers escape them.
 */
export function noNvmlReason(run: SavedRun): string | null {
  const t = run.telemetry;
  if (t.gpu.length) return null;
  const status = run.result.telemetry.gpu;
  if (status?.reason) return `no NVML: ${excerpt(status.reason, REASON_CHARS)}`;
  if (t.files.gpu && status?.status !== 'off') return 'no NVML: gpu.jsonl holds no sample';
  return 'no NVML: GPU telemetry off';
}

/**
 * Why a run has no server metrics, or null when at least one scrape answered. Prefers the run's own
 * reason, then the first failed scrape's error, then the plain fact.
 */
export function noServerMetricsReason(run: SavedRun): string | null {
  const t = run.telemetry;
  if (t.server.some((s) => s.ok)) return null;
  const status = run.result.telemetry.server;
  if (status?.reason) return `no server metrics: ${excerpt(status.reason, REASON_CHARS)}`;
  const failed = t.server.find((s) => !s.ok && s.error);
  if (failed?.error) return `no server metrics: GET /metrics did not answer (${excerpt(failed.error, REASON_CHARS)})`;
  if (!t.files.server && !status) return 'no server metrics: none recorded (server_metrics.jsonl absent)';
  return 'no server metrics: GET /metrics did not answer';
}
