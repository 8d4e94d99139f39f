import { exactQuantile } from '../../core/metrics/histogram.js';
import { binValues } from '../plots/bins.js';
import { extent } from '../plots/extent.js';
import { noDataLayer, type ChartLayer } from './chart.js';
import { formatCount, formatMs, formatNumber } from './format.js';
import { COLOR } from './theme.js';

/** What a distribution chart shows: the metric's name, its axis title and the bar colour. */
export interface DistributionLook {
  /** Short name for notes and legend entries: "TTFT", "schedule lag". */
  name: string;
  axisTitle: string;
  color: string;
  /** Said instead of a chart when there are no values. */
  noData: string;
}

/**
 * A tail this much longer than the p99 is cut from the histogram (and counted in a note): one 30 s
 * outlier would otherwise squeeze every other request into a single bar.
 */
const TAIL_CUT_RATIO = 4;
const PERCENTILES = [
  { name: 'p50', q: 0.5, color: COLOR.green, dash: [1, 0] },
  { name: 'p90', q: 0.9, color: COLOR.orange, dash: [7, 4] },
  { name: 'p99', q: 0.99, color: COLOR.vermillion, dash: [2, 3] },
] as const;

/**
 * A histogram of one per-request metric in milliseconds, with p50, p90 and p99 drawn as vertical
 * lines whose values are in the legend (labels on the plot would collide when percentiles sit close
 * together, as they do for a steady server). Bars are pre-binned here, so the chart carries at most
 * ~40 rows whatever the number of requests.
 */
export function distributionLayers(values: readonly number[], look: DistributionLook): { layer: ChartLayer[]; notes: string[] } {
  if (values.length === 0) return { layer: [noDataLayer(look.noData)], notes: [] };
  const notes: string[] = [];
  const p = PERCENTILES.map((pc) => ({ ...pc, value: exactQuantile(values as number[], pc.q) }));
  const p99 = (p[2] as { value: number }).value;
  const max = extent(values, (v) => v).max;
  const cut = values.length >= 20 && max > TAIL_CUT_RATIO * p99 && p99 > 0;
  // The axis ends at the largest value kept, not at the cut: no stretch of empty bins.
  const limit = p99 * 1.5;
  const binned = binValues(values, cut ? { hi: extent(values, (v) => (v <= limit ? v : NaN)).max } : {});
  if (binned.above) notes.push(`${formatCount(binned.above)} above ${formatMs(limit)} not drawn (1.5 × p99; max ${formatMs(max)})`);

  const legend = p.map((pc) => `${pc.name} ${formatMs(pc.value)}`);
  const bars: ChartLayer = {
    data: { values: binned.bins },
    mark: { type: 'rect', color: look.color, opacity: 0.8, stroke: 'white', strokeWidth: 0.5 },
    encoding: {
      x: { field: 'start', type: 'quantitative', title: look.axisTitle, scale: { zero: false, nice: false } },
      x2: { field: 'end' },
      y: { field: 'count', type: 'quantitative', title: `requests per ${formatNumber(binned.step)} ms bin` },
      tooltip: [
        { field: 'start', type: 'quantitative', title: `from (ms)`, format: ',.3~f' },
        { field: 'end', type: 'quantitative', title: `to (ms)`, format: ',.3~f' },
        { field: 'count', type: 'quantitative', title: 'requests' },
      ],
    },
  };
  const lines: ChartLayer = {
    data: { values: p.map((pc, i) => ({ value: pc.value, series: legend[i] })) },
    mark: { type: 'rule', strokeWidth: 2.5 },
    encoding: {
      x: { field: 'value', type: 'quantitative' },
      color: { field: 'series', type: 'nominal', title: null, scale: { domain: legend, range: p.map((pc) => pc.color) } },
      strokeDash: { field: 'series', type: 'nominal', title: null, scale: { domain: legend, range: p.map((pc) => [...pc.dash]) } },
      tooltip: [{ field: 'series', type: 'nominal', title: look.name }],
    },
  };
  return { layer: [bars, lines], notes };
}
