import type { TopLevelSpec } from 'vega-lite';
import type { SweepResult } from '../../core/sweep/sweep-result.js';
import { rasterizeSvgAsync, renderSvg } from '../render-chart.js';
import type { PlotFile } from '../render-plots.js';
import { frameSweepChart, SWEEP_STATIC, type SweepChartOptions } from './sweep-frame.js';
import { sweepAchievedChart } from './sweep-achieved-chart.js';
import { sweepGoodputChart } from './sweep-goodput-chart.js';
import { sweepThroughputLatencySpec } from './sweep-throughput-latency-chart.js';

/**
 * The sweep's charts, keyed by kind, with the PNG each is saved as (in SWEEP_DIR/plot/). Order is
 * the order of the HTML report.
 */
export const SWEEP_CHARTS = {
  throughputLatency: {
    file: 'sweep_throughput_vs_latency.png',
    spec: (sweep: SweepResult, opts: SweepChartOptions, size?: { width: number; height: number }): TopLevelSpec =>
      sweepThroughputLatencySpec(sweep, opts, { sweepLine: size === undefined }),
  },
  achieved: {
    file: 'sweep_achieved_vs_offered.png',
    spec: (sweep: SweepResult, opts: SweepChartOptions, size?: { width: number; height: number }): TopLevelSpec =>
      frameSweepChart(sweepAchievedChart(sweep, opts), sweep, size ? { size, sweepLine: false } : {}),
  },
  goodput: {
    file: 'sweep_goodput.png',
    spec: (sweep: SweepResult, opts: SweepChartOptions, size?: { width: number; height: number }): TopLevelSpec =>
      frameSweepChart(sweepGoodputChart(sweep, opts), sweep, size ? { size, sweepLine: false } : {}),
  },
} as const;

export type SweepChartKind = keyof typeof SWEEP_CHARTS;
export const SWEEP_CHART_KINDS = Object.keys(SWEEP_CHARTS) as SweepChartKind[];

/** The vega-lite spec of one sweep chart as drawn in its PNG (900 x 540, or a grid). Pure. */
export function sweepPlotSpec(sweep: SweepResult, kind: SweepChartKind): TopLevelSpec {
  return SWEEP_CHARTS[kind].spec(sweep, SWEEP_STATIC);
}

/**
 * Every PNG of a sweep, in the order of SWEEP_CHARTS, at twice the CSS size in the shipped Roboto:
 * the same pipeline as a run's plots (renderSvg, then resvg on the thread pool while the next chart
 * is laid out). Pure of its input: the same sweep gives the same bytes. The goodput chart is drawn
 * even without --slo, saying so, so a sweep folder always has the same files.
 */
export async function renderSweepPlots(sweep: SweepResult): Promise<PlotFile[]> {
  const pending: Promise<PlotFile>[] = [];
  try {
    for (const kind of SWEEP_CHART_KINDS) {
      const svg = await renderSvg(sweepPlotSpec(sweep, kind));
      const file = SWEEP_CHARTS[kind].file;
      pending.push(rasterizeSvgAsync(svg).then((bytes) => ({ file, bytes })));
    }
  } finally {
    // Settle every draw already started before returning or throwing: none is left running.
    await Promise.allSettled(pending);
  }
  return Promise.all(pending);
}
