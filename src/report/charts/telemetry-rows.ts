import type { TopLevelSpec } from 'vega-lite';
import type { SavedRun } from '../saved-run.js';
import type { ChartLayer, ChartOptions } from './chart.js';
import { runSubtitle } from './run-title.js';
import { chartConfig, COLOR } from './theme.js';

/** One row of a stacked chart: its own y axis and legend, the x axis (run time) shared with the others. */
export interface ChartRow {
  /** Short id, unique in the chart: the row's view is named `${viewName}_${id}`. */
  id: string;
  title: string;
  /** Under the row's title: where the data came from, or why there is none. */
  notes: string[];
  /** The row's layers; empty when it has nothing to draw and `message` says why. */
  layer: ChartLayer[];
  /** Why the row has no data (e.g. "no NVML: GPU telemetry off"), shown in the row; null when it has data. */
  message: string | null;
}

/**
 * What a stacked chart's builder returns (the telemetry panel): like ChartParts, but rows instead of
 * layers, because vega-lite cannot stack y axes inside one layered view.
 */
export interface RowsChartParts {
  title: string;
  notes: string[];
  rows: ChartRow[];
}

export type RowsChartBuilder = (run: SavedRun, opts: ChartOptions) => RowsChartParts;

/** The size of a stacked chart: plot width and one row's plot height, in CSS pixels. */
export interface RowsSize {
  width: number;
  rowHeight: number;
}

/** A PNG's rows: 640 x 84 each, so the chart is about 900 wide like the others and grows with its rows. */
export const ROWS_SIZE: RowsSize = { width: 640, rowHeight: 84 };
/** A row that only says why it has no data needs one line of text. */
const MESSAGE_ROW_HEIGHT = 26;

type VConcat = Extract<TopLevelSpec, { vconcat: unknown }>;
type RowView = VConcat['vconcat'][number];

/**
 * The rows as one vertical stack, sharing the x scale (so zooming or reading across lines up in time)
 * while each row keeps its own y scale, colours and legend. Legends sit to the right of their row, so
 * every row's plot starts and ends at the same x.
 */
export function rowsView(parts: RowsChartParts, size: RowsSize, viewName: string): Pick<VConcat, 'vconcat' | 'resolve' | 'spacing'> {
  const vconcat = parts.rows.map(
    (row): RowView => ({
      name: `${viewName}_${row.id}`,
      // Anchored to the plot area, not the axis: rows with and without a y axis line up.
      title: { text: row.title, ...(row.notes.length ? { subtitle: row.notes } : {}), frame: 'group', fontSize: 13.5, subtitleFontSize: 11.5, offset: 5, subtitlePadding: 2 },
      width: size.width,
      height: row.message === null ? size.rowHeight : MESSAGE_ROW_HEIGHT,
      layer: row.message === null ? row.layer : [messageLayer(row.message, size.width)],
      ...(row.message === null ? {} : { view: { stroke: null } }),
    }),
  );
  return {
    vconcat,
    spacing: 14,
    resolve: { scale: { x: 'shared', y: 'independent', color: 'independent', strokeDash: 'independent' }, legend: { color: 'independent' } },
  };
}

/** A stacked chart as a complete vega-lite spec: title naming the run and its notes above the rows. */
export function frameRowsChart(parts: RowsChartParts, run: SavedRun, { size = ROWS_SIZE, runLine = true }: { size?: RowsSize; runLine?: boolean } = {}): TopLevelSpec {
  const subtitle = runLine ? [runSubtitle(run), ...parts.notes] : parts.notes;
  const base = chartConfig();
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: parts.title, ...(subtitle.length ? { subtitle } : {}) },
    ...rowsView(parts, size, 'telemetry'),
    config: {
      ...base,
      axis: { ...base.axis, labelFontSize: 11, titleFontSize: 11.5 },
    },
  };
}

/**
 * A row with nothing to draw says why, in one line (e.g. "no NVML: GPU telemetry off"). Placed by
 * pixel, not through scales, so it leaves the shared time axis alone.
 */
function messageLayer(message: string, width: number): ChartLayer {
  return {
    data: { values: [{ message }] },
    mark: { type: 'text', fontSize: 13, color: '#555555', align: 'left', baseline: 'middle', limit: width },
    encoding: { text: { field: 'message', type: 'nominal' }, x: { value: 0 }, y: { value: MESSAGE_ROW_HEIGHT / 2 } },
  };
}

/** Series colours for devices and figures: Okabe-Ito, repeated past eight. */
export const ROW_PALETTE = [COLOR.blue, COLOR.orange, COLOR.green, COLOR.vermillion, COLOR.sky, COLOR.purple, COLOR.grey, COLOR.ink];
