import { cdfFromValues, type CdfPoint } from '../plots/cdf.js';
import { noDataLayer, type ChartBuilder, type ChartLayer } from './chart.js';
import { formatCount, formatMs } from './format.js';
import { COLOR } from './theme.js';

/** The x axis ends at this level of the longer-tailed curve; beyond it is a handful of outliers. */
const X_END_LEVEL = 0.999;

/**
 * Cumulative distributions of inter-token latency (every gap between content chunks of successful
 * requests) and TPOT (one value per request: (latency - TTFT) / (output tokens - 1)). Read across at
 * 0.9 for the p90, and so on. Both need two or more output tokens: a run of one-token answers has
 * neither, and the chart says so. The ITL curve is built while reading the run (see SavedRun.itl),
 * so its cost does not grow with the number of tokens.
 */
export const itlTpotChart: ChartBuilder = (run) => {
  const title = 'Inter-token latency (ITL) and time per output token (TPOT)';
  const notes: string[] = [];
  const tpotValues: number[] = [];
  for (const r of run.requests) if (r.ok && r.tpotMs !== null) tpotValues.push(r.tpotMs);
  const itl = run.itl;
  if (!itl && tpotValues.length === 0) {
    return {
      title,
      notes,
      layer: [noDataLayer('No ITL or TPOT: no successful response had two or more output tokens')],
    };
  }
  const curves: { series: string; color: string; points: CdfPoint[] }[] = [];
  if (itl) curves.push({ series: `ITL: gaps between chunks (${formatCount(itl.count)})`, color: COLOR.blue, points: itl.points });
  if (tpotValues.length) curves.push({ series: `TPOT: per request (${formatCount(tpotValues.length)})`, color: COLOR.orange, points: cdfFromValues(tpotValues) });
  if (itl && !itl.exact) notes.push(`ITL from a bounded histogram of ${formatCount(itl.count)} gaps: levels within 0.5 %`);

  const valueAt = (pts: CdfPoint[], q: number): number => pts.find((p) => p.fraction >= q)?.value ?? NaN;
  const xEnd = Math.max(...curves.map((c) => valueAt(c.points, X_END_LEVEL)));
  const xMax = Math.max(...curves.map((c) => valueAt(c.points, 1)));
  if (xMax > xEnd * 1.05) notes.push(`x axis ends at the 99.9th percentile (${formatMs(xEnd)}); the longest is ${formatMs(xMax)}`);

  const values = curves.flatMap((c) =>
    c.points.filter((p) => p.value <= xEnd).map((p) => ({ valueMs: p.value, fraction: p.fraction, series: c.series })),
  );
  const layer: ChartLayer[] = [
    {
      data: { values },
      mark: { type: 'line', strokeWidth: 2.5, interpolate: 'linear' },
      encoding: {
        x: { field: 'valueMs', type: 'quantitative', title: 'milliseconds', scale: { domain: [0, xEnd], nice: false } },
        y: {
          field: 'fraction',
          type: 'quantitative',
          title: 'fraction at or below',
          scale: { domain: [0, 1] },
          axis: { format: '.0%', values: [0, 0.25, 0.5, 0.75, 0.9, 1] },
        },
        color: { field: 'series', type: 'nominal', title: null, scale: { domain: curves.map((c) => c.series), range: curves.map((c) => c.color) } },
        tooltip: [
          { field: 'series', type: 'nominal', title: 'metric' },
          { field: 'valueMs', type: 'quantitative', title: 'ms', format: ',.3f' },
          { field: 'fraction', type: 'quantitative', title: 'fraction at or below', format: '.2%' },
        ],
      },
    },
  ];
  return { title, notes, layer };
};
