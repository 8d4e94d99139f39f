import { extent } from '../plots/extent.js';
import { ratePerBin } from '../plots/rate-per-bin.js';
import { legendSymbols, noDataLayer, type ChartBuilder, type ChartLayer } from './chart.js';
import { formatNumber } from './format.js';
import { COLOR } from './theme.js';

/**
 * The request rate the server was offered, second by second: how many requests were sent in each
 * bin (bars), how many the Poisson schedule had due in it (line: its own randomness), and the rate
 * asked for (dashed). Sends below the schedule mean the client or its concurrency cap held requests
 * back; a schedule that scatters around the asked rate is just Poisson noise.
 */
export const requestRateChart: ChartBuilder = (run) => {
  const title = 'Request rate: achieved against asked';
  const notes: string[] = [];
  const reqs = run.requests;
  if (reqs.length === 0) return { title, notes, layer: [noDataLayer('No request was sent')] };
  const sent = reqs.map((r) => r.sentAtMs);
  const due = reqs.map((r) => r.intendedAtMs);
  const spanMs = Math.max(extent(sent, (t) => t).max, extent(due, (t) => t).max, 1);
  const sentBins = ratePerBin(sent, spanMs);
  const dueBins = ratePerBin(due, spanMs);
  const per = sentBins.binS === 1 ? 'per second' : `per ${sentBins.binS} s`;
  if (sentBins.binS !== 1) notes.push(`counted in ${sentBins.binS} s bins, shown as requests per second`);
  const asked = run.result.config.ratePerSec;
  const S = {
    sent: `sent (achieved, ${per})`,
    due: 'due by the schedule (Poisson draw)',
    asked: `asked: ${formatNumber(asked)} req/s`,
  };
  if (asked === Infinity) notes.push('rate inf: every request was due at once, so there is no asked rate to draw');
  const domain = asked === Infinity ? [S.sent, S.due] : [S.sent, S.due, S.asked];
  const color = {
    field: 'series',
    type: 'nominal',
    title: null,
    scale: { domain, range: [COLOR.sky, COLOR.blue, COLOR.vermillion] },
    legend: legendSymbols({ [S.sent]: 'square', [S.due]: 'stroke', [S.asked]: 'stroke' }),
  } as const;
  const x = { field: 'startS', type: 'quantitative', title: 'time since the run started (s)', scale: { nice: false, zero: true } } as const;
  const y = { field: 'ratePerSec', type: 'quantitative', title: 'requests per second' } as const;
  const layer: ChartLayer[] = [
    {
      data: { values: sentBins.bins.map((b) => ({ ...b, series: S.sent })) },
      // A one-pixel gap rather than a white outline: an outline would also outline the legend's symbols.
      mark: { type: 'rect', opacity: 0.75, x2Offset: -1 },
      encoding: {
        x,
        x2: { field: 'endS' },
        y,
        color,
        tooltip: [
          { field: 'startS', type: 'quantitative', title: 'from (s)' },
          { field: 'endS', type: 'quantitative', title: 'to (s)', format: '.3~f' },
          { field: 'count', type: 'quantitative', title: 'sent' },
        ],
      },
    },
    {
      // A step per bin, held to the end of the last one so it shows over the whole of it.
      data: {
        values: [...dueBins.bins.map((b) => ({ startS: b.startS, ratePerSec: b.ratePerSec })), { startS: spanMs / 1000, ratePerSec: dueBins.bins.at(-1)?.ratePerSec ?? 0 }].map((b) => ({
          ...b,
          series: S.due,
        })),
      },
      mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2 },
      encoding: { x, y, color },
    },
  ];
  if (asked !== Infinity) {
    layer.push({
      data: { values: [{ ratePerSec: asked, series: S.asked }] },
      mark: { type: 'rule', strokeWidth: 2, strokeDash: [7, 4] },
      encoding: { y: { field: 'ratePerSec', type: 'quantitative' }, color },
    });
  }
  return { title, notes, layer };
};
