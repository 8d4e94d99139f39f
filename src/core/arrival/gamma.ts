import { sampleStandardNormal } from '../prompts/synthetic-words.js';
import type { Rng } from './rng.js';

/**
 * One draw from Gamma(shape k, scale 1), by Marsaglia and Tsang's method (ACM TOMS 26(3), 2000):
 * for k >= 1, with d = k - 1/3 and c = 1/sqrt(9d), take x ~ N(0, 1) and v = (1 + cx)^3; accept d·v
 * when v > 0 and ln U < x²/2 + d(1 - v + ln v) (a cheap squeeze, U < 1 - 0.0331x⁴, accepts most
 * draws first). For k < 1, Gamma(k) = Gamma(k + 1) · U^(1/k). Mean k, variance k.
 */
export function sampleGamma(rng: Rng, shape: number): number {
  if (!(shape > 0) || !Number.isFinite(shape)) throw new RangeError(`gamma shape must be a finite number > 0, got ${shape}`);
  if (shape < 1) {
    const u = 1 - rng.next(); // in (0, 1]
    return sampleGamma(rng, shape + 1) * u ** (1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = sampleStandardNormal(rng);
    const t = 1 + c * x;
    if (t <= 0) continue;
    const v = t * t * t;
    const u = 1 - rng.next();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}
