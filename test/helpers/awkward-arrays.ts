import { createRng } from '../../src/core/arrival/rng.js';

/** Arrays of the shapes that break selection and sorting tricks: ties, sorted, reversed, tiny, constant. */
export function awkwardArrays(): Float64Array[] {
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
