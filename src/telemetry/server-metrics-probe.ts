/**
 * Before a run: does the server's metrics URL answer with Prometheus text? The default URL (the
 * endpoint's origin + /metrics) is used when it answers and turned off with a one-line reason when it
 * does not; a URL the user gave (--metrics-url) that does not answer is a ConfigError naming the flag.
 */
import { Agent, type Dispatcher } from 'undici';
import { ConfigError } from '../errors.js';
import { fetchMetricsText, redactUrl } from './metrics-fetch.js';
import { parsePrometheusText } from './prometheus-parse.js';
import { checkMetricsUrl } from './server-metrics-scraper.js';
import { detectServers, type ServerKind } from './server-metrics-normalize.js';

const DEFAULT_PROBE_TIMEOUT_MS = 5_000;

const SERVER_NAMES: Readonly<Record<ServerKind, string>> = { vllm: 'vLLM', sglang: 'SGLang', tgi: 'TGI', dcgm: 'DCGM' };

export type MetricsProbeResult =
  | { ok: true; url: string; servers: ServerKind[]; sampleCount: number }
  | { ok: false; url: string; reason: string };

export interface MetricsProbeOptions {
  timeoutMs?: number;
  /** Default: a one-connection Agent of its own, closed before returning. */
  dispatcher?: Dispatcher;
}

/** The default metrics URL of an endpoint: its origin + "/metrics" (vLLM, SGLang and TGI all serve it there). */
export function defaultMetricsUrl(endpoint: string): string {
  return new URL('/metrics', new URL(endpoint).origin).href;
}

/**
 * GET `url` once and say whether it is a usable metrics page: 2xx, Prometheus text, at least one
 * sample. Never throws; `reason` is one line naming the URL.
 */
export async function probeMetricsUrl(url: string, o: MetricsProbeOptions = {}): Promise<MetricsProbeResult> {
  const shown = redactUrl(url);
  const bad = checkMetricsUrl(url);
  if (bad) return { ok: false, url, reason: bad };
  const timeoutMs = o.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  const agent = o.dispatcher ? null : new Agent({ connections: 1, connect: { timeout: timeoutMs } });
  try {
    const got = await fetchMetricsText(url, { dispatcher: o.dispatcher ?? agent!, timeoutMs });
    if (!got.ok) return { ok: false, url, reason: got.error };
    const parsed = parsePrometheusText(got.text);
    if (!parsed.ok) return { ok: false, url, reason: `GET ${shown} answered ${got.status} but not with Prometheus text (${parsed.error})` };
    if (parsed.exposition.sampleCount === 0) return { ok: false, url, reason: `GET ${shown} answered ${got.status} with no metrics in it` };
    return { ok: true, url, servers: detectServers(parsed.exposition), sampleCount: parsed.exposition.sampleCount };
  } finally {
    await agent?.close().catch(() => undefined);
  }
}

export type ResolvedMetricsUrl =
  | { url: string; servers: ServerKind[]; notice: string }
  /** `reason` is the probe's one line alone (no "server metrics: off" around it). */
  | { url: null; reason: string; notice: string };

/**
 * Decide the metrics URL of a run. With `metricsUrl` (the user's --metrics-url): probe it and throw a
 * ConfigError naming --metrics-url when it is unusable. Without: probe the endpoint's origin +
 * /metrics and return it when usable, else `url: null`. Either way `notice` is the one line to print,
 * e.g. "server metrics: off (GET http://127.0.0.1:8000/metrics answered 404)".
 */
export async function resolveServerMetricsUrl(o: {
  endpoint: string;
  metricsUrl?: string;
  timeoutMs?: number;
  dispatcher?: Dispatcher;
}): Promise<ResolvedMetricsUrl> {
  const explicit = o.metricsUrl !== undefined;
  const url = o.metricsUrl ?? defaultMetricsUrl(o.endpoint);
  const probe = await probeMetricsUrl(url, { timeoutMs: o.timeoutMs, dispatcher: o.dispatcher });
  if (!probe.ok) {
    if (explicit) throw new ConfigError([{ field: '--metrics-url', message: probe.reason }]);
    return { url: null, reason: probe.reason, notice: `server metrics: off (${probe.reason})` };
  }
  const found = probe.servers.length > 0 ? probe.servers.map((s) => SERVER_NAMES[s]).join(', ') : 'no vLLM, SGLang, TGI or DCGM metric names';
  return { url, servers: probe.servers, notice: `server metrics: on (${redactUrl(url)}: ${found})` };
}
