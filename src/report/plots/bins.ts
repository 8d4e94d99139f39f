/** One histogram bar: the values v with start <= v < end (the last bin also holds v = end). */
export interface Bin {
  start: number;
  end: number;
  count: number;
}

export interface Binned {
  bins: Bin[];
  /** Bin width. */
  step: number;
  /** Values left out below `lo` and above `hi` (a tail cut off so the bulk stays readable). */
  below: number;
  above: number;
}

/**
 * The smallest "round" bin width (1, 2, 2.5 or 5 times a power of ten) that covers `span` in at most
 * `maxBins` bins: bin edges then fall on numbers a reader can say (50.5 ms, not 50.4137 ms).
 */
export function niceStep(span: number, maxBins: number): number {
  if (!(span > 0) || !Number.isFinite(span)) return 1;
  const raw = span / Math.max(1, maxBins);
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 2.5, 5, 10]) {
    if (m * power >= raw * (1 - 1e-12)) return m * power;
  }
  return 10 * power;
}

/**
 * Count values into round-width bins over [lo, hi] (default: the data's range). The first bin starts
 * at a multiple of the step at or below lo, so edges are round too. Values outside [lo, hi] are
 * counted in `below` / `above` rather than silently dropped, so a chart can say what it left out.
 * Non-finite values are ignored. All-equal values get one bin of a round width around them.
 */
export function binValues(values: readonly number[], opts: { maxBins?: number; lo?: number; hi?: number } = {}): Binned {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return { bins: [], step: 1, below: 0, above: 0 };
  let min = Infinity;
  let max = -Infinity;
  for (const v of finite) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const lo = opts.lo ?? min;
  const hi = Math.max(opts.hi ?? max, lo);
  const maxBins = opts.maxBins ?? 40;
  const step = hi > lo ? niceStep(hi - lo, maxBins) : niceStep(Math.abs(lo) || 1, 10);
  const first = Math.floor(lo / step + 1e-9) * step;
  // Enough bins to reach hi, and at least one; hi on an edge closes the last bin rather than opening a new one.
  const n = Math.max(1, Math.ceil((hi - first) / step - 1e-9));
  const bins: Bin[] = Array.from({ length: n }, (_, i) => ({ start: round(first + i * step), end: round(first + (i + 1) * step), count: 0 }));
  let below = 0;
  let above = 0;
  for (const v of finite) {
    if (v < lo) below++;
    else if (v > hi) above++;
    else {
      // The epsilon keeps a value that sits on an edge (0.3 with step 0.1) from falling one bin short.
      const i = Math.min(n - 1, Math.max(0, Math.floor((v - first) / step + 1e-9)));
      (bins[i] as Bin).count++;
    }
  }
  return { bins, step, below, above };
}

/** Edges as a reader would write them: 0.3, not 0.30000000000000004. */
function round(v: number): number {
  return Number(v.toPrecision(12));
}
