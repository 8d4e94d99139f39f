import { describe, expect, it } from 'vitest';
import { createRng } from '../arrival/rng.js';
import { awkwardArrays } from '../../../test/helpers/awkward-arrays.js';
import { exactQuantile } from '../metrics/histogram.js';
import { createSortedColumn, weightedQuantiles } from './sorted-column.js';

const cases = awkwardArrays;

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
