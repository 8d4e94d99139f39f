import { createHash } from 'node:crypto';
import { escapeHtml, inlineScriptSource, jsonForScript } from './html-escape.js';
import { reportAssets } from './report-assets.js';

/** One chart of a page: the element it is drawn into, the fixed text under it, and its vega-lite spec. */
export interface ReportPageChart {
  id: string;
  caption: string;
  spec: unknown;
}

/** What a report page holds; the shell around it (scripts, policy, font, chart bootstrap) is common. */
export interface ReportPage {
  /** The <title>, as text (escaped here). */
  title: string;
  /** llmload's version, for the generator <meta>. */
  version: string;
  /** The page's own CSS, after the inlined font's @font-face. */
  style: string;
  /**
   * The embed mode the bootstrap passes to vega-embed. Sweep specs travel without their `$schema`
   * URL, and vega-embed would take a wrapped `concat` grid for a vega spec unless told.
   */
  mode?: 'vega-lite';
  /** HTML sections before the charts (each already escaped). */
  before: string[];
  /** HTML of the fixed line that says how to use the charts. */
  chartsNote: string;
  charts: ReportPageChart[];
  /** HTML sections after the charts (each already escaped). */
  after: string[];
}

/**
 * Draws the charts once the page and its font are loaded. Static text: the chart specs reach it as
 * data (JSON.parse of a non-executable script element), never as code. `ast: true` makes vega
 * interpret expressions instead of compiling them with `new Function`, so the page needs no
 * 'unsafe-eval'. When every chart is drawn, <body data-charts="ready">; on failure "error".
 */
function bootstrap(mode: ReportPage['mode']): string {
  return `(async () => {
  const charts = JSON.parse(document.getElementById('llmload-charts').textContent);
  try {
    await document.fonts.load('12px Roboto');
    for (const c of charts) {
      await vegaEmbed('#' + c.id, c.spec, {
${mode ? `        mode: '${mode}',\n` : ''}        ast: true,
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
}

/**
 * A self-contained HTML report page: the given sections around a Charts section whose charts are
 * live. Works offline: vega, vega-lite, vega-embed and the font are inlined, and a
 * Content-Security-Policy forbids every network request (default-src 'none'; scripts only by hash).
 * Pure: page in, text out.
 *
 * The specs travel \u-escaped as JSON data, never concatenated into script; the hash-only script
 * policy is a second wall behind that. The sections must come escaped by their renderers.
 */
export function renderReportPage(page: ReportPage): string {
  const assets = reportAssets();
  const scripts = [assets.vega, assets.vegaLite, assets.vegaEmbed, bootstrap(page.mode)].map(inlineScriptSource);
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
  const figures = page.charts
    .map((c) => `<figure><div class="chart" id="${c.id}"></div><figcaption>${escapeHtml(c.caption)}</figcaption></figure>`)
    .join('\n');
  const fontFace = `@font-face { font-family: Roboto; src: url(data:font/ttf;base64,${assets.fontBase64}) format('truetype'); }`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="llmload ${escapeHtml(page.version)}">
<title>${escapeHtml(page.title)}</title>
<style>
${fontFace}${page.style}</style>
</head>
<body>
${page.before.join('\n')}
<section id="charts"><h2>Charts</h2>
<p class="fine">${page.chartsNote}</p>
${figures}
</section>
${page.after.join('\n')}
<script type="application/json" id="llmload-charts">${jsonForScript(page.charts.map(({ id, spec }) => ({ id, spec })))}</script>
${scripts.map((s) => `<script>${s}</script>`).join('\n')}
</body>
</html>
`;
}
