/**
 * How the arrival rate changes over a run: constant (--rate), a ramp from R0 to R1 over the run's
 * duration (--ramp-up linear|exponential, vLLM's), or steps of rate:seconds (--stages, inference-perf's).
 *
 * Arrivals under a changing rate are drawn by a time change, exactly: with λ(t) the rate and
 * Λ(t) = ∫₀ᵗ λ(s) ds the expected number of arrivals by t, a process of unit rate in "operational
 * time" τ is mapped to real time by t = Λ⁻¹(τ). For Poisson arrivals this is the textbook construction
 * of the inhomogeneous Poisson process (no per-step approximation, no thinning rejects); for gamma and
 * constant gaps it keeps their shape (burstiness, evenness) while the rate follows λ(t).
 *
 *   linear      λ(t) = R0 + (R1 − R0)·t/D        Λ(t) = R0·t + (R1 − R0)·t²/(2D)
 *                Λ⁻¹(τ) = 2τ / (R0 + √(R0² + 2τ(R1 − R0)/D))   (the stable root of the quadratic)
 *   exponential λ(t) = R0·e^(kt), k = ln(R1/R0)/D   Λ(t) = R0·(e^(kt) − 1)/k    Λ⁻¹(τ) = ln(1 + kτ/R0)/k
 *   stages      λ piecewise constant: Λ piecewise linear, inverted stage by stage
 *
 * Times here are in seconds and rates per second; τ counts expected arrivals.
 */
export type RateProfile =
  | { kind: 'constant'; ratePerSec: number }
  | { kind: 'ramp'; strategy: 'linear' | 'exponential'; startPerSec: number; endPerSec: number; durationSec: number }
  | { kind: 'stages'; stages: { ratePerSec: number; durationSec: number }[] };

/** Parse `10:60,20:60,40:120` (rate:seconds, comma separated); an error message names the bad step. */
export function parseStages(raw: string): { ratePerSec: number; durationSec: number }[] | { error: string } {
  const steps = raw.split(',').map((s) => s.trim());
  const out: { ratePerSec: number; durationSec: number }[] = [];
  for (const [i, s] of steps.entries()) {
    const m = /^([0-9]*\.?[0-9]+(?:e[+-]?\d+)?):([0-9]*\.?[0-9]+(?:e[+-]?\d+)?)$/i.exec(s);
    const rate = m ? Number(m[1]) : NaN;
    const dur = m ? Number(m[2]) : NaN;
    if (!m || !(rate > 0) || !(dur > 0) || !Number.isFinite(rate) || !Number.isFinite(dur)) {
      return { error: `step ${i + 1} "${s}" is not RATE:SECONDS with both > 0 (e.g. 10:60,20:60,40:120)` };
    }
    out.push({ ratePerSec: rate, durationSec: dur });
  }
  return out;
}

/** How long the profile lasts; undefined for a constant rate (the run's --duration decides). */
export function profileDurationSec(p: RateProfile): number | undefined {
  if (p.kind === 'constant') return undefined;
  if (p.kind === 'ramp') return p.durationSec;
  return p.stages.reduce((a, s) => a + s.durationSec, 0);
}

/** λ(t), arrivals per second at t seconds (the last value past the end). */
export function rateAt(p: RateProfile, tSec: number): number {
  switch (p.kind) {
    case 'constant':
      return p.ratePerSec;
    case 'ramp': {
      const x = Math.min(1, Math.max(0, tSec / p.durationSec));
      return p.strategy === 'linear' ? p.startPerSec + (p.endPerSec - p.startPerSec) * x : p.startPerSec * (p.endPerSec / p.startPerSec) ** x;
    }
    case 'stages':
      return p.stages[stageAt(p, tSec)]!.ratePerSec;
  }
}

/** Λ(t): expected arrivals in [0, t] (t within the profile). */
export function expectedArrivals(p: RateProfile, tSec: number): number {
  switch (p.kind) {
    case 'constant':
      return p.ratePerSec * tSec;
    case 'ramp': {
      const { startPerSec: r0, endPerSec: r1, durationSec: d } = p;
      if (p.strategy === 'linear' || r0 === r1) return r0 * tSec + ((r1 - r0) * tSec * tSec) / (2 * d);
      const k = Math.log(r1 / r0) / d;
      return (r0 * Math.expm1(k * tSec)) / k;
    }
    case 'stages': {
      let n = 0;
      let start = 0;
      for (const s of p.stages) {
        if (tSec <= start + s.durationSec) return n + s.ratePerSec * (tSec - start);
        n += s.ratePerSec * s.durationSec;
        start += s.durationSec;
      }
      return n;
    }
  }
}

/** Λ⁻¹(τ): the instant (seconds) by which τ arrivals are expected; Infinity past the profile's end. */
export function timeOfArrivals(p: RateProfile, tau: number): number {
  if (tau <= 0) return 0;
  switch (p.kind) {
    case 'constant':
      return tau / p.ratePerSec;
    case 'ramp': {
      const { startPerSec: r0, endPerSec: r1, durationSec: d } = p;
      if (tau > expectedArrivals(p, d)) return Infinity;
      if (p.strategy === 'linear' || r0 === r1) {
        const disc = r0 * r0 + (2 * tau * (r1 - r0)) / d;
        return (2 * tau) / (r0 + Math.sqrt(Math.max(0, disc)));
      }
      const k = Math.log(r1 / r0) / d;
      return Math.log1p((k * tau) / r0) / k;
    }
    case 'stages': {
      let n = 0;
      let start = 0;
      for (const s of p.stages) {
        const inStage = s.ratePerSec * s.durationSec;
        if (tau <= n + inStage) return start + (tau - n) / s.ratePerSec;
        n += inStage;
        start += s.durationSec;
      }
      return Infinity;
    }
  }
}

/** Which stage t seconds falls in (stages only; 0 otherwise). A boundary belongs to the later stage. */
export function stageAt(p: RateProfile, tSec: number): number {
  if (p.kind !== 'stages') return 0;
  let start = 0;
  for (const [i, s] of p.stages.entries()) {
    start += s.durationSec;
    if (tSec < start) return i;
  }
  return p.stages.length - 1;
}

/** The profile as typed back (summary.json, the table). */
export function describeProfile(p: RateProfile): string {
  switch (p.kind) {
    case 'constant':
      return p.ratePerSec === Infinity ? 'all at once' : `${p.ratePerSec} req/s`;
    case 'ramp':
      return `${p.strategy} ramp ${p.startPerSec} -> ${p.endPerSec} req/s over ${p.durationSec} s`;
    case 'stages':
      return `stages ${p.stages.map((s) => `${s.ratePerSec}:${s.durationSec}`).join(',')} (req/s:s)`;
  }
}
