import type { TopLevelSpec } from 'vega-lite';
import type { SweepResult } from '../../core/sweep/sweep-result.js';
import { renderReportPage } from '../report-page.js';
import { SWEEP_CHART_KINDS, SWEEP_CHARTS, type SweepChartKind } from './render-sweep-plots.js';
import { SWEEP_INTERACTIVE, SWEEP_REPORT_SIZE } from './sweep-frame.js';
import { renderLevelsTable, renderMaxSections, renderSweepHeader, renderSweepNotices, renderWorkload } from './sweep-html-sections.js';
import { sweepName } from './sweep-title.js';

/** The sweep report's file name in the sweep folder. */
export const SWEEP_REPORT_FILE = 'report.html';

/** The page's CSS, after the font (report-page.ts). */
const STYLE = `
body { font-family: Roboto, sans-serif; color: #222; margin: 0 auto; padding: 1.5rem 1.5rem 4rem; max-width: 960px; line-height: 1.45; }
h1 { font-weight: normal; font-size: 1.7rem; margin: 0 0 .2rem; } h1 .name { color: #0072B2; word-break: break-all; }
h2 { font-weight: normal; font-size: 1.3rem; margin: 2.2rem 0 .6rem; border-bottom: 1px solid #ddd; padding-bottom: .2rem; }
.facts { color: #444; margin: 0; }
.notices { background: #fff4e0; border-left: 4px solid #E69F00; padding: .4rem .9rem; margin: 1rem 0; }
table { border-collapse: collapse; margin: .6rem 0; font-variant-numeric: tabular-nums; }
th, td { padding: .22rem .7rem; text-align: left; border-bottom: 1px solid #eee; vertical-align: top; }
th { font-weight: normal; color: #555; }
.wide { overflow-x: auto; } table.levels { font-size: .88rem; } table.levels td { text-align: right; white-space: nowrap; }
table.levels td.text { text-align: left; white-space: normal; word-break: break-word; min-width: 7rem; }
tr.stopped td { background: #fff4f0; } .held { color: #009E73; } .broken { color: #D55E00; }
td { word-break: break-word; } .none { color: #999; }
.fine { color: #666; font-size: .9rem; }
figure { margin: 1.2rem 0 2rem; } .chart { min-height: 200px; overflow-x: auto; }
figcaption { color: #555; font-size: .92rem; margin-top: .3rem; }
`;

/** What each chart is for, under it in the report (fixed text, not data). */
const CAPTIONS: Record<SweepChartKind, string> = {
  throughputLatency:
    'Each level as one point: its output tokens per second against a latency percentile, labelled by the load offered. The joined rings are the Pareto frontier of the levels, the loads worth choosing between; the star is the best latency and the best throughput seen.',
  achieved:
    'Requests sent and completed per second at each level against the rate offered. A server that keeps up stays on the dashed y = x line; where completions leave it, the server is saturated. Crosses mark levels stopped early (hover for the reason).',
  goodput:
    'Goodput (requests per second within every per-request limit) beside completed requests, and the share of requests meeting the limits on the right axis. Crosses mark levels whose percentile objectives broke.',
};

/**
 * A spec for the page: the interactive chart, without the `$schema` URL (the page names no URL at
 * all), so the bootstrap is given the mode instead (report-page.ts).
 */
function pageSpec(sweep: SweepResult, kind: SweepChartKind): TopLevelSpec {
  const { $schema: _schema, ...spec } = SWEEP_CHARTS[kind].spec(sweep, SWEEP_INTERACTIVE, SWEEP_REPORT_SIZE) as TopLevelSpec & { $schema?: string };
  return spec as TopLevelSpec;
}

/**
 * The sweep as one self-contained HTML page, made like a run's report.html (html.ts): the levels'
 * table with a link to each level's own report, the charts (tooltips, zoom), the max-rate answer and
 * the workload. Works offline, under a Content-Security-Policy that forbids every network request
 * (the page shell is report-page.ts). Pure: sweep in, text out.
 *
 * Text from the server, the user or the file system is escaped where it is HTML (level folders also
 * URL-encoded in links) and \u-escaped where it is JSON data, never concatenated into script.
 */
export function renderSweepReportHtml(sweep: SweepResult): string {
  return renderReportPage({
    title: `llmload sweep: ${sweepName(sweep)}`,
    version: sweep.tool.version,
    style: STYLE,
    mode: 'vega-lite',
    before: [renderSweepHeader(sweep), renderSweepNotices(sweep), renderLevelsTable(sweep), renderMaxSections(sweep)],
    chartsNote: "Hover a point for the level's figures; drag to pan and scroll to zoom (double-click resets).",
    charts: SWEEP_CHART_KINDS.map((kind) => ({ id: `sweep-${kind}`, caption: CAPTIONS[kind], spec: pageSpec(sweep, kind) })),
    after: [renderWorkload(sweep)],
  });
}
