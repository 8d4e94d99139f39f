/**
 * Smallest and largest of some numbers, in one pass. `Math.min(...values)` passes every value as a
 * function argument and throws past about a hundred thousand of them: a long run has more requests
 * than that. Non-finite values are skipped; with none left, both are NaN.
 */
export function extent<T>(items: Iterable<T>, value: (item: T) => number): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (const item of items) {
    const v = value(item);
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return min <= max ? { min, max } : { min: NaN, max: NaN };
}
