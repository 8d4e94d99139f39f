import { describe, expect, it } from 'vitest';
import { createRng } from '../arrival/rng.js';
import { exactQuantile } from '../metrics/histogram.js';
import { createSortedColumn, weightedQuantiles } from './sorted-column.js';

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

describe('weightedQuantiles (the sorted-sample trick)', () => {
  it('equals the percentiles and sum of the multiset the counts describe', () => {
    const rng = createRng(5);
    for (const a of cases()) {
      // NaNs are "no value": they must be left out of the column.
      const values = Float64Array.from(a, (v, i) => (i % 7 === 3 ? NaN : v));
      const col = createSortedColumn(values);
      for (let trial = 0; trial < 5; trial++) {
        const counts = Int32Array.from(values, () => rng.int(4));
        const multiset: number[] = [];
        values.forEach((v, i) => {
          if (v === v) for (let c = 0; c < counts[i]!; c++) multiset.push(v);
        });
        const out = new Float64Array(QS.length);
        const sum = weightedQuantiles(col, counts, multiset.length, QS, out);
        expect(sum).toBeCloseTo(multiset.reduce((s, v) => s + v, 0), 6);
        QS.forEach((q, i) => {
          if (multiset.length === 0) expect(out[i]).toBeNaN();
          else expect(out[i]).toBeCloseTo(exactQuantile(multiset, q), 9);
        });
      }
    }
  });
});
