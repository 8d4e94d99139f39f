/**
 * Order statistics without sorting. The bootstrap asks for a few percentiles of thousands of
 * resamples; sorting each would cost O(n log n) per resample, selection costs O(n) expected.
 */

/**
 * Rearrange `a[from..to)` in place so that `a[k]` holds the value a full sort would put there, every
 * element before it is <= it and every element after it is >= it (C++'s nth_element).
 *
 * Hoare partitioning around a median-of-three pivot: both scans stop on elements equal to the pivot,
 * so a run of ties (a fixed-latency server gives thousands) splits in the middle instead of
 * degrading to quadratic time.
 */
export function nthElement(a: Float64Array, k: number, from = 0, to = a.length): void {
  let lo = from;
  let hi = to - 1;
  while (hi > lo) {
    if (hi - lo < 16) {
      insertionSort(a, lo, hi);
      return;
    }
    const mid = (lo + hi) >>> 1;
    // Median of three, moved to `mid`; the ends then act as sentinels for the scans below.
    if (a[mid]! < a[lo]!) swap(a, mid, lo);
    if (a[hi]! < a[lo]!) swap(a, hi, lo);
    if (a[hi]! < a[mid]!) swap(a, hi, mid);
    const pivot = a[mid]!;
    let i = lo;
    let j = hi;
    for (;;) {
      do i++;
      while (a[i]! < pivot);
      do j--;
      while (a[j]! > pivot);
      if (i >= j) break;
      swap(a, i, j);
    }
    // Now a[lo..j] <= pivot <= a[j+1..hi]; keep the side that holds k.
    if (k <= j) hi = j;
    else lo = j + 1;
  }
}

/**
 * Quantiles of `a[0..length)` by linear interpolation between order statistics (numpy's default
 * "linear" method, the one the run summary uses), for `qs` in ascending order. Reorders the values.
 * Each selection works only on the part right of the previous one, so p50, p90 and p99 together
 * cost about as much as p50 alone. NaN when `length` is 0.
 */
export function quantilesInPlace(a: Float64Array, length: number, qs: readonly number[]): number[] {
  const out: number[] = [];
  let from = 0;
  for (const q of qs) {
    if (length === 0) {
      out.push(NaN);
      continue;
    }
    const pos = Math.max(0, Math.min(1, q)) * (length - 1);
    const k = Math.floor(pos);
    if (k < from) throw new RangeError('quantiles must be asked for in ascending order');
    nthElement(a, k, from, length);
    const low = a[k]!;
    const frac = pos - k;
    if (frac === 0 || k + 1 >= length) {
      out.push(low);
    } else {
      // The next order statistic is the smallest of what lies right of k.
      let next = Infinity;
      for (let i = k + 1; i < length; i++) if (a[i]! < next) next = a[i]!;
      out.push(low + frac * (next - low));
    }
    from = k;
  }
  return out;
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}

function insertionSort(a: Float64Array, lo: number, hi: number): void {
  for (let i = lo + 1; i <= hi; i++) {
    const v = a[i]!;
    let j = i - 1;
    while (j >= lo && a[j]! > v) {
      a[j + 1] = a[j]!;
      j--;
    }
    a[j + 1] = v;
  }
}
