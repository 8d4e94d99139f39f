/**
 * Which of n items to draw when at most `max` may be: all of them when they fit, else every k-th
 * (k chosen so the stride plus the kept ones fit in max) together with every index in `keep` (the
 * frontier, the slowest requests: the points a reader must not lose). Deterministic, so a re-plot
 * of the same run draws the same points, and sorted ascending.
 */
export function sampleIndices(n: number, max: number, keep: Iterable<number> = []): { indices: number[]; stride: number } {
  if (n <= max) return { indices: Array.from({ length: n }, (_, i) => i), stride: 1 };
  const kept = new Set<number>();
  for (const i of keep) if (i >= 0 && i < n) kept.add(i);
  const room = Math.max(1, max - kept.size);
  const stride = Math.ceil(n / room);
  for (let i = 0; i < n; i += stride) kept.add(i);
  return { indices: [...kept].sort((a, b) => a - b), stride };
}

/**
 * Indices of the `count` largest values (ties: the earlier index), e.g. the slowest requests, which a
 * sampled timeline must still show. Non-finite and null values are never chosen.
 */
export function indicesOfLargest(values: readonly (number | null)[], count: number): number[] {
  const idx: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== null && v !== undefined && Number.isFinite(v)) idx.push(i);
  }
  idx.sort((a, b) => (values[b] as number) - (values[a] as number) || a - b);
  return idx.slice(0, Math.max(0, count));
}
