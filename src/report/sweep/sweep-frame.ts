import type { TopLevelSpec } from 'vega-lite';
import type { SweepResult } from '../../core/sweep/sweep-result.js';
import { frameLayers, type ChartLayer, type ChartParts, type LayerChartSpec } from '../charts/chart.js';
import { chartConfig, CHART_SIZE } from '../charts/theme.js';
import { sweepSubtitle } from './sweep-title.js';

/** How a sweep chart is drawn: for a PNG (static) or the HTML report (tooltips, zoom). */
export interface SweepChartOptions {
  interactive: boolean;
}

export const SWEEP_STATIC: SweepChartOptions = { interactive: false };
export const SWEEP_INTERACTIVE: SweepChartOptions = { interactive: true };

/** The HTML report's charts are a little smaller than the PNGs, to sit in a page column. */
export const SWEEP_REPORT_SIZE = { width: 880, height: 470 } as const;

/**
 * A sweep chart as a complete vega-lite spec: title, the sweep's subtitle and the notes, the shared
 * theme, and a fixed overall size, framed as the run charts are (charts/chart.ts frameLayers).
 */
export function frameSweepChart(
  parts: ChartParts,
  sweep: SweepResult,
  { size = CHART_SIZE, sweepLine = true }: { size?: { width: number; height: number }; sweepLine?: boolean } = {},
): LayerChartSpec {
  return frameLayers(parts, sweepLine ? [sweepSubtitle(sweep), ...parts.notes] : parts.notes, size);
}

/** One panel of a grid of small charts (vega-lite `concat` with `columns`). */
export type SweepPanel = Pick<LayerChartSpec, 'name' | 'title' | 'width' | 'height' | 'layer' | 'resolve'>;

/**
 * Panels in a wrapped grid under one title: the layout of the run overview (charts/overview.ts), with
 * smaller text. Its size follows from the panels (vega-lite cannot fit a grid to a fixed size).
 * Colour and shape are shared, so one legend serves every panel; axes are each panel's own.
 */
export function frameSweepGrid(panels: SweepPanel[], columns: number, title: string, subtitle: string[]): TopLevelSpec {
  const base = chartConfig();
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, ...(subtitle.length ? { subtitle } : {}) },
    concat: panels,
    columns,
    resolve: { scale: { x: 'independent', y: 'independent', color: 'shared', shape: 'shared' } },
    config: {
      ...base,
      title: { ...base.title, subtitleFontSize: 12 },
      axis: { ...base.axis, labelFontSize: 11, titleFontSize: 12 },
      concat: { spacing: 30 },
    },
  };
}

/** A layer's encoding of the run's tooltip fields, when the chart is interactive. */
export function tooltipIf<T extends object>(opts: SweepChartOptions, tooltip: T[]): { tooltip?: T[] } {
  return opts.interactive ? { tooltip } : {};
}

export type { ChartLayer, ChartParts };
