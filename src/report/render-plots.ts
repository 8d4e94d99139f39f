import type { TopLevelSpec } from 'vega-lite';
import { frameChart, STATIC_OPTIONS } from './charts/chart.js';
import { CHART_KINDS, CHARTS, type ChartEntry, type ChartKind } from './charts/index.js';
import { overviewSpec } from './charts/overview.js';
import { frameRowsChart } from './charts/telemetry-rows.js';
import { rasterizeSvgAsync, renderSvg } from './render-chart.js';
import type { SavedRun } from './saved-run.js';

/** The overview's file name in RUN_DIR/plot/. */
export const OVERVIEW_FILE = 'overview.png';

/** One rendered plot: its file name in RUN_DIR/plot/ and its PNG bytes. */
export interface PlotFile {
  file: string;
  bytes: Buffer;
}

/** The vega-lite spec of one chart of a run, as drawn in its PNG. Pure. */
export function plotSpec(run: SavedRun, kind: ChartKind): TopLevelSpec {
  const entry: ChartEntry = CHARTS[kind];
  return 'rows' in entry ? frameRowsChart(entry.rows(run, STATIC_OPTIONS), run) : frameChart(entry.build(run, STATIC_OPTIONS), run);
}

/**
 * One chart of a saved run as SVG: 900 x 540, except the telemetry panel, about 900 wide and as tall
 * as its rows. Deterministic: same run, same bytes.
 */
export function renderPlotSvg(run: SavedRun, kind: ChartKind): Promise<string> {
  return renderSvg(plotSpec(run, kind));
}

/** One chart of a saved run as PNG at print resolution (1800 x 1080; twice the SVG). Deterministic. */
export async function renderPlotPng(run: SavedRun, kind: ChartKind): Promise<Buffer> {
  return rasterizeSvgAsync(await renderPlotSvg(run, kind));
}

/** The one-page overview of a run (every chart as a small multiple, plus the key numbers) as PNG. */
export async function renderOverviewPng(run: SavedRun): Promise<Buffer> {
  return rasterizeSvgAsync(await renderSvg(overviewSpec(run)));
}

/**
 * Every PNG of a run, in the order of CHARTS, then the overview. Pipelined: vega lays out each chart
 * on this thread while resvg draws the ones before it on the thread pool.
 */
export async function renderPlots(run: SavedRun): Promise<PlotFile[]> {
  const pending: Promise<PlotFile>[] = [];
  const draw = (file: string, svg: string): void => {
    pending.push(rasterizeSvgAsync(svg).then((bytes) => ({ file, bytes })));
  };
  try {
    for (const kind of CHART_KINDS) draw(CHARTS[kind].file, await renderPlotSvg(run, kind));
    draw(OVERVIEW_FILE, await renderSvg(overviewSpec(run)));
  } finally {
    // Settle every draw already started before returning or throwing: none is left running.
    await Promise.allSettled(pending);
  }
  return Promise.all(pending);
}
