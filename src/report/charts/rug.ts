import type { ChartLayer } from './chart.js';

/** Up to this many marks a rug draws one tick each; past it ticks merge into a solid band. */
const MAX_TICKS = 400;
/** A dense rug is drawn as this many intervals, shaded by how many marks fell in each. */
const DENSITY_BINS = 300;

/** A rug: where along the x axis some events fell, as a strip along the foot of the plot. */
export interface Rug {
  layer: ChartLayer;
  /** Set when the rug is shaded by density rather than one tick per event. */
  dense: boolean;
}

/**
 * A strip at the foot of a chart marking where along x some events fell (arrivals, failures): one
 * tick each while they are few; when they are many (ticks would merge into a grey bar that says
 * nothing), DENSITY_BINS intervals over [0, xEnd], each shaded by how many events it holds. The x
 * field and title must match the chart's own x so the layer shares its scale.
 */
export function rugLayer(positions: readonly number[], opts: { field: string; xEnd: number; color: string; series?: string }): Rug {
  const x = { field: opts.field, type: 'quantitative' } as const;
  const color = opts.series === undefined ? {} : { color: { datum: opts.series } };
  if (positions.length <= MAX_TICKS) {
    return {
      dense: false,
      layer: {
        data: { values: positions.map((p) => ({ [opts.field]: p })) },
        mark: { type: 'tick', orient: 'vertical', y: 'height', yOffset: -6, size: 12, thickness: 1.5, color: opts.color },
        encoding: { x, ...color },
      },
    };
  }
  const width = Math.max(opts.xEnd, 1e-9) / DENSITY_BINS;
  const counts = new Array<number>(DENSITY_BINS).fill(0);
  for (const p of positions) {
    if (!Number.isFinite(p)) continue;
    const i = Math.min(DENSITY_BINS - 1, Math.max(0, Math.floor(p / width)));
    counts[i] = (counts[i] as number) + 1;
  }
  const max = Math.max(1, ...counts);
  return {
    dense: true,
    layer: {
      data: { values: counts.map((count, i) => ({ [opts.field]: i * width, end: (i + 1) * width, count })).filter((b) => b.count > 0) },
      mark: { type: 'rect', y: 'height', yOffset: -12, height: 12, color: opts.color },
      encoding: {
        x,
        x2: { field: 'end' },
        opacity: { field: 'count', type: 'quantitative', scale: { domain: [0, max], range: [0.06, 0.95] }, legend: null },
        ...color,
      },
    },
  };
}
