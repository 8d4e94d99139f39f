import { extent } from '../plots/extent.js';
import { paretoFrontier } from '../plots/pareto-frontier.js';
import { sampleIndices } from '../plots/sample.js';
import type { RequestPoint } from '../saved-run.js';
import { noDataLayer, sampledNote, scaleName, type ChartBuilder, type ChartLayer } from './chart.js';
import { formatCount, formatNumber } from './format.js';
import { COLOR } from './theme.js';

/** A five-pointed star (vega symbol path, unit size): the "ideal" marker. */
const STAR = 'M0,-1L0.235,-0.324L0.951,-0.309L0.38,0.124L0.588,0.809L0,0.4L-0.588,0.809L-0.38,0.124L-0.951,-0.309L-0.235,-0.324Z';

interface Datum {
  seq: number;
  latencyS: number;
  tps: number;
  ttftMs: number | null;
  outputTokens: number;
  inputTokens: number;
  series: string;
}

/**
 * The seed's plot_throughput_vs_latency: every successful request as a point (end-to-end latency
 * against its own output tokens per second), the Pareto frontier of those points joined as the best
 * trade-off the run reached, an "ideal" star at the best latency and the best throughput seen (no
 * request need have both), and an arrow marked "better" pointing at the ideal from the frontier's
 * side: up and to the left.
 */
