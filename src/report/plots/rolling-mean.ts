/**
 * Trailing rolling mean: the value at i is the mean of the non-null values among items i-window+1..i
 * (pandas' `rolling(window, min_periods=1).mean()` with gaps skipped). Trailing rather than centred so
 * the curve at request i uses only what had happened by request i, as a live dashboard would show it.
 * Null where the window holds no value (a stretch of failed requests). O(n).
 */
export function rollingMean(values: readonly (number | null)[], window: number): (number | null)[] {
  const w = Math.max(1, Math.floor(window));
  const out: (number | null)[] = [];
  let sum = 0;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== null && v !== undefined && Number.isFinite(v)) {
      sum += v;
      count++;
    }
    const old = i >= w ? values[i - w] : null;
    if (old !== null && old !== undefined && Number.isFinite(old)) {
      sum -= old;
      count--;
    }
    out.push(count > 0 ? sum / count : null);
  }
  return out;
}

/**
 * The window a run of n requests is smoothed over: about a twenty-fifth of the run, so drift across
 * the run shows while request-to-request noise does not, and at least 5 and at most 1,000 requests.
 */
export function defaultRollingWindow(n: number): number {
  return Math.min(1000, Math.max(5, Math.round(n / 25)));
}
