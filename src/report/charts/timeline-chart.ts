import { extent } from '../plots/extent.js';
import { indicesOfLargest, sampleIndices } from '../plots/sample.js';
import type { RequestPoint } from '../saved-run.js';
import { legendSymbols, noDataLayer, sampledNote, type ChartBuilder, type ChartLayer } from './chart.js';
import { formatCount } from './format.js';
import { rugLayer } from './rug.js';
import { COLOR } from './theme.js';

/**
 * Latency and TTFT over the run's wall-clock time, each request placed at the moment it was sent,
 * with every arrival (when the Poisson schedule meant it to go) as a tick along the bottom. Bursts of
 * arrivals followed by rising TTFT are queueing; a gap between the ticks and the points is the
 * client holding requests back. Failed requests show at their latency as crosses. The y axis is
 * logarithmic so a 50 ms TTFT and a 5 s latency are both readable on one chart.
 */
export const timelineChart: ChartBuilder = (run, opts) => {
  const title = 'Latency and TTFT over the run';
  const reqs = run.requests;
  const notes: string[] = [];
  if (reqs.length === 0) return { title, notes, layer: [noDataLayer('No request was sent')] };

  // The slowest requests are what a timeline is read for: a sample must not lose them.
  const slowest = indicesOfLargest(
    reqs.map((r) => r.latencyMs),
    Math.ceil(opts.maxPoints / 100),
  );
  const { indices, stride } = sampleIndices(reqs.length, opts.maxPoints, slowest);
  if (indices.length < reqs.length) notes.push(sampledNote(indices.length, reqs.length, stride, `the ${formatCount(slowest.length)} slowest`));

  const failedCount = reqs.filter((r) => !r.ok).length;
  const S = {
    latency: 'latency (successful)',
    ttft: 'TTFT',
    failed: `failed: time to the error (${formatCount(failedCount)})`,
  };
  const domain = failedCount ? [S.latency, S.ttft, S.failed] : [S.latency, S.ttft];
  const range = failedCount ? [COLOR.blue, COLOR.orange, COLOR.vermillion] : [COLOR.blue, COLOR.orange];
  const color = {
    field: 'series',
    type: 'nominal',
    title: null,
    scale: { domain, range },
    legend: legendSymbols({ [S.latency]: 'circle', [S.ttft]: 'circle', [S.failed]: 'cross' }),
  } as const;
  const x = { field: 'tS', type: 'quantitative', title: 'when the request was sent: time since the run started (s)', scale: { nice: false, zero: true } } as const;
  const y = { field: 'valueS', type: 'quantitative', title: 'latency and TTFT (s, log scale)', scale: { type: 'log' } } as const;

  const points: Record<string, unknown>[] = [];
  // Every arrival, not the sampled ones: past a few hundred the rug is shaded by density anyway.
  const arrivals = reqs.map((r) => r.intendedAtMs / 1000);
  const detail = (r: RequestPoint): Record<string, unknown> => ({
    seq: r.seq,
    latencyS: r.latencyMs / 1000,
    ttftMs: r.ttftMs,
    lagMs: r.scheduleLagMs,
    outputTokens: r.outputTokens,
    error: r.errorKind === null ? null : `${r.errorKind}${r.status !== null ? ` (HTTP ${r.status})` : ''}: ${r.errorMessage ?? ''}`,
  });
  for (const i of indices) {
    const r = reqs[i] as RequestPoint;
    const tS = r.sentAtMs / 1000;
    // Log scale: a zero (or negative, on a broken clock) duration has no place on it.
    if (r.latencyMs <= 0) continue;
    if (r.ok) {
      points.push({ ...detail(r), tS, valueS: r.latencyMs / 1000, series: S.latency });
      if (r.ttftMs !== null && r.ttftMs > 0) points.push({ ...detail(r), tS, valueS: r.ttftMs / 1000, series: S.ttft });
    } else {
      points.push({ ...detail(r), tS, valueS: r.latencyMs / 1000, series: S.failed });
    }
  }
  const common = [
    { field: 'seq', type: 'quantitative', title: 'request #' },
    { field: 'tS', type: 'quantitative', title: 'sent at (s)', format: '.3f' },
    { field: 'latencyS', type: 'quantitative', title: 'latency (s)', format: '.3f' },
    { field: 'lagMs', type: 'quantitative', title: 'schedule lag (ms)', format: '.1f' },
  ] as const;
  const okTooltip = [
    ...common,
    { field: 'ttftMs', type: 'quantitative', title: 'TTFT (ms)', format: '.1f' },
    { field: 'outputTokens', type: 'quantitative', title: 'output tokens' },
  ] as const;
  const failedTooltip = [...common, { field: 'error', type: 'nominal', title: 'error' }] as const;
  const okPoints = points.filter((p) => p.series !== S.failed);
  const failedPoints = points.filter((p) => p.series === S.failed);
  // Zoom belongs to the first point layer there is.
  const zoom = opts.interactive ? [{ name: 'zoom', select: 'interval' as const, bind: 'scales' as const }] : undefined;
  // The arrival rug is explained in a note, not the legend: a legend entry cannot show a tick.
  const rug = rugLayer(arrivals, { field: 'tS', xEnd: extent(reqs, (r) => Math.max(r.sentAtMs, r.intendedAtMs)).max / 1000, color: COLOR.grey });
  notes.push(
    rug.dense
      ? 'strip along the foot of the plot: when requests were due (scheduled arrivals), darker where more fell'
      : 'ticks along the foot of the plot: when each request was due (its scheduled arrival)',
  );
  const layer: ChartLayer[] = [rug.layer];
  // Layers only for what there is: an empty layer would give its scale an empty (infinite) extent.
  if (okPoints.length) {
    layer.push({
      data: { values: okPoints },
      mark: { type: 'point', filled: true, size: 26, opacity: 0.6 },
      encoding: { x, y, color, ...(opts.interactive ? { tooltip: [...okTooltip] } : {}) },
      ...(zoom ? { params: zoom } : {}),
    });
  }
  if (failedPoints.length) {
    layer.push({
      data: { values: failedPoints },
      mark: { type: 'point', shape: 'cross', filled: true, size: 60, opacity: 0.85 },
      encoding: { x, y, color, ...(opts.interactive ? { tooltip: [...failedTooltip] } : {}) },
      ...(zoom && !okPoints.length ? { params: zoom } : {}),
    });
  }
  return { title, notes, layer };
};
