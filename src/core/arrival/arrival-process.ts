import { sampleGamma } from './gamma.js';
import type { ArrivalLimits } from './poisson.js';
import { profileDurationSec, timeOfArrivals, type RateProfile } from './rate-profile.js';
import type { Rng } from './rng.js';

/**
 * The shape of the gaps between arrivals (--arrival), each with mean 1 in operational time (one
 * expected arrival), scaled by the rate:
 *
 *   poisson   Exponential(1): gap = −ln(U). Memoryless; coefficient of variation (CV) 1.
 *   gamma     Gamma(shape B, scale 1/B), B = --burstiness. At rate r that is Gamma(B, 1/(r·B)),
 *             vLLM's `--burstiness` exactly (and AIPerf's `--arrival-smoothness`): mean 1/r, CV 1/√B.
 *             B = 1 is Poisson; B < 1 burstier (clumps and lulls); B > 1 smoother.
 *   constant  exactly 1: evenly spaced arrivals, CV 0.
 */
export type ArrivalProcess = { kind: 'poisson' } | { kind: 'gamma'; burstiness: number } | { kind: 'constant' };

export const ARRIVAL_KINDS = ['poisson', 'gamma', 'constant'] as const;

/** One gap of mean 1. */
export function unitGap(rng: Rng, p: ArrivalProcess): number {
  switch (p.kind) {
    case 'poisson':
      return -Math.log(1 - rng.next());
    case 'gamma':
      return sampleGamma(rng, p.burstiness) / p.burstiness;
    case 'constant':
      return 1;
  }
}

/**
 * Intended send offsets (ms from the start) for a gap shape under a rate profile. The first arrival
 * is at 0 (as vLLM's and GuideLLM's clients send); every later one is at Λ⁻¹(τₖ) with τₖ the running
 * sum of unit gaps (see rate-profile.ts), computed from τ afresh each time, so nothing drifts. A
 * constant rate takes the direct path, gap × 1000/rate, which for Poisson is poissonOffsets'
 * arithmetic exactly (the same seed gives the same schedule as before arrival processes existed).
 * Arrivals stop at `maxCount`, at `maxDurationMs`, or at the profile's end.
 */
export function* arrivalOffsets(rng: Rng, process: ArrivalProcess, profile: RateProfile, limits: ArrivalLimits): Generator<number> {
  const end = profileDurationSec(profile);
  const maxMs = Math.min(limits.maxDurationMs ?? Infinity, end === undefined ? Infinity : end * 1000);
  if (profile.kind === 'constant') {
    if (!(profile.ratePerSec > 0)) throw new RangeError(`rate must be > 0, got ${profile.ratePerSec}`);
    const meanGapMs = 1000 / profile.ratePerSec;
    let t = 0;
    for (let i = 0; i < limits.maxCount; i++) {
      if (i > 0 && meanGapMs !== 0) t += process.kind === 'poisson' ? -Math.log(1 - rng.next()) * meanGapMs : unitGap(rng, process) * meanGapMs;
      if (t >= maxMs) return;
      yield t;
    }
    return;
  }
  let tau = 0;
  for (let i = 0; i < limits.maxCount; i++) {
    if (i > 0) tau += unitGap(rng, process);
    const t = timeOfArrivals(profile, tau) * 1000;
    if (!(t < maxMs)) return;
    yield t;
  }
}

/**
 * How many arrivals a profile of finite length can bring, with room to spare: the expected count
 * plus 8 standard deviations (a renewal count's variance is about Λ·CV²), plus 10. Used as the
 * request budget when --stages or --ramp-up is given without --total_requests.
 */
export function arrivalBudget(expected: number, process: ArrivalProcess): number {
  const cv2 = process.kind === 'gamma' ? 1 / process.burstiness : process.kind === 'constant' ? 0 : 1;
  return Math.ceil(expected + 8 * Math.sqrt(expected * Math.max(cv2, 0.01)) + 10);
}
