/**
 * Scrape the inference server's Prometheus endpoint every interval during a run and hand each scrape,
 * normalised, to `onSample`: a timeline of running/waiting requests, KV-cache usage, preemptions,
 * prefix-cache hit rate, token rates and GPU memory (server-metrics-normalize.ts says which metric
 * feeds which figure; server-metrics-rates.ts how counters become rates).
 *
 * A run creates it on a worker thread (server-metrics-worker.ts), so that the GET and the parse of a
 * large vLLM page (hundreds of histogram lines per engine; parsing only the names it reads keeps that
 * under a millisecond) never land on the benchmark's event loop between token timestamps. Its options
 * are plain data besides `now`, `onSample` and `onProblem`, which the worker makes itself;
 * `dispatcher` is for tests.
 */
import { Agent, type Dispatcher } from 'undici';
import { ConfigError, type ConfigProblem } from '../errors.js';
import { fetchMetricsText, redactUrl } from './metrics-fetch.js';
import { parsePrometheusText } from './prometheus-parse.js';
import type { ServerMetricsSample } from './samples.js';
import { normalizeServerMetrics, SERVER_METRIC_NAMES } from './server-metrics-normalize.js';
import { deriveServerMetricsSample, failedServerMetricsSample, type ServerScrape } from './server-metrics-rates.js';

/** The shortest interval accepted: below it a scrape of a busy server would rarely finish in time. */
export const MIN_METRICS_INTERVAL_MS = 10;
/** No scrape needs longer than this, however long the interval. */
const MAX_TIMEOUT_MS = 10_000;

export interface ServerMetricsScraperOptions {
  /** The Prometheus endpoint, e.g. http://127.0.0.1:8000/metrics. */
  url: string;
  /** Scrape every this many ms, at fixed offsets from start() (no drift). */
  intervalMs: number;
  /** The run clock: ms since the run started, the clock request records use. Stamps each sample. */
  now: () => number;
  /** Each scrape's sample, failed ones included (ok: false), in order. */
  onSample: (sample: ServerMetricsSample) => void;
  /** One-line notices: the first failure of a streak, the first skipped tick. Data, not errors. */
  onProblem?: (message: string) => void;
  /** Cut a scrape after this many ms; below intervalMs. Default 80% of the interval, at most 10 s. */
  timeoutMs?: number;
  /** Default: an Agent of our own with one connection, closed by stop(). One passed in is left open. */
  dispatcher?: Dispatcher;
  maxBodyBytes?: number;
}

export interface ServerMetricsScraperCounts {
  /** Scrapes made, failed ones included. */
  scrapes: number;
  failed: number;
  /** Ticks that did not scrape because the previous scrape was still running or the timer fired late. */
  skipped: number;
}

export interface ServerMetricsScraper {
  /** Scrape now, then every intervalMs; calling it again does nothing. */
  start(): void;
  /** Stop ticking, let a scrape in flight finish (bounded by the timeout), close our connection. */
  stop(): Promise<void>;
  /** One scrape at once, outside the schedule; null (and counted as skipped) while one is in flight or after stop(). */
  scrapeNow(): Promise<ServerMetricsSample | null>;
  counts(): ServerMetricsScraperCounts;
}

