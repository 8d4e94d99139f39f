import { extent } from '../plots/extent.js';
import { inFlightSteps, maxPerBin } from '../plots/in-flight.js';
import { noDataLayer, type ChartBuilder, type ChartLayer } from './chart.js';
import { formatCount, formatMs } from './format.js';
import { COLOR } from './theme.js';

/** Past this many steps the series is folded into per-bin maxima (2,000 bins over the run). */
const MAX_STEPS = 4000;
const FOLDED_BINS = 2000;

/**
 * Requests in flight over time as the client saw them (sent until the response ended), against the
 * concurrency cap. A line pinned at the cap means the cap, not the arrival rate, set the load: the
 * server never saw more, and requests queued in the client (see the schedule lag chart).
 */
export const inFlightChart: ChartBuilder = (run) => {
  const title = 'Requests in flight';
  const notes: string[] = [];
  if (run.requests.length === 0) return { title, notes, layer: [noDataLayer('No request was sent')] };
  let steps = inFlightSteps(run.requests.map((r) => ({ startMs: r.sentAtMs, endMs: r.endAtMs })));
  if (steps.length > MAX_STEPS) {
    const last = steps[steps.length - 1]?.tMs ?? 0;
    const binMs = Math.max(1, last / FOLDED_BINS);
    steps = maxPerBin(steps, binMs);
    notes.push(`highest count in each ${formatMs(binMs)} interval (${formatCount(FOLDED_BINS)} intervals)`);
  }
  const peak = extent(steps, (s) => s.count).max;
  const cap = run.result.config.maxConcurrency;
  const seriesLine = `in flight (peak ${formatCount(peak)})`;
  const seriesCap = `concurrency cap (${formatCount(cap)})`;
  // A cap far above anything reached would flatten the line to the floor: name it instead of drawing it.
  const drawCap = cap <= peak * 3;
  if (!drawCap) notes.push(`concurrency cap ${formatCount(cap)}, far above the peak: not drawn`);
  const domain = drawCap ? [seriesLine, seriesCap] : [seriesLine];
  const color = { field: 'series', type: 'nominal', title: null, scale: { domain, range: [COLOR.blue, COLOR.vermillion] } } as const;
  const x = { field: 'tS', type: 'quantitative', title: 'time since the run started (s)', scale: { nice: false } } as const;
  const y = { field: 'count', type: 'quantitative', title: 'requests in flight', axis: { tickMinStep: 1 } } as const;
  const layer: ChartLayer[] = [
    {
      data: { values: steps.map((s) => ({ tS: s.tMs / 1000, count: s.count, series: seriesLine })) },
      mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.8 },
      encoding: {
        x,
        y,
        color,
        tooltip: [
          { field: 'tS', type: 'quantitative', title: 'time (s)', format: '.3f' },
          { field: 'count', type: 'quantitative', title: 'in flight' },
        ],
      },
    },
  ];
  if (drawCap) {
    layer.push({
      data: { values: [{ count: cap, series: seriesCap }] },
      mark: { type: 'rule', strokeWidth: 2, strokeDash: [7, 4] },
      encoding: { y: { field: 'count', type: 'quantitative' }, color },
    });
  }
  return { title, notes, layer };
};
