/**
 * Length specs: how `--input-tokens`, `--output-tokens` (and later think times) say "how many".
 *
 *   1024                 fixed
 *   512:2048             uniform integer in [512, 2048], both ends included
 *   normal:1024,256      Normal(mean 1024, sd 256), rounded
 *   lognormal:1024,0.5   log-normal with MEAN 1024 and log-space sigma 0.5: ln X ~ Normal(mu, sigma²)
 *                        with mu = ln(1024) - sigma²/2, so that E[X] = exp(mu + sigma²/2) = 1024.
 *                        (ShareGPT's prompt lengths are roughly log-normal with sigma near 1.)
 *
 * Every draw is rounded to an integer and clamped to at least `min` (1 for token counts): a normal's
 * left tail would otherwise ask for zero or negative tokens. Clamping moves the mean up slightly when
 * the spread is wide (for normal:100,100 about +8 %); the record keeps every drawn value.
 */
import type { Rng } from '../arrival/rng.js';
import { sampleStandardNormal } from './synthetic-words.js';

export type LengthSpec =
  | { kind: 'fixed'; value: number }
  | { kind: 'uniform'; min: number; max: number }
  | { kind: 'normal'; mean: number; sd: number }
  | { kind: 'lognormal'; mean: number; sigma: number };

/** The syntax, for --help and error messages. */
export const LENGTH_SPEC_SYNTAX = 'N, MIN:MAX (uniform), normal:MEAN,SD or lognormal:MEAN,SIGMA';

const NUMBER = /^\d+(\.\d+)?$/;

/** Parse a spec; returns a message instead when it is not one. `min` is the smallest value allowed. */
export function parseLengthSpec(raw: string, min = 1): LengthSpec | { error: string } {
  const s = raw.trim();
  const bad = { error: `"${raw}" is not a length: use ${LENGTH_SPEC_SYNTAX}` };
  if (/^\d+$/.test(s)) {
    const value = Number(s);
    return value >= min && Number.isSafeInteger(value) ? { kind: 'fixed', value } : { error: `must be a whole number >= ${min}, got ${raw}` };
  }
  const range = /^(\d+):(\d+)$/.exec(s);
  if (range) {
    const lo = Number(range[1]);
    const hi = Number(range[2]);
    if (lo < min || hi < lo) return { error: `range ${raw} must be MIN:MAX with ${min} <= MIN <= MAX` };
    return lo === hi ? { kind: 'fixed', value: lo } : { kind: 'uniform', min: lo, max: hi };
  }
  const dist = /^(normal|lognormal):([^,]+),(.+)$/.exec(s);
  if (!dist) return bad;
  const [, kind, a, b] = dist as unknown as [string, 'normal' | 'lognormal', string, string];
  if (!NUMBER.test(a) || !NUMBER.test(b)) return bad;
  const mean = Number(a);
  const spread = Number(b);
  if (mean < min) return { error: `${kind} mean must be >= ${min}, got ${a}` };
  if (kind === 'normal') return spread === 0 ? { kind: 'fixed', value: Math.round(mean) } : { kind, mean, sd: spread };
  if (spread > 5) return { error: `lognormal sigma ${b} is too wide (at most 5)` };
  return spread === 0 ? { kind: 'fixed', value: Math.round(mean) } : { kind, mean, sigma: spread };
}

/**
 * vLLM's `--random-range-ratio R` around a length L: uniform over [floor(L·(1-R)), ceil(L·(1+R))],
 * as vLLM's random dataset draws it (R in [0, 1)).
 */
export function rangeRatioSpec(length: number, ratio: number, min = 1): LengthSpec {
  if (ratio === 0) return { kind: 'fixed', value: length };
  const lo = Math.max(min, Math.floor(length * (1 - ratio)));
  const hi = Math.max(lo, Math.ceil(length * (1 + ratio)));
  return lo === hi ? { kind: 'fixed', value: lo } : { kind: 'uniform', min: lo, max: hi };
}

/** One draw, rounded and clamped to >= min. A fixed spec uses no randomness (the rng is not advanced). */
export function sampleLength(spec: LengthSpec, rng: Rng, min = 1): number {
  let x: number;
  switch (spec.kind) {
    case 'fixed':
      return spec.value;
    case 'uniform':
      x = spec.min + rng.int(spec.max - spec.min + 1);
      break;
    case 'normal':
      x = spec.mean + spec.sd * sampleStandardNormal(rng);
      break;
    case 'lognormal': {
      const mu = Math.log(spec.mean) - (spec.sigma * spec.sigma) / 2;
      x = Math.exp(mu + spec.sigma * sampleStandardNormal(rng));
      break;
    }
  }
  return Math.max(min, Math.round(x));
}

/** The spec written back in its own syntax (summary.json, compare's workload check). */
export function formatLengthSpec(spec: LengthSpec): string {
  switch (spec.kind) {
    case 'fixed':
      return String(spec.value);
    case 'uniform':
      return `${spec.min}:${spec.max}`;
    case 'normal':
      return `normal:${spec.mean},${spec.sd}`;
    case 'lognormal':
      return `lognormal:${spec.mean},${spec.sigma}`;
  }
}

/** The spec's mean (before clamping), for messages and the table. */
export function lengthSpecMean(spec: LengthSpec): number {
  switch (spec.kind) {
    case 'fixed':
      return spec.value;
    case 'uniform':
      return (spec.min + spec.max) / 2;
    case 'normal':
    case 'lognormal':
      return spec.mean;
  }
}
