import type { TopLevelSpec } from 'vega-lite';
import type { SavedRun } from '../saved-run.js';
import { formatCount, ordinal } from './format.js';
import { runSubtitle } from './run-title.js';
import { chartConfig, CHART_SIZE } from './theme.js';

/** A layered vega-lite chart; the only top-level shape the chart builders produce. */
export type LayerChartSpec = Extract<TopLevelSpec, { layer: unknown }>;
export type ChartLayer = LayerChartSpec['layer'][number];

/**
 * What a chart builder returns: its name, the notes that say what was sampled or left out, and the
 * layers. The frame (title naming the run, size, theme) is added by `frameChart`, or by the overview,
 * which lays several out on one page.
 */
export interface ChartParts {
  title: string;
  notes: string[];
  layer: ChartLayer[];
  resolve?: LayerChartSpec['resolve'];
}

export interface ChartOptions {
  /** HTML report: zoom and pan, tooltips with the request's details, legend entries toggle series. */
  interactive: boolean;
  /** At most this many per-request marks per series; past it the chart samples and says so. */
  maxPoints: number;
  /**
   * The view's name when the chart is one panel of several: vega-lite then prefixes its scales with it
   * ("throughput_x"), and an expression that reads a scale must use the same name. Empty on its own.
   */
  viewName?: string;
}

/** The compiled name of a chart's scale for `channel`, as vega-lite names it (see viewName). */
export function scaleName(opts: ChartOptions, channel: 'x' | 'y'): string {
  return opts.viewName ? `${opts.viewName}_${channel}` : channel;
}

/**
 * Legend symbols per series, for a chart that mixes bars, lines and points under one colour legend
 * (vega-lite would give every entry the first layer's symbol). `shapes` maps series -> vega symbol;
 * a 'stroke' entry is a short line, coloured by the legend's stroke (a chart with a line or rule
 * layer has one). Goes in the colour channel's `legend`.
 */
export function legendSymbols(shapes: Record<string, 'circle' | 'square' | 'cross' | 'stroke'>): {
  encoding: { symbols: Record<string, { value: unknown }> };
} {
  const shape = Object.entries(shapes).reduceRight(
    (rest, [series, s]) => `datum.value === ${JSON.stringify(series)} ? ${JSON.stringify(s)} : ${rest}`,
    '"circle"',
  );
  return { encoding: { symbols: { shape: { value: { expr: shape } }, strokeWidth: { value: 2.5 } } } };
}

export type ChartBuilder = (run: SavedRun, opts: ChartOptions) => ChartParts;

/** The PNG charts: up to 10,000 requests drawn per series (resvg draws that in well under a second). */
export const STATIC_OPTIONS: ChartOptions = { interactive: false, maxPoints: 10_000 };
/** The HTML report: fewer points, so the page stays light and hover stays responsive. */
export const INTERACTIVE_OPTIONS: ChartOptions = { interactive: true, maxPoints: 3_000 };

/**
 * A chart as a complete vega-lite spec: title, the run's subtitle and the notes, the shared theme, and
 * a fixed overall size (`fit`: axes, legend and titles are inside it), so the PNG's size is known.
 */
export function frameChart(
  parts: ChartParts,
  run: SavedRun,
  { size = CHART_SIZE, runLine = true }: { size?: { width: number; height: number }; runLine?: boolean } = {},
): LayerChartSpec {
  return frameLayers(parts, runLine ? [runSubtitle(run), ...parts.notes] : parts.notes, size);
}

/**
 * The frame itself, for whatever the subtitle names (a run here, a sweep in sweep/sweep-frame.ts):
 * title and subtitle lines, the shared theme, and a fixed overall size.
 */
export function frameLayers(parts: ChartParts, subtitle: string[], size: { width: number; height: number }): LayerChartSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: parts.title, ...(subtitle.length ? { subtitle } : {}) },
    width: size.width,
    height: size.height,
    autosize: { type: 'fit', contains: 'padding' },
    config: chartConfig(),
    layer: parts.layer,
    ...(parts.resolve ? { resolve: parts.resolve } : {}),
  };
}

/**
 * The layer that stands in for a chart with nothing to draw (no successful request, no two-token
 * output for ITL): the frame and a sentence saying why, instead of an empty or broken axis.
 */
export function noDataLayer(message: string): ChartLayer {
  // Centred through a 0..1 scale of its own, which works alike in a chart and in an overview panel.
  return {
    data: { values: [{ message, x: 0.5, y: 0.5 }] },
    mark: { type: 'text', fontSize: 15, color: '#555555', align: 'center', baseline: 'middle' },
    encoding: {
      x: { field: 'x', type: 'quantitative', axis: null, scale: { domain: [0, 1] } },
      y: { field: 'y', type: 'quantitative', axis: null, scale: { domain: [0, 1] } },
      text: { field: 'message', type: 'nominal' },
    },
  };
}

/** A sample note: "drawn: 10,000 of 100,000 requests (every 10th, plus ...)". */
export function sampledNote(drawn: number, total: number, stride: number, plus: string): string {
  return `drawn: ${formatCount(drawn)} of ${formatCount(total)} requests (every ${ordinal(stride)}${plus ? `, plus ${plus}` : ''})`;
}
