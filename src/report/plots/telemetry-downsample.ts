/** One reading of a telemetry series; `value` null is a gap (a failed scrape, an unsupported figure). */
export interface SeriesPoint {
  tMs: number;
  value: number | null;
}

/**
 * A long telemetry series cut to at most `maxPoints` for drawing, keeping what a reader looks for:
 * the time range is split into maxPoints / 3 equal bins and each bin keeps its lowest and highest
 * reading (in time order, so spikes and dips survive at any zoom) and, when it had one, its first gap
 * (so a failed scrape still breaks the line). Deterministic; a series already short enough comes back
 * unchanged. An hour of 100 ms samples (36,000) becomes about 2,000 points per device.
 */
export function downsampleSeries(points: readonly SeriesPoint[], maxPoints: number): SeriesPoint[] {
  if (points.length <= maxPoints) return points.slice();
  const bins = Math.max(1, Math.floor(maxPoints / 3));
  const first = (points[0] as SeriesPoint).tMs;
  const spanMs = (points[points.length - 1] as SeriesPoint).tMs - first;
  const binOf = (tMs: number): number => (spanMs > 0 ? Math.min(bins - 1, Math.floor(((tMs - first) / spanMs) * bins)) : 0);
  const out: SeriesPoint[] = [];
  let i = 0;
  while (i < points.length) {
    const bin = binOf((points[i] as SeriesPoint).tMs);
    let minAt = -1;
    let maxAt = -1;
    let gapAt = -1;
    for (; i < points.length && binOf((points[i] as SeriesPoint).tMs) === bin; i++) {
      const v = (points[i] as SeriesPoint).value;
      if (v === null) {
        if (gapAt < 0) gapAt = i;
        continue;
      }
      if (minAt < 0 || v < ((points[minAt] as SeriesPoint).value as number)) minAt = i;
      if (maxAt < 0 || v > ((points[maxAt] as SeriesPoint).value as number)) maxAt = i;
    }
    const keep = [...new Set([minAt, maxAt, gapAt].filter((k) => k >= 0))].sort((a, b) => a - b);
    for (const k of keep) out.push(points[k] as SeriesPoint);
  }
  return out;
}
