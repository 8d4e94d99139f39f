import { defaultRollingWindow, rollingMean } from '../plots/rolling-mean.js';
import { sampleIndices } from '../plots/sample.js';
import { legendSymbols, noDataLayer, sampledNote, type ChartBuilder, type ChartLayer } from './chart.js';
import { formatCount } from './format.js';
import { rugLayer } from './rug.js';
import { COLOR } from './theme.js';

/**
 * The seed's tokens_per_sec: each request's output tokens per second (output tokens / latency, the
 * CSV's throughput_tps) in send order, with a trailing rolling mean, so a server that slows as the
 * run goes on (KV cache filling, thermal throttling, a leak) shows as a falling curve. Output tokens
 * rather than the CSV's tokens_per_sec, which adds prompt tokens and so makes long prompts look fast.
 * Failed requests have no rate; a rug along the foot marks where in the run they fell.
 */
export const tokensPerSecChart: ChartBuilder = (run, opts) => {
  const title = 'Output tokens per second, request by request';
  const reqs = run.requests;
  const notes: string[] = [];
  if (!reqs.some((r) => r.outputTps !== null)) {
    return { title, notes, layer: [noDataLayer('No successful request: no tokens per second to show')] };
  }
  const window = defaultRollingWindow(reqs.length);
  const mean = rollingMean(
    reqs.map((r) => r.outputTps),
    window,
  );
  const { indices, stride } = sampleIndices(reqs.length, opts.maxPoints);
  if (indices.length < reqs.length) notes.push(sampledNote(indices.length, reqs.length, stride, '') + '; the rolling mean uses every request');

  const seriesPoint = 'request';
  const seriesMean = `rolling mean over the last ${window} requests`;
  const failed = reqs.filter((r) => !r.ok);
  const seriesFailed = `failed request (${formatCount(failed.length)})`;
  const domain = failed.length ? [seriesPoint, seriesMean, seriesFailed] : [seriesPoint, seriesMean];
  const color = {
    field: 'series',
    type: 'nominal',
    title: null,
    scale: { domain, range: [COLOR.blue, COLOR.vermillion, COLOR.purple] },
    legend: legendSymbols({ [seriesPoint]: 'circle', [seriesMean]: 'stroke', [seriesFailed]: 'stroke' }),
  } as const;
  const x = { field: 'seq', type: 'quantitative', title: 'request number (send order)', scale: { nice: false } } as const;
  const y = { field: 'tps', type: 'quantitative', title: 'output tokens/s of the request', scale: { zero: false } } as const;

  const points: { seq: number; tps: number; latencyS: number; outputTokens: number; series: string }[] = [];
  const line: { seq: number; tps: number; series: string }[] = [];
  for (const i of indices) {
    const r = reqs[i];
    if (!r) continue;
    if (r.outputTps !== null) points.push({ seq: r.seq, tps: r.outputTps, latencyS: r.latencyMs / 1000, outputTokens: r.outputTokens, series: seriesPoint });
    const m = mean[i];
    if (m !== null && m !== undefined) line.push({ seq: r.seq, tps: m, series: seriesMean });
  }
  const layer: ChartLayer[] = [];
  if (failed.length) {
    // Where in the run requests failed, as a rug at the foot (shaded by density when there are many).
    layer.push(rugLayer(failed.map((r) => r.seq), { field: 'seq', xEnd: reqs.length, color: COLOR.purple, series: seriesFailed }).layer);
  }
  layer.push(
    {
      data: { values: points },
      mark: { type: 'point', filled: true, size: 26, opacity: 0.5 },
      encoding: {
        x,
        y,
        color,
        ...(opts.interactive
          ? {
              tooltip: [
                { field: 'seq', type: 'quantitative', title: 'request #' },
                { field: 'tps', type: 'quantitative', title: 'output tokens/s', format: '.1f' },
                { field: 'latencyS', type: 'quantitative', title: 'latency (s)', format: '.3f' },
                { field: 'outputTokens', type: 'quantitative', title: 'output tokens' },
              ],
            }
          : {}),
      },
      ...(opts.interactive ? { params: [{ name: 'zoom', select: { type: 'interval', encodings: ['x'] }, bind: 'scales' }] } : {}),
    },
    {
      data: { values: line },
      mark: { type: 'line', strokeWidth: 2.5 },
      encoding: { x, y, color },
    },
  );
  return { title, notes, layer };
};
