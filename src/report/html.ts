import { createHash } from 'node:crypto';
import { CHART_KINDS } from './charts/index.js';
import { interactiveSpec } from './charts/interactive.js';
import { runName } from './charts/run-title.js';
import { escapeHtml, inlineScriptSource, jsonForScript } from './html-escape.js';
import { renderConfiguration, renderErrors, renderHeader, renderNotices, renderSummary } from './html-summary.js';
import { reportAssets } from './report-assets.js';
import type { SavedRun } from './saved-run.js';

/** The report's file name in the run folder. */
export const REPORT_FILE = 'report.html';

/**
 * Draws the charts once the page and its font are loaded. Static text: the chart specs reach it as
 * data (JSON.parse of a non-executable script element), never as code. `ast: true` makes vega
 * interpret expressions instead of compiling them with `new Function`, so the page needs no
 * 'unsafe-eval'. When every chart is drawn, <body data-charts="ready">; on failure "error".
 */
const BOOTSTRAP = `(async () => {
  const charts = JSON.parse(document.getElementById('llmload-charts').textContent);
  try {
    await document.fonts.load('12px Roboto');
    for (const c of charts) {
      await vegaEmbed('#' + c.id, c.spec, {
        ast: true,
        renderer: 'svg',
        actions: { export: true, source: false, compiled: false, editor: false },
        downloadFileName: c.id,
      });
    }
    document.body.dataset.charts = 'ready';
  } catch (err) {
    document.body.dataset.charts = 'error';
    const p = document.createElement('p');
    p.className = 'notices';
    p.textContent = 'The charts could not be drawn: ' + (err && err.message ? err.message : String(err));
    document.getElementById('charts').prepend(p);
    throw err;
  }
})();`;

const STYLE = `
@font-face { font-family: Roboto; src: url(data:font/ttf;base64,FONT) format('truetype'); }
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
 * offline: vega, vega-lite, vega-embed and the font are inlined, and a Content-Security-Policy
 * forbids every network request (default-src 'none'; scripts only by hash). Pure: run in, text out.
 *
 * Text from the server or the user is escaped where it is HTML and \u-escaped where it is JSON data,
 * never concatenated into script; the hash-only script policy is a second wall behind that.
 */
export function renderHtmlReport(run: SavedRun): string {
  const assets = reportAssets();
  const charts = CHART_KINDS.map((kind) => ({ id: `chart-${kind}`, kind, spec: interactiveSpec(run, kind) }));
  const scripts = [assets.vega, assets.vegaLite, assets.vegaEmbed, BOOTSTRAP].map(inlineScriptSource);
  const hashes = scripts.map((s) => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`);
  const csp = [
    "default-src 'none'",
    `script-src ${hashes.join(' ')}`,
    // vega-embed and its tooltip add <style> elements at run time.
    "style-src 'unsafe-inline'",
    // The export menu builds PNG / SVG downloads as data: and blob: URLs.
    'img-src data: blob:',
    'font-src data:',
    "connect-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  const figures = charts
    .map((c) => `<figure><div class="chart" id="${c.id}"></div><figcaption>${escapeHtml(CAPTIONS[c.kind])}</figcaption></figure>`)
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="llmload ${escapeHtml(run.result.tool.version)}">
<title>llmload report: ${escapeHtml(runName(run))}</title>
<style>${STYLE.replace('FONT', assets.fontBase64)}</style>
</head>
<body>
${renderHeader(run)}
${renderNotices(run)}
${renderSummary(run)}
${renderErrors(run)}
<section id="charts"><h2>Charts</h2>
<p class="fine">Drag to pan, scroll to zoom, double-click to reset; hover a point for the request's details; click a legend entry to show only that series (shift-click for more, click elsewhere for all).</p>
${figures}
</section>
${renderConfiguration(run)}
<script type="application/json" id="llmload-charts">${jsonForScript(charts.map(({ id, spec }) => ({ id, spec })))}</script>
${scripts.map((s) => `<script>${s}</script>`).join('\n')}
</body>
</html>
`;
}
