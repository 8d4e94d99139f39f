import type { TopLevelSpec } from 'vega-lite';
import type { DistributionSummary } from '../../core/metrics/summary.js';
import type { SweepLevel, SweepResult } from '../../core/sweep/sweep-result.js';
import { noDataLayer } from '../charts/chart.js';
import { formatCount } from '../charts/format.js';
import { COLOR } from '../charts/theme.js';
import { paretoFrontier } from '../plots/pareto-frontier.js';
import { frameSweepGrid, tooltipIf, type ChartLayer, type SweepChartOptions, type SweepPanel } from './sweep-frame.js';
import { describeOffered, offeredLabel, sweepSubtitle } from './sweep-title.js';

/** A five-pointed star (vega symbol path, unit size): the "ideal" marker, as on the run's chart. */
const STAR = 'M0,-1L0.235,-0.324L0.951,-0.309L0.38,0.124L0.588,0.809L0,0.4L-0.588,0.809L-0.38,0.124L-0.951,-0.309L-0.235,-0.324Z';

/** The latency figures a panel can put on its x axis. */
export const SWEEP_LATENCY_METRICS = [
  { key: 'ttft', name: 'TTFT', field: 'ttftMs', unit: 'ms', scale: 1 },
  { key: 'tpot', name: 'TPOT', field: 'tpotMs', unit: 'ms', scale: 1 },
  { key: 'latency', name: 'end-to-end latency', field: 'latencyMs', unit: 's', scale: 1 / 1000 },
] as const;
export type SweepLatencyMetric = (typeof SWEEP_LATENCY_METRICS)[number]['key'];
export const SWEEP_PERCENTILES = ['p50', 'p99'] as const;
export type SweepPercentile = (typeof SWEEP_PERCENTILES)[number];

/** The series every panel shares, so one legend serves the grid. */
export const SERIES = { level: 'level (labelled by offered load)', frontier: 'Pareto frontier of the levels', ideal: 'ideal: best latency and best throughput seen' } as const;

/** One level as a point of a panel. */
export interface ThroughputLatencyPoint {
  level: number;
  dir: string;
  offered: string;
  label: string;
  /** The panel's latency figure, in the panel's unit (ms, or s for end-to-end latency). */
  latency: number;
  outputTokPerSec: number;
  completed: number;
  failed: number;
  series: string;
}

/** The points, frontier and ideal corner of one panel: pure, what the tests check. */
export function throughputLatencyPoints(
  sweep: SweepResult,
  metric: SweepLatencyMetric,
  pct: SweepPercentile,
): { points: ThroughputLatencyPoint[]; frontier: ThroughputLatencyPoint[]; ideal: { latency: number; outputTokPerSec: number } | null; missing: number } {
  const look = SWEEP_LATENCY_METRICS.find((m) => m.key === metric) as (typeof SWEEP_LATENCY_METRICS)[number];
  const points: ThroughputLatencyPoint[] = [];
  for (const level of sweep.levels) {
    const d = level.summary[look.field] as DistributionSummary | null;
    if (!d || !Number.isFinite(d[pct])) continue;
    points.push(point(level, d[pct] * look.scale));
  }
  const frontier = paretoFrontier(points, (p) => p.latency, (p) => p.outputTokPerSec).map((p) => ({ ...p, series: SERIES.frontier }));
  const ideal = points.length
    ? { latency: Math.min(...points.map((p) => p.latency)), outputTokPerSec: Math.max(...points.map((p) => p.outputTokPerSec)) }
    : null;
  return { points, frontier, ideal, missing: sweep.levels.length - points.length };
}

function point(level: SweepLevel, latency: number): ThroughputLatencyPoint {
  return {
    level: level.index,
    dir: level.dir,
    offered: describeOffered(level),
    label: offeredLabel(level),
    latency,
    outputTokPerSec: level.summary.outputTokenThroughputPerSec,
    completed: level.summary.requests.completed,
    failed: level.summary.requests.failed,
    series: SERIES.level,
  };
}

/**
 * One panel: every level as a point (output tokens/s of the whole level against one latency
 * percentile), joined in sweep order so the path of rising load shows; the Pareto frontier of the
 * levels (reusing the run chart's paretoFrontier) as the trade-offs worth choosing between; the
 * ideal corner as a star; and each point labelled with its offered load.
 */