/** Validate the options (a ConfigError naming --metrics-url / --metrics-interval) and create the scraper. */
export function createServerMetricsScraper(o: ServerMetricsScraperOptions): ServerMetricsScraper {
  const timeoutMs = checkScraperOptions(o);
  const ownAgent = o.dispatcher ? null : new Agent({ connections: 1, pipelining: 1, connect: { timeout: timeoutMs } });
  const dispatcher = o.dispatcher ?? ownAgent!;
  const counts: ServerMetricsScraperCounts = { scrapes: 0, failed: 0, skipped: 0 };
  let lastOk: ServerScrape | null = null;
  let inFlight: Promise<ServerMetricsSample> | null = null;
  let failing = false;
  let reportedSkip = false;
  let started = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let startAtMs = 0;

  const problem = (message: string): void => {
    try {
      o.onProblem?.(message);
    } catch {
      // A notice that cannot be shown must not stop the scraping.
    }
  };

  const scrape = async (): Promise<ServerMetricsSample> => {
    const tMs = o.now(); // as Prometheus does: a scrape is stamped when it starts
    counts.scrapes++;
    const got = await fetchMetricsText(o.url, { dispatcher, timeoutMs, maxBodyBytes: o.maxBodyBytes });
    let sample: ServerMetricsSample;
    if (!got.ok) {
      sample = failedServerMetricsSample(tMs, got.error);
    } else {
      const parsed = parsePrometheusText(got.text, { keep: (name) => SERVER_METRIC_NAMES.has(name) });
      if (!parsed.ok) {
        sample = failedServerMetricsSample(tMs, `GET ${redactUrl(o.url)} answered text that is not Prometheus exposition: ${parsed.error}`);
      } else {
        const current: ServerScrape = { tMs, figures: normalizeServerMetrics(parsed.exposition) };
        sample = deriveServerMetricsSample(lastOk, current);
        lastOk = current;
      }
    }
    if (!sample.ok) {
      counts.failed++;
      if (!failing) problem(`server metrics: scrape failed (${sample.error}); recording it and going on`);
      failing = true;
    } else {
      failing = false;
    }
    try {
      o.onSample(sample);
    } catch (err) {
      problem(`server metrics: onSample threw: ${err instanceof Error ? err.message : String(err)}`);
    }
    return sample;
  };

  const skip = (why: string): void => {
    counts.skipped++;
    if (!reportedSkip) problem(`server metrics: skipped a scrape (${why}); later skips are only counted`);
    reportedSkip = true;
  };

  const scrapeNow = (): Promise<ServerMetricsSample | null> => {
    if (stopped) return Promise.resolve(null);
    if (inFlight) {
      skip('the previous scrape was still running');
      return Promise.resolve(null);
    }
    const p = scrape();
    inFlight = p;
    return p.finally(() => {
      inFlight = null;
    });
  };

  // Tick k is due at startAtMs + k * intervalMs; a late timer skips the ticks already past.
  const schedule = (k: number): void => {
    if (stopped) return;
    const delay = Math.max(0, startAtMs + k * o.intervalMs - o.now());
    timer = setTimeout(() => {
      void scrapeNow();
      const due = Math.floor((o.now() - startAtMs) / o.intervalMs) + 1;
      const next = Math.max(k + 1, due);
      if (next > k + 1) {
        for (let i = k + 1; i < next; i++) skip('the timer fired late: the event loop was busy');
      }
      schedule(next);
    }, delay);
    // The run stops the scraper; a forgotten one must not keep the process alive.
    timer.unref();
  };

  return {
    start() {
      if (started || stopped) return;
      started = true;
      startAtMs = o.now();
      schedule(0);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      clearTimeout(timer);
      await inFlight?.catch(() => undefined);
      await ownAgent?.close().catch(() => undefined);
    },
    scrapeNow,
    counts: () => ({ ...counts }),
  };
}

/** The options' problems, all at once, as a ConfigError; returns the timeout to use. */
export function checkScraperOptions(o: Pick<ServerMetricsScraperOptions, 'url' | 'intervalMs' | 'timeoutMs'>): number {
  const problems: ConfigProblem[] = [];
  const urlProblem = checkMetricsUrl(o.url);
  if (urlProblem) problems.push({ field: '--metrics-url', message: urlProblem });
  const intervalOk = Number.isFinite(o.intervalMs) && o.intervalMs >= MIN_METRICS_INTERVAL_MS;
  if (!intervalOk) {
    problems.push({ field: '--metrics-interval', message: `must be at least ${MIN_METRICS_INTERVAL_MS} ms (got ${o.intervalMs})` });
  }
  const timeoutMs = o.timeoutMs ?? Math.min(MAX_TIMEOUT_MS, Math.max(1, Math.floor(o.intervalMs * 0.8)));
  if (intervalOk && !(Number.isFinite(timeoutMs) && timeoutMs > 0 && timeoutMs < o.intervalMs)) {
    problems.push({
      field: 'timeoutMs',
      message: `must be above 0 and below the interval (${o.intervalMs} ms), so that scrapes never overlap (got ${timeoutMs})`,
    });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return timeoutMs;
}

/** Why `url` cannot be scraped, or null when it is an absolute http(s) URL. */
export function checkMetricsUrl(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `"${url}" is not a URL; give e.g. http://127.0.0.1:8000/metrics`;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return `"${redactUrl(url)}" is not an http(s) URL`;
  return null;
}
