/**
 * Raw figures of consecutive scrapes -> the normalised ServerMetricsSample. Pure.
 *
 * Counters become per-second rates over the interval between two scrapes, timed by the scrapes' own
 * timestamps (tMs, the run clock), not by the nominal interval: a scrape that started late covers a
 * longer interval, and dividing by the nominal one would overstate the rate.
 *
 *   rate = increase / ((tMs - previous.tMs) / 1000)
 *
 * `increase` is computed as Prometheus' rate() does: when a counter goes down the server restarted and
 * counted again from 0, so the increase is the new value itself (not a negative number).
 */
import type { ServerFigure, ServerMetricsSample } from './samples.js';
import type { RawFigure, RawServerFigures } from './server-metrics-normalize.js';

/** One successful scrape: when it was taken (run clock, ms) and what it said. */
export interface ServerScrape {
  tMs: number;
  figures: RawServerFigures;
}

/** The increase of a cumulative counter from `previous` to `current`, counting a decrease as a restart from 0. */
export function counterIncrease(previous: number, current: number): number {
  return current >= previous ? current - previous : current;
}

/**
 * The sample for `current`, with rates over the interval since `previous` (the last successful
 * scrape; null for the first, whose rates are then null). A rate is also null when its counter is
 * missing from either scrape, when the two scrapes read it under different names (a server swap
 * behind the URL), or when the interval is not positive.
 */
export function deriveServerMetricsSample(previous: ServerScrape | null, current: ServerScrape): ServerMetricsSample {
  const cur = current.figures;
  const prev = previous?.figures ?? null;
  const intervalSec = previous ? (current.tMs - previous.tMs) / 1000 : 0;

  const increase = (figure: RawFigure): number | null => {
    const now = cur[figure];
    const before = prev?.[figure];
    if (typeof now !== 'number' || typeof before !== 'number' || intervalSec <= 0) return null;
    if (prev!.sources[figure] !== cur.sources[figure]) return null;
    return counterIncrease(before, now);
  };
  const rate = (figure: RawFigure): number | null => {
    const inc = increase(figure);
    return inc === null ? null : inc / intervalSec;
  };

  let prefixCacheHitRate: number | null;
  if (cur.prefixCacheHitRatio !== null) {
    prefixCacheHitRate = cur.prefixCacheHitRatio;
  } else {
    const hits = increase('prefixCacheHitsTotal');
    const queries = increase('prefixCacheQueriesTotal');
    // Clamped: were only one of the pair to reset, the ratio could leave 0..1.
    prefixCacheHitRate = hits === null || queries === null || queries <= 0 ? null : Math.min(1, Math.max(0, hits / queries));
  }

  return {
    tMs: current.tMs,
    ok: true,
    error: null,
    running: cur.running,
    waiting: cur.waiting,
    kvCacheUsage: cur.kvCacheUsage,
    preemptionsPerSec: rate('preemptionsTotal'),
    prefixCacheHitRate,
    promptTokensPerSec: rate('promptTokensTotal'),
    generationTokensPerSec: rate('generationTokensTotal'),
    gpuMemoryUsedMiB: cur.gpuMemoryUsedMiB,
    sources: sampleSources(cur.sources),
  };
}

/** The sample of a scrape that failed: every figure null, the reason kept. */
export function failedServerMetricsSample(tMs: number, error: string): ServerMetricsSample {
  return {
    tMs,
    ok: false,
    error,
    running: null,
    waiting: null,
    kvCacheUsage: null,
    preemptionsPerSec: null,
    prefixCacheHitRate: null,
    promptTokensPerSec: null,
    generationTokensPerSec: null,
    gpuMemoryUsedMiB: null,
    sources: {},
  };
}

/**
 * Sources under the sample's figure names. A counter's source is given from the first scrape on,
 * though its rate only comes with the second: it says what the figure will be made of.
 */
function sampleSources(raw: RawServerFigures['sources']): Partial<Record<ServerFigure, string>> {
  const out: Partial<Record<ServerFigure, string>> = {};
  if (raw.running) out.running = raw.running;
  if (raw.waiting) out.waiting = raw.waiting;
  if (raw.kvCacheUsage) out.kvCacheUsage = raw.kvCacheUsage;
  if (raw.preemptionsTotal) out.preemptionsPerSec = raw.preemptionsTotal;
  if (raw.prefixCacheHitRatio) out.prefixCacheHitRate = raw.prefixCacheHitRatio;
  else if (raw.prefixCacheHitsTotal && raw.prefixCacheQueriesTotal) {
    out.prefixCacheHitRate = `${raw.prefixCacheHitsTotal} / ${raw.prefixCacheQueriesTotal}`;
  }
  if (raw.promptTokensTotal) out.promptTokensPerSec = raw.promptTokensTotal;
  if (raw.generationTokensTotal) out.generationTokensPerSec = raw.generationTokensTotal;
  if (raw.gpuMemoryUsedMiB) out.gpuMemoryUsedMiB = raw.gpuMemoryUsedMiB;
  return out;
}
