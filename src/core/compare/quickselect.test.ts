import { describe, expect, it } from 'vitest';
import { createRng } from '../arrival/rng.js';
import { exactQuantile } from '../metrics/histogram.js';
import { nthElement, quantilesInPlace } from './quickselect.js';

/** Random arrays of the shapes that break selection: ties, sorted, reversed, tiny. */
function cases(): Float64Array[] {
  const rng = createRng(11);
  const out: Float64Array[] = [];
  for (const n of [1, 2, 3, 5, 16, 17, 100, 1001]) {
    out.push(Float64Array.from({ length: n }, () => rng.next() * 100));
    out.push(Float64Array.from({ length: n }, () => rng.int(3))); // many ties
    out.push(Float64Array.from({ length: n }, (_, i) => i));
    out.push(Float64Array.from({ length: n }, (_, i) => n - i));
  }
  out.push(new Float64Array(500).fill(7));
  return out;
}

const QS = [0, 0.01, 0.5, 0.9, 0.99, 1];

describe('nthElement and quantilesInPlace', () => {
  it('put the k-th smallest at k with smaller values before and larger after', () => {
    for (const a of cases()) {
      const sorted = Float64Array.from(a).sort();
      for (const k of new Set([0, a.length >> 1, a.length - 1])) {
        const b = Float64Array.from(a);
        nthElement(b, k);
        expect(b[k]).toBe(sorted[k]);
        expect(b.subarray(0, k).every((v) => v <= b[k]!)).toBe(true);
        expect(b.subarray(k + 1).every((v) => v >= b[k]!)).toBe(true);
      }
    }
  });

  it("give numpy's linear-interpolation percentiles, the run summary's own", () => {
    for (const a of cases()) {
      const got = quantilesInPlace(Float64Array.from(a), a.length, QS);
      QS.forEach((q, i) => expect(got[i]).toBeCloseTo(exactQuantile([...a], q), 9));
    }
    expect(quantilesInPlace(new Float64Array(0), 0, [0.5])).toEqual([NaN]);
  });
});