export function throughputLatencyPanel(sweep: SweepResult, metric: SweepLatencyMetric, pct: SweepPercentile, opts: SweepChartOptions): SweepPanel {
  const look = SWEEP_LATENCY_METRICS.find((m) => m.key === metric) as (typeof SWEEP_LATENCY_METRICS)[number];
  const name = `tl_${metric}_${pct}`;
  const { points, frontier, ideal, missing } = throughputLatencyPoints(sweep, metric, pct);
  const notes = missing ? [`${formatCount(missing)} level${missing === 1 ? '' : 's'} with no ${look.name} (no successful request) not shown`] : [];
  const title = { text: `${pct} ${look.name} — output tok/s against it`, ...(notes.length ? { subtitle: notes } : {}) };
  // Two columns of panels fit a PNG at 400 px each, and the report's page column at 340.
  const size = opts.interactive ? { width: 340, height: 230 } : { width: 400, height: 250 };
  if (!ideal) return { name, title, ...size, layer: [noDataLayer(`No level had a ${look.name}`)] };

  const domain = [SERIES.level, SERIES.frontier, SERIES.ideal];
  const color = { field: 'series', type: 'nominal', title: null, scale: { domain, range: [COLOR.blue, COLOR.vermillion, COLOR.green] } } as const;
  const shape = { field: 'series', type: 'nominal', title: null, scale: { domain, range: ['circle', 'circle', STAR] } } as const;
  const x = { field: 'latency', type: 'quantitative', title: `${pct} ${look.name} (${look.unit}) — lower is better`, scale: { zero: false, nice: true } } as const;
  const y = { field: 'outputTokPerSec', type: 'quantitative', title: 'output tok/s — higher is better', scale: { zero: false, nice: true } } as const;
  const tooltip = [
    { field: 'level', type: 'quantitative', title: 'level #' },
    { field: 'offered', type: 'nominal', title: 'offered' },
    { field: 'latency', type: 'quantitative', title: `${pct} ${look.name} (${look.unit})`, format: '.4~r' },
    { field: 'outputTokPerSec', type: 'quantitative', title: 'output tok/s', format: '.4~r' },
    { field: 'completed', type: 'quantitative', title: 'completed' },
    { field: 'failed', type: 'quantitative', title: 'failed' },
    { field: 'dir', type: 'nominal', title: 'folder' },
  ] as const;
  const layer: ChartLayer[] = [
    {
      // The path of rising load, faint: it shows where throughput stopped growing and latency took off.
      data: { values: points },
      mark: { type: 'line', color: COLOR.blue, strokeWidth: 1, opacity: 0.35 },
      encoding: { x, y, order: { field: 'level', type: 'quantitative' } },
    },
    {
      data: { values: points },
      mark: { type: 'point', filled: true, size: 60, opacity: 0.85 },
      encoding: { x, y, color, shape, ...tooltipIf(opts, [...tooltip]) },
      ...(opts.interactive ? { params: [{ name: `zoom_${name}`, select: 'interval', bind: 'scales' }] } : {}),
    },
    {
      data: { values: points },
      mark: { type: 'text', align: 'left', baseline: 'bottom', dx: 6, dy: -4, fontSize: 11, color: '#333333' },
      encoding: { x, y, text: { field: 'label', type: 'nominal' } },
    },
    {
      data: { values: frontier },
      // Hollow rings, so the level under each stays visible.
      mark: { type: 'line', strokeWidth: 2, point: { filled: false, size: 150, strokeWidth: 1.5 } },
      encoding: { x, y, color, shape, ...tooltipIf(opts, [...tooltip]) },
    },
    {
      data: { values: [{ ...ideal, series: SERIES.ideal }] },
      mark: { type: 'point', filled: true, size: 380, stroke: 'white', strokeWidth: 1 },
      encoding: { x, y, color, shape },
    },
  ];
  return { name, title, ...size, layer };
}

/**
 * Throughput against latency across the levels, as a grid: rows TTFT, TPOT and end-to-end latency,
 * columns p50 and p99. Up and to the left is better; the frontier is the set of loads worth running
 * at, and the knee where it turns flat is the server's useful capacity.
 */
export function sweepThroughputLatencySpec(sweep: SweepResult, opts: SweepChartOptions, { sweepLine = true } = {}): TopLevelSpec {
  const panels = SWEEP_LATENCY_METRICS.flatMap((m) => SWEEP_PERCENTILES.map((p) => throughputLatencyPanel(sweep, m.key, p, opts)));
  const subtitle = sweepLine ? [sweepSubtitle(sweep)] : [];
  if (sweep.levels.length === 0) subtitle.push('no level was run');
  return frameSweepGrid(panels, 2, 'Throughput against latency, one point per level', subtitle);
}
