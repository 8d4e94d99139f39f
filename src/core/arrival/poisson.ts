import type { Rng } from './rng.js';

/** When arrivals stop: after `maxCount` requests or past `maxDurationMs`, whichever comes first. */
export interface ArrivalLimits {
  maxCount: number;
  /** Arrivals whose intended offset is at or beyond this are not generated. */
  maxDurationMs?: number;
}

/**
 * Intended send offsets (ms from the run's start) of a Poisson process with `ratePerSec` arrivals per second.
 *
 * Why exponential gaps: a Poisson process is the one whose arrivals are independent and memoryless; the
 * waiting time from any instant to the next arrival is then Exponential(rate), so a gap is
 * `-ln(U) / rate` for U uniform in (0, 1]. The offsets are the running sum of those gaps: absolute
 * times from the start, so a late timer never shifts the requests after it (no drift).
 *
 * The first request goes at offset 0 rather than after a first gap, as vLLM's and GuideLLM's
 * clients do: a run starts with work, and every later gap is still exponential. `Infinity` as
 * rate sends everything at offset 0 (a burst, limited only by the concurrency cap).
 */
export function* poissonOffsets(rng: Rng, ratePerSec: number, limits: ArrivalLimits): Generator<number> {
  if (!(ratePerSec > 0)) throw new RangeError(`rate must be > 0, got ${ratePerSec}`);
  const meanGapMs = 1000 / ratePerSec;
  let t = 0;
  for (let i = 0; i < limits.maxCount; i++) {
    if (i > 0) t += exponentialGap(rng, meanGapMs);
    if (limits.maxDurationMs !== undefined && t >= limits.maxDurationMs) return;
    yield t;
  }
}

/** One exponential gap with the given mean; 1 - U keeps the argument of log in (0, 1]. */
export function exponentialGap(rng: Rng, meanMs: number): number {
  if (!Number.isFinite(meanMs)) return meanMs;
  if (meanMs === 0) return 0;
  return -Math.log(1 - rng.next()) * meanMs;
}