export const throughputLatencyChart: ChartBuilder = (run, opts) => {
  const title = 'Throughput vs latency per request';
  const ok = run.requests.filter((r): r is RequestPoint & { outputTps: number } => r.ok && r.outputTps !== null);
  const failed = run.requests.length - ok.length;
  const notes: string[] = [];
  if (failed) notes.push(`${formatCount(failed)} failed requests not shown (they have no throughput)`);
  if (ok.length === 0) return { title, notes, layer: [noDataLayer('No successful request: nothing to plot')] };

  const frontier = paretoFrontier(ok, (r) => r.latencyMs, (r) => r.outputTps);
  const seriesRequest = 'request';
  const seriesFrontier = `Pareto frontier (${frontier.length} request${frontier.length === 1 ? '' : 's'})`;
  const latency = extent(ok, (r) => r.latencyMs);
  const tps = extent(ok, (r) => r.outputTps);
  const bestLatencyS = latency.min / 1000;
  const bestTps = tps.max;
  const seriesIdeal = `ideal (best of each seen): ${formatNumber(bestLatencyS)} s, ${formatNumber(bestTps)} tok/s`;

  const frontierSeqs = new Set(frontier.map((r) => r.seq));
  const keep: number[] = [];
  for (let i = 0; i < ok.length; i++) if (frontierSeqs.has((ok[i] as RequestPoint).seq)) keep.push(i);
  const { indices, stride } = sampleIndices(ok.length, opts.maxPoints, keep);
  if (indices.length < ok.length) notes.push(sampledNote(indices.length, ok.length, stride, 'every frontier point'));

  const datum = (r: RequestPoint & { outputTps: number }, series: string): Datum => ({
    seq: r.seq,
    latencyS: r.latencyMs / 1000,
    tps: r.outputTps,
    ttftMs: r.ttftMs,
    outputTokens: r.outputTokens,
    inputTokens: r.inputTokens,
    series,
  });
  const domain = [seriesRequest, seriesFrontier, seriesIdeal];
  const color = { field: 'series', type: 'nominal', title: null, scale: { domain, range: [COLOR.blue, COLOR.vermillion, COLOR.green] } } as const;
  const shape = { field: 'series', type: 'nominal', title: null, scale: { domain, range: ['circle', 'circle', STAR] } } as const;
  const x = { field: 'latencyS', type: 'quantitative', title: 'end-to-end latency (s) — lower is better', scale: { zero: false, nice: true } } as const;
  const y = { field: 'tps', type: 'quantitative', title: 'output tokens/s of the request — higher is better', scale: { zero: false, nice: true } } as const;
  const tooltip = [
    { field: 'seq', type: 'quantitative', title: 'request #' },
    { field: 'latencyS', type: 'quantitative', title: 'latency (s)', format: '.3f' },
    { field: 'ttftMs', type: 'quantitative', title: 'TTFT (ms)', format: '.1f' },
    { field: 'tps', type: 'quantitative', title: 'output tokens/s', format: '.1f' },
    { field: 'outputTokens', type: 'quantitative', title: 'output tokens' },
    { field: 'inputTokens', type: 'quantitative', title: 'input tokens' },
  ] as const;

  const layer: ChartLayer[] = [
    {
      data: { values: indices.map((i) => datum(ok[i] as RequestPoint & { outputTps: number }, seriesRequest)) },
      mark: { type: 'point', filled: true, size: 34, opacity: 0.45 },
      encoding: { x, y, color, shape, ...(opts.interactive ? { tooltip: [...tooltip] } : {}) },
      ...(opts.interactive ? { params: [{ name: 'zoom', select: 'interval', bind: 'scales' }] } : {}),
    },
    {
      data: { values: frontier.map((r) => datum(r, seriesFrontier)) },
      // Hollow rings, so the requests under the frontier stay visible.
      mark: { type: 'line', strokeWidth: 2, point: { filled: false, size: 56, strokeWidth: 1.5 } },
      encoding: { x, y, color, shape, ...(opts.interactive ? { tooltip: [...tooltip] } : {}) },
    },
    {
      data: { values: [{ latencyS: bestLatencyS, tps: bestTps, series: seriesIdeal }] },
      mark: { type: 'point', filled: true, size: 420, stroke: 'white', strokeWidth: 1 },
      encoding: { x, y, color, shape },
    },
  ];

  // The "better" arrow points at the ideal from the direction of the frontier's point nearest to it
  // (in axis-relative units, 0 = ideal, 1 = the worst request seen): the way the trade-off would
  // have to move. Fixed length (about a sixth of the axes), so it reads the same on any run. Its
  // head's angle is computed in pixels by vega from the live scales, so it stays true however the
  // chart is sized or zoomed.
  const latSpan = latency.max / 1000 - bestLatencyS || 1;
  const tpsSpan = bestTps - tps.min || 1;
  let dir = { u: Math.SQRT1_2, v: Math.SQRT1_2 };
  let nearest = Infinity;
  for (const r of frontier) {
    const u = (r.latencyMs / 1000 - bestLatencyS) / latSpan;
    const v = (bestTps - r.outputTps) / tpsSpan;
    const d = Math.hypot(u, v);
    if (d > 1e-9 && d < nearest) {
      nearest = d;
      dir = { u: u / d, v: v / d };
    }
  }
  const at = (k: number): { x: number; y: number } => ({ x: bestLatencyS + k * dir.u * latSpan, y: bestTps - k * dir.v * tpsSpan });
  const { x: x1, y: y1 } = at(0.22);
  const { x: x2, y: y2 } = at(0.045);
  const px = (v: number): string => `scale('${scaleName(opts, 'x')}', ${v})`;
  const py = (v: number): string => `scale('${scaleName(opts, 'y')}', ${v})`;
  const arrow = { x: x1, y: y1, x2, y2 };
  // The arrow's direction on screen, in degrees clockwise from 3 o'clock (screen y points down).
  const phi = `(atan2(${py(y2)} - ${py(y1)}, ${px(x2)} - ${px(x1)}) * 180 / PI)`;
  layer.push(
    {
      data: { values: [arrow] },
      mark: { type: 'rule', color: COLOR.green, strokeWidth: 2, strokeDash: [6, 4] },
      encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' }, x2: { field: 'x2' }, y2: { field: 'y2' } },
    },
    {
      data: { values: [arrow] },
      mark: {
        type: 'point',
        shape: 'triangle-up',
        filled: true,
        size: 150,
        color: COLOR.green,
        opacity: 1,
        // triangle-up points to 12 o'clock; vega rotates clockwise by `angle` degrees.
        angle: { expr: `${phi} + 90` },
      },
      encoding: { x: { field: 'x2', type: 'quantitative' }, y: { field: 'y2', type: 'quantitative' } },
    },
    {
      // Near the head: the ground between the frontier and the ideal is empty by construction, so
      // the word sits clear of the data there.
      data: { values: [{ ...at(0.08), text: 'better' }] },
      mark: {
        type: 'text',
        color: COLOR.green,
        fontSize: 14,
        align: 'center',
        baseline: 'bottom',
        // Along the arrow and just above it, turned so it never reads upside down.
        angle: { expr: `${phi} > 90 ? ${phi} - 180 : ${phi} < -90 ? ${phi} + 180 : ${phi}` },
        dy: -4,
      },
      encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' }, text: { field: 'text' } },
    },
  );
  return { title, notes, layer };
};
