import type { TopLevelSpec } from 'vega-lite';
import type { SavedDistribution } from '../saved-result.js';
import type { SavedRun } from '../saved-run.js';
import { STATIC_OPTIONS, type ChartLayer, type ChartOptions } from './chart.js';
import { formatCount, formatMs, formatNumber } from './format.js';
import { CHART_KINDS, CHARTS, type ChartEntry } from './index.js';
import { summarizeTelemetry } from '../telemetry-summary.js';
import { describeRate, runSubtitle } from './run-title.js';
import { rowsView } from './telemetry-rows.js';
import { chartConfig, COLOR } from './theme.js';

/** One panel's plot area in CSS pixels; axes, legend and title are added around it. */
const PANEL = { width: 400, height: 210 } as const;
const COLUMNS = 3;
/** The stacked charts (telemetry) span the grid's width under it: plot width and row height. */
const WIDE_PANEL = { width: 1200, rowHeight: 56 } as const;
/** Panels are a quarter of a chart's area: 3,000 points per panel show all a full chart's 10,000 do. */
const PANEL_OPTIONS: ChartOptions = { ...STATIC_OPTIONS, maxPoints: 3_000 };

type LayerChart = Extract<TopLevelSpec, { layer: unknown }>;
type Panel = Pick<LayerChart, 'name' | 'title' | 'width' | 'height' | 'layer' | 'resolve' | 'view'>;

/**
 * The whole run on one page: every single-view chart as a small multiple in a 3 x 3 grid, the ninth
 * panel the key numbers, and under the grid, across its width, the telemetry panel's rows (GPU and
 * server over the run). Each panel keeps its own legend and notes (what was sampled or cut); the page
 * title names the run once. Its size follows from the panels (vega-lite cannot fit a grid to a fixed
 * size), about 1,450 x 1,450 CSS pixels.
 */
export function overviewSpec(run: SavedRun, opts: ChartOptions = PANEL_OPTIONS): TopLevelSpec {
  const panels: Panel[] = [];
  const wide: Extract<TopLevelSpec, { vconcat: unknown }>['vconcat'] = [];
  for (const kind of CHART_KINDS) {
    const viewName = `panel_${kind}`;
    const entry: ChartEntry = CHARTS[kind];
    if ('rows' in entry) {
      const parts = entry.rows(run, { ...opts, viewName });
      wide.push({ title: { text: parts.title, ...(parts.notes.length ? { subtitle: parts.notes } : {}) }, ...rowsView(parts, WIDE_PANEL, viewName) });
      continue;
    }
    const parts = entry.build(run, { ...opts, viewName });
    panels.push({
      name: viewName,
      title: { text: parts.title, ...(parts.notes.length ? { subtitle: parts.notes } : {}) },
      width: PANEL.width,
      height: PANEL.height,
      layer: parts.layer,
      ...(parts.resolve ? { resolve: parts.resolve } : {}),
    });
  }
  panels.push({
    name: 'panel_numbers',
    title: { text: 'Key numbers' },
    width: PANEL.width,
    height: PANEL.height,
    layer: [keyNumbersLayer(run)],
    view: { stroke: null },
  });
  // Every panel has its own scales and legends: one latency axis must not stretch another's.
  const resolve = { scale: { color: 'independent', shape: 'independent', strokeDash: 'independent', x: 'independent', y: 'independent' } } as const;

  const base = chartConfig();
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Run overview', subtitle: runSubtitle(run), fontSize: 22, subtitleFontSize: 14 },
    // A wrapped grid rather than rows of hconcat: panels line up in columns whatever their axis labels.
    vconcat: [{ concat: panels, columns: COLUMNS, resolve }, ...wide],
    spacing: 40,
    resolve,
    config: {
      ...base,
      title: { ...base.title, fontSize: 15, subtitleFontSize: 11, offset: 8 },
      axis: { ...base.axis, labelFontSize: 10.5, titleFontSize: 11.5 },
      legend: { ...base.legend, labelFontSize: 10.5, symbolSize: 70, columnPadding: 10, labelLimit: 260 },
      concat: { spacing: 36 },
    },
  };
}

/** The summary's headline figures as lines of text, for the overview's ninth panel. */
function keyNumbersLayer(run: SavedRun): ChartLayer {
  const s = run.result.summary;
  const c = run.result.config;
  const pct = (d: SavedDistribution | null, unit: (v: number) => string): string =>
    d ? `p50 ${unit(d.p50)} · p90 ${unit(d.p90)} · p99 ${unit(d.p99)}` : 'none';
  const seconds = (ms: number): string => `${formatNumber(ms / 1000)} s`;
  const lines = [
    `requests: ${formatCount(s.requests.completed)} ok, ${formatCount(s.requests.failed)} failed of ${formatCount(s.requests.total)} sent`,
    `arrivals: ${describeRate(c.ratePerSec)}, max concurrency ${formatCount(c.maxConcurrency)}`,
    `duration ${formatNumber(s.durationS)} s · ${formatNumber(s.requestThroughputPerSec)} req/s completed`,
    `output ${formatNumber(s.outputTokenThroughputPerSec)} tok/s · total ${formatNumber(s.totalTokenThroughputPerSec)} tok/s`,
    `TTFT ${pct(s.ttftMs, formatMs)}`,
    `TPOT ${pct(s.tpotMs, formatMs)}`,
    `ITL ${pct(s.itlMs, formatMs)}`,
    `latency ${pct(s.latencyMs, seconds)}`,
    `schedule lag ${pct(s.scheduleLagMs, formatMs)}`,
  ];
  const t = summarizeTelemetry(run.telemetry);
  const telemetry: string[] = [];
  if (t.gpuMemory.length) {
    const peak = Math.max(...t.gpuMemory.map((g) => g.peakMiB));
    telemetry.push(`GPU memory peak ${formatNumber(peak / 1024)} GiB (${t.gpuMemory[0]?.source === 'nvml' ? 'NVML' : 'server'})`);
  }
  if (t.peakKvCacheUsage !== null) telemetry.push(`KV cache peak ${formatNumber(100 * t.peakKvCacheUsage)} %`);
  if (t.maxWaiting !== null) telemetry.push(`max waiting ${formatCount(t.maxWaiting)}`);
  if (telemetry.length) lines.push(telemetry.join(' · '));
  const errors = Object.entries(s.requests.errorsByKind).map(([k, n]) => `${k} ${formatCount(n ?? 0)}`);
  if (errors.length) lines.push(`errors: ${errors.join(', ')}`);
  return {
    data: { values: lines.map((text, i) => ({ text, i })) },
    mark: { type: 'text', align: 'left', baseline: 'top', fontSize: 12.5, color: COLOR.ink, x: 4 },
    encoding: {
      y: { field: 'i', type: 'ordinal', axis: null, scale: { paddingOuter: 0.2 } },
      text: { field: 'text', type: 'nominal' },
    },
  };
}
