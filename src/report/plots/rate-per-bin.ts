/** Events in [startS, endS), as a rate per second (count / (endS - startS)). */
export interface RateBin {
  startS: number;
  endS: number;
  count: number;
  ratePerSec: number;
}

/** Bin widths a reader counts in: tenths of a second for short runs, then seconds and minutes. */
const BIN_WIDTHS_S = [0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600];
/** Below this many one-second bins, the bins get shorter so the chart has a shape at all. */
const MIN_BINS = 10;

/**
 * Events per time bin as a rate. One-second bins when the span has between MIN_BINS and `maxBins` of
 * them; a shorter round width for a run of a few seconds, a longer one for a long run (a three-hour
 * run gets 30 s bars rather than 10,800 hairlines). Bins cover [0, spanMs]; the last one ends at the
 * span and its rate is over the part it covers, so a run that stops mid-second is not made to look
 * slow. An event at exactly spanMs counts in the last bin.
 */
export function ratePerBin(timesMs: readonly number[], spanMs: number, maxBins = 600): { binS: number; bins: RateBin[] } {
  const spanS = Math.max(spanMs, 1) / 1000;
  const binS =
    spanS < MIN_BINS
      ? ([...BIN_WIDTHS_S].reverse().find((w) => w <= 1 && spanS / w >= MIN_BINS) ?? 0.1)
      : (BIN_WIDTHS_S.find((w) => w >= 1 && Math.ceil(spanS / w) <= maxBins) ?? Math.ceil(spanS / maxBins));
  const n = Math.max(1, Math.ceil(spanS / binS - 1e-9));
  const counts = new Array<number>(n).fill(0);
  for (const t of timesMs) {
    if (!Number.isFinite(t) || t < 0) continue;
    // The epsilon keeps an event on a bin edge (0.6 s with 0.2 s bins) from falling one bin short.
    const i = Math.min(n - 1, Math.floor(t / 1000 / binS + 1e-9));
    counts[i] = (counts[i] as number) + 1;
  }
  return {
    binS,
    bins: counts.map((count, i) => {
      const startS = round(i * binS);
      const endS = i === n - 1 ? spanS : round((i + 1) * binS);
      return { startS, endS, count, ratePerSec: count / (endS - startS) };
    }),
  };
}

function round(v: number): number {
  return Number(v.toPrecision(12));
}
