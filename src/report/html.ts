import { CHART_KINDS } from './charts/index.js';
import { interactiveSpec } from './charts/interactive.js';
import { runName } from './charts/run-title.js';
import { renderConfiguration, renderErrors, renderHeader, renderNotices, renderSummary } from './html-summary.js';
import { renderReportPage } from './report-page.js';
import type { SavedRun } from './saved-run.js';

/** The report's file name in the run folder. */
export const REPORT_FILE = 'report.html';

/** The page's CSS, after the font (report-page.ts). */
const STYLE = `
body { font-family: Roboto, sans-serif; color: #222; margin: 0 auto; padding: 1.5rem 1.5rem 4rem; max-width: 960px; line-height: 1.45; }
h1 { font-weight: normal; font-size: 1.7rem; margin: 0 0 .2rem; } h1 .name { color: #0072B2; word-break: break-all; }
h2 { font-weight: normal; font-size: 1.3rem; margin: 2.2rem 0 .6rem; border-bottom: 1px solid #ddd; padding-bottom: .2rem; }
h3 { font-weight: normal; font-size: 1.1rem; margin: 1.4rem 0 .3rem; }
.facts { color: #444; margin: 0; }
.notices { background: #fff4e0; border-left: 4px solid #E69F00; padding: .4rem .9rem; margin: 1rem 0; }
table { border-collapse: collapse; margin: .6rem 0; font-variant-numeric: tabular-nums; }
th, td { padding: .22rem .7rem; text-align: left; border-bottom: 1px solid #eee; vertical-align: top; }
th { font-weight: normal; color: #555; }
table.dist td { text-align: right; } table.dist thead th { text-align: right; } table.dist thead th:first-child { text-align: left; }
td { word-break: break-word; } .none { color: #999; text-align: center !important; }
.fine { color: #666; font-size: .9rem; }
figure { margin: 1.2rem 0 2rem; } .chart { min-height: 200px; }
figcaption { color: #555; font-size: .92rem; margin-top: .3rem; }
code, pre { font-size: .85rem; background: #f6f6f6; } pre { padding: .6rem; overflow-x: auto; white-space: pre-wrap; word-break: break-all; }
ul.errors code { word-break: break-all; }
`;

/** What each chart is for, under it in the report (fixed text, not data). */
const CAPTIONS: Record<(typeof CHART_KINDS)[number], string> = {
  throughputLatency: 'Each successful request: its latency against its own output tokens per second. The joined points are the Pareto frontier, the best trade-off reached; the star is the best latency and the best throughput seen.',
  ttft: 'Time to first token of successful requests, with p50, p90 and p99.',
  tokensPerSec: 'Output tokens per second of each request in send order, with a rolling mean: a falling curve is a server slowing down over the run.',
  timeline: 'Latency and TTFT of each request at the time it was sent (log scale); ticks at the foot mark when requests were due.',
  itlTpot: 'Cumulative distributions of the gaps between streamed chunks (ITL) and of each request\u2019s time per output token (TPOT).',
  inFlight: 'Requests in flight as the client saw them, against the concurrency cap.',
  requestRate: 'Requests sent per second against those due by the Poisson schedule and the rate asked for.',
  scheduleLag: 'How late each request left against its schedule; includes waiting for a concurrency slot.',
  telemetry: 'What the GPUs and the server did while the requests ran, on the same time axis: GPU memory per device (NVML, else the server\u2019s DCGM_FI_DEV_FB_USED, as named on the row), GPU utilisation, KV-cache usage, and the server\u2019s running and waiting requests against those in flight at the client. Gaps are scrapes that failed.',
};

/**
 * The run as one self-contained HTML page: configuration, summary, errors, and the charts, live
 * (zoom and pan, a tooltip with each request's details, legend entries that toggle series). Works
 * offline, under a Content-Security-Policy that forbids every network request (the page shell is
 * report-page.ts). Pure: run in, text out.
 *
 * Text from the server or the user is escaped where it is HTML and \u-escaped where it is JSON data,
 * never concatenated into script; the hash-only script policy is a second wall behind that.
 */
export function renderHtmlReport(run: SavedRun): string {
  return renderReportPage({
    title: `llmload report: ${runName(run)}`,
    version: run.result.tool.version,
    style: STYLE,
    before: [renderHeader(run), renderNotices(run), renderSummary(run), renderErrors(run)],
    chartsNote:
      "Drag to pan, scroll to zoom, double-click to reset; hover a point for the request's details; click a legend entry to show only that series (shift-click for more, click elsewhere for all).",
    charts: CHART_KINDS.map((kind) => ({ id: `chart-${kind}`, caption: CAPTIONS[kind], spec: interactiveSpec(run, kind) })),
    after: [renderConfiguration(run)],
  });
}
