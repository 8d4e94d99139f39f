import type { TopLevelSpec } from 'vega-lite';
import type { SavedRun } from '../saved-run.js';
import { frameChart, INTERACTIVE_OPTIONS, type ChartLayer } from './chart.js';
import { CHARTS, type ChartEntry, type ChartKind } from './index.js';
import { frameRowsChart, type RowsSize } from './telemetry-rows.js';

/** The report's charts are a little smaller than the PNGs, to sit in a page column. */
const REPORT_SIZE = { width: 880, height: 470 } as const;
/** The telemetry panel's rows: with their axis and legends, about as wide as the other charts. */
const REPORT_ROWS_SIZE: RowsSize = { width: 620, rowHeight: 80 };
/** Opacity of a series switched off from the legend: faint, so the reader still sees where it was. */
const HIDDEN_OPACITY = 0.06;
const PICK = 'legend_pick';

/**
 * One chart for the HTML report: the same builder as its PNG, with fewer points, zoom and pan
 * (drag, wheel; double-click resets), tooltips with each request's details, and the legend as a
 * switch (click an entry to show only that series, shift-click for more, click empty space to
 * show all). The page names the run once, so the chart's subtitle keeps only its own notes.
 */
export function interactiveSpec(run: SavedRun, kind: ChartKind): TopLevelSpec {
  const entry: ChartEntry = CHARTS[kind];
  if ('rows' in entry) {
    // Each row has its own legend, so its own switch; zoom is on the time axis the rows share.
    const parts = entry.rows(run, INTERACTIVE_OPTIONS);
    const rows = parts.rows.map((r) => ({ ...r, layer: withLegendToggle(r.layer, `${PICK}_${r.id}`) }));
    return frameRowsChart({ ...parts, rows }, run, { size: REPORT_ROWS_SIZE, runLine: false });
  }
  const parts = entry.build(run, INTERACTIVE_OPTIONS);
  return frameChart({ ...parts, layer: withLegendToggle(parts.layer, PICK) }, run, { size: REPORT_SIZE, runLine: false });
}

/**
 * Bind a point selection on `series` to the colour legend: layers coloured by series fade out when
 * their series is not picked. The selection is declared once, on the first such layer; vega-lite
 * selections are global, so every layer can test it (and each legend needs a name of its own).
 */
function withLegendToggle(layers: ChartLayer[], pickName: string): ChartLayer[] {
  let declared = false;
  return layers.map((l): ChartLayer => {
    if (!('mark' in l) || (l.encoding?.color as { field?: unknown } | undefined)?.field !== 'series') return l;
    const markOpacity = typeof l.mark === 'object' && typeof l.mark.opacity === 'number' ? l.mark.opacity : 1;
    const pick = { name: pickName, select: { type: 'point' as const, fields: ['series'] }, bind: 'legend' as const };
    const params = declared ? l.params : [...(l.params ?? []), pick];
    // Legend options stay on the declaring layer only: vega-lite makes that layer's legend interactive,
    // and the same options on the other layers would then disagree with it.
    const { legend: _legend, ...colorWithoutLegend } = l.encoding?.color as Record<string, unknown>;
    const color = declared ? colorWithoutLegend : l.encoding?.color;
    declared = true;
    const opacity = { condition: { param: pickName, value: markOpacity }, value: HIDDEN_OPACITY };
    return { ...l, ...(params ? { params } : {}), encoding: { ...l.encoding, color, opacity } } as ChartLayer;
  });
}
