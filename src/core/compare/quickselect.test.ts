import { describe, expect, it } from 'vitest';
import { awkwardArrays } from '../../../test/helpers/awkward-arrays.js';
import { exactQuantile } from '../metrics/histogram.js';
import { nthElement, quantilesInPlace } from './quickselect.js';

const cases = awkwardArrays;

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
