/**
 * The sorted-sample trick behind the bootstrap's speed. A resample of n requests drawn with
 * replacement is the same thing as a count per request (how many times it was drawn). With each
 * metric's values sorted once, up front, any percentile of a resample is found by walking the sorted
 * values and adding up the counts until the percentile's rank is reached: O(n) per resample for all
 * percentiles and the mean together, with no copying, partitioning or sorting per resample.
 */

/** One metric's values in ascending order, with the request each came from. */
export interface SortedColumn {
  /** `requestOf[r]` is the index of the request with the r-th smallest value. */
  requestOf: Int32Array;
  values: Float64Array;
}

/** Sort the values that exist (NaN means "this request has none"). */
export function createSortedColumn(values: Float64Array): SortedColumn {
  const present: number[] = [];
  for (let i = 0; i < values.length; i++) if (values[i] === values[i]) present.push(i);
  const requestOf = Int32Array.from(present).sort((x, y) => values[x]! - values[y]! || x - y);
  return { requestOf, values: Float64Array.from(requestOf, (i) => values[i]!) };
}

/**
 * Quantiles `qs` (ascending) of the multiset in which request i appears `counts[i]` times, written to
 * `out`, by linear interpolation between order statistics (numpy's default, as the run summary
 * uses): rank q·(N-1), where N, the multiset's size, is `total` (the caller tallied it). Returns
 * the multiset's sum, for the mean. NaNs when it is empty.
 */
export function weightedQuantiles(col: SortedColumn, counts: Uint16Array | Int32Array, total: number, qs: readonly number[], out: Float64Array): number {
  const m = col.requestOf.length;
  let sum = 0;
  out.fill(NaN, 0, qs.length);
  if (total === 0) return 0;
  let j = 0;
  let pos = qs[0]! * (total - 1);
  let rank = Math.floor(pos);
  // Ranks 0 .. seen-1 are behind us; the last of them held `last`.
  let seen = 0;
  let last = NaN;
  for (let r = 0; r < m; r++) {
    const c = counts[col.requestOf[r]!]!;
    if (c === 0) continue;
    const v = col.values[r]!;
    sum += c * v;
    while (j < qs.length) {
      const frac = pos - rank;
      if (rank < seen) {
        // The rank-th value was the last one behind us; it waited for this one to interpolate to.
        out[j] = last + frac * (v - last);
      } else if (rank < seen + c) {
        // Ranks seen .. seen+c-1 all hold v; so does the next rank, unless rank is the last of them.
        if (frac === 0 || rank + 1 < seen + c) out[j] = v;
        else break;
      } else break;
      j++;
      if (j < qs.length) {
        pos = qs[j]! * (total - 1);
        rank = Math.floor(pos);
      }
    }
    seen += c;
    last = v;
  }
  return sum;
}
