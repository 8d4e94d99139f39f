import type { MaxRateResult } from './sweep-result.js';
import { roundRate } from './spread-rates.js';

/**
 * The search for the highest rate at which the objectives hold: bracketing, then bisection. A state
 * machine (pure): the caller asks `next()` for the rate to try, runs it, and reports `record(rate,
 * held)`. Assumes the objectives hold below some rate and fail above it (monotone in load), which is
 * what a queue does; noise near the boundary can break that, which the result's note says.
 *
 * - Start at `startRatePerSec` (the sweep passes the maximum throughput a closed-loop probe measured:
 *   no rate above it can be sustained, and the objectives usually fail well before it).
 * - Bracket: while every trial held, try twice the highest (the probe can underestimate); while
 *   every trial failed, try half the lowest. Gives up below `minRatePerSec`.
 * - Bisect [highest held, lowest failed] until it is no wider than `precisionPerSec`, or `maxTrials`.
 */
export interface MaxRateSearch {
  /** The next rate to try, or null when the search is over. */
  next(): number | null;
  record(ratePerSec: number, held: boolean, level: number): void;
  result(): MaxRateResult;
}

export interface MaxRateSearchOptions {
  startRatePerSec: number;
  precisionPerSec: number;
  maxTrials: number;
  minRatePerSec?: number;
}

export function createMaxRateSearch(o: MaxRateSearchOptions): MaxRateSearch {
  if (!(o.startRatePerSec > 0)) throw new RangeError('startRatePerSec must be > 0');
  if (!(o.precisionPerSec > 0)) throw new RangeError('precisionPerSec must be > 0');
  const minRate = o.minRatePerSec ?? Math.min(o.precisionPerSec, o.startRatePerSec / 1024);
  const trials: MaxRateResult['trials'] = [];
  let lower: number | null = null;
  let upper: number | null = null;
  let stopReason: string | null = null;

  const next = (): number | null => {
    if (stopReason !== null) return null;
    if (trials.length >= o.maxTrials) {
      stopReason = `stopped after ${o.maxTrials} trials (--max-trials)`;
      return null;
    }
    if (trials.length === 0) return roundRate(o.startRatePerSec);
    if (lower !== null && upper !== null) {
      if (upper - lower <= o.precisionPerSec) {
        stopReason = `bracket ${fmt(lower)}–${fmt(upper)} req/s is within the precision of ${fmt(o.precisionPerSec)} req/s`;
        return null;
      }
      const mid = (lower + upper) / 2;
      // Rounding to 3 significant figures must not land on a bracket end (an endless loop).
      const r = roundRate(mid);
      return r > lower && r < upper ? r : mid;
    }
    if (upper === null) return roundRate((lower as number) * 2);
    const down = roundRate(upper / 2);
    if (down < minRate) {
      stopReason = `the objectives failed even at ${fmt(upper)} req/s; not searching below ${fmt(minRate)} req/s`;
      return null;
    }
    return down;
  };

  return {
    next,
    record(ratePerSec, held, level) {
      trials.push({ ratePerSec, held, level });
      if (held) lower = lower === null ? ratePerSec : Math.max(lower, ratePerSec);
      else upper = upper === null ? ratePerSec : Math.min(upper, ratePerSec);
      if (lower !== null && upper !== null && lower >= upper) {
        // A rate held above one that failed: noise at the boundary. Keep the tighter, honest reading.
        stopReason = `not monotone: the objectives held at ${fmt(lower)} req/s but failed at ${fmt(upper)} req/s (run-to-run noise near the boundary); rerun with more requests per trial`;
      }
    },
    result() {
      const monotone = lower === null || upper === null || lower < upper;
      const rate = lower;
      const width = lower !== null && upper !== null ? upper - lower : null;
      const note = [
        stopReason ?? 'search not finished',
        rate === null
          ? 'no rate tried met the objectives'
          : upper === null
            ? `the objectives held at every rate tried; the answer is at least ${fmt(rate)} req/s`
            : monotone
              ? `the answer lies in [${fmt(rate)}, ${fmt(upper)}) req/s (width ${fmt(width as number)})`
              : `reporting the highest rate that held, ${fmt(rate)} req/s, with the failure at ${fmt(upper)} req/s below it`,
        'each trial is one run: its own run-to-run noise is not in this interval (repeat the search, or use more requests per trial, to see it)',
      ].join('; ');
      return { rate, lower, upper, precisionPerSec: o.precisionPerSec, trials: [...trials], note };
    },
  };
}

function fmt(r: number): string {
  return String(roundRate(r));
}
