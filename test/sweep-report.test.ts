/**
 * The sweep's PNGs and report.html, from a hand-made sweep.json: PNGs that decode at twice their
 * chart size and are the same bytes every time; a page that escapes every untrusted string (level
 * folder names, model, reasons, notes), links each level's report by a relative path, leaks no
 * credential from the endpoint, and names no external URL.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { renderChart, renderPng } from '../src/report/render-chart.js';
import { SWEEP_CHART_KINDS, SWEEP_CHARTS, renderSweepPlots, sweepPlotSpec } from '../src/report/sweep/render-sweep-plots.js';
import { renderSweepReportHtml } from '../src/report/sweep/sweep-html.js';
import { HOSTILE } from './helpers/hostile-run.js';
import { HOSTILE_DIRS, hostileSweep, SECRET } from './helpers/hostile-sweep.js';
import { decodePng } from './helpers/png.js';
import { typicalSweep } from './helpers/sweep-fixture.js';

describe('renderSweepPlots (PNG)', () => {
  it('gives decodable PNGs at twice the chart size, the same bytes each time', async () => {
    const sweep = typicalSweep({ slo: true });
    const first = await renderSweepPlots(sweep);
    expect(first.map((f) => f.file)).toEqual(SWEEP_CHART_KINDS.map((k) => SWEEP_CHARTS[k].file));
    for (const [i, { file, bytes }] of first.entries()) {
      const png = decodePng(bytes);
      const kind = SWEEP_CHART_KINDS[i] as (typeof SWEEP_CHART_KINDS)[number];
      if (kind === 'throughputLatency') {
        // A grid: its size follows its panels, exactly twice its SVG's.
        const { svg } = await renderChart(sweepPlotSpec(sweep, kind));
        const [, w, h] = /width="(\d+)" height="(\d+)"/.exec(svg) ?? [];
        expect([png.width, png.height]).toEqual([2 * Number(w), 2 * Number(h)]);
        expect(png.height).toBeGreaterThan(2000);
      } else {
        expect([png.width, png.height], file).toEqual([1800, 1080]);
      }
    }
    // Drawn again alone (one chart, to keep the test short), the same bytes.
    const again = await renderPng(sweepPlotSpec(sweep, 'achieved'));
    expect(again.equals(first[SWEEP_CHART_KINDS.indexOf('achieved')]?.bytes as Buffer)).toBe(true);
    // Three charts, one a six-panel grid: seconds of work, more on a loaded 2-core machine.
  }, 90_000);
});

describe('renderSweepReportHtml', () => {
  const sweep = hostileSweep();
  const html = renderSweepReportHtml(sweep);
  /** The page without its script elements (the inlined libraries legitimately contain "<svg", URLs etc.). */
  const markup = html.replace(/<script[^>]*>[^]*?<\/script>/g, '');

  it('never puts a level folder, model name, reason or note into the page as markup', () => {
    for (const text of [...Object.values(HOSTILE), HOSTILE_DIRS[0] as string]) expect(html.includes(text), text).toBe(false);
    expect(markup).not.toMatch(/<(img|svg|iframe)/i);
    expect(markup).not.toMatch(/<[^>]*\son\w+\s*=/i);
    expect(html.match(/<script/g)).toHaveLength(5);
    // Shown as text: the model in the header, the folder as a link's text, the reasons in the table.
    expect(markup).toContain('&lt;/script&gt;&lt;script&gt;window.__pwned = 1; alert(1)&lt;/script&gt;');
    expect(markup).toContain('&quot;&gt;&lt;img src=x onerror=&quot;window.__pwned = 5&quot;&gt;</a>');
    expect(markup).toContain('&lt;img src=x onerror=&quot;window.__pwned = 2; alert(2)&quot;&gt;');
    expect(markup).toContain('&quot;&gt;&lt;svg onload=&quot;window.__pwned = 3;');
  });

  it("links each level's own report by a relative, URL-encoded path", () => {
    const hrefs = [...markup.matchAll(/href="([^"]*)"/g)].map((m) => m[1]);
    expect(hrefs).toEqual([
      // The six levels (the folders cycle), then the max-throughput probe's folder.
      './%22%3E%3Cimg%20src%3Dx%20onerror%3D%22window.__pwned%20%3D%205%22%3E/report.html',
      './javascript%3Aalert(6)/report.html',
      './rate%202%3Fx%3D1%23frag/report.html',
      './../../etc/report.html',
      './%22%3E%3Cimg%20src%3Dx%20onerror%3D%22window.__pwned%20%3D%205%22%3E/report.html',
      './javascript%3Aalert(6)/report.html',
      './%22%3E%3Cimg%20src%3Dx%20onerror%3D%22window.__pwned%20%3D%205%22%3E/report.html',
    ]);
    // Resolved against the sweep folder, none leaves the file system for another scheme or host.
    for (const href of hrefs) expect(new URL(href as string, 'file:///sweeps/s1/').protocol).toBe('file:');
  });

  it('shows the endpoint without its credentials', () => {
    expect(html.includes(SECRET)).toBe(false);
    expect(html.includes('admin')).toBe(false);
    expect(markup).toContain('<td>http://10.0.0.7:8000/v1/completions?…</td>');
  });

  it('names no external URL: no src or href to one, none in the chart data, and a CSP that allows none', () => {
    expect(markup).not.toMatch(/(src|href)\s*=\s*["']?(https?:|\/\/)/i);
    // The only URL-looking text outside the libraries is the endpoint, shown as text.
    expect(markup.replace('http://10.0.0.7:8000/v1/completions', '')).not.toMatch(/https?:/);
    const json = /<script type="application\/json" id="llmload-charts">([^]*?)<\/script>/.exec(html)?.[1] ?? '';
    expect(json).not.toMatch(/[<>]/);
    expect(json).not.toMatch(/https?:/);
    const charts = JSON.parse(json) as { id: string; spec: Record<string, unknown> }[];
    expect(charts.map((c) => c.id)).toEqual(SWEEP_CHART_KINDS.map((k) => `sweep-${k}`));
    // Hostile strings travel as data (tooltips), still there once parsed.
    expect(JSON.stringify(charts)).toContain(JSON.stringify(HOSTILE.error));
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1] ?? '';
    expect(csp).toMatch(/^default-src 'none'; script-src ('sha256-[A-Za-z0-9+/=]+' ?){4}; /);
    expect(csp).toContain("connect-src 'none'");
    expect(csp).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline|https?:/);
    const scripts = [...html.matchAll(/<script>([^]*?)<\/script>/g)].map((m) => m[1] as string);
    expect(scripts).toHaveLength(4);
    for (const s of scripts) expect(csp).toContain(`'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`);
  });

  it('has a row per level with its figures, and the max-rate answer', () => {
    const rows = markup.match(/<tr[^>]*><td>\d+<\/td><td class="text">/g) ?? [];
    expect(rows).toHaveLength(sweep.levels.length);
    // Level 3 (8 req/s): TTFT p50/p99 120/400 ms, 380 tok/s, goodput 6.5 req/s, objectives held.
    expect(markup).toMatch(/<td>3<\/td><td class="text">Poisson 8 req\/s<\/td><td>7.8<\/td><td>100 \/ 0<\/td><td>120 \/ 400<\/td>/);
    expect(markup).toContain('<td>380</td><td>6.5</td><td>83.33 %, <span class="held">held</span></td>');
    expect(markup).toContain('<tr class="stopped">');
    expect(markup).toContain('<b>8 req/s</b> (the answer lies in [8, 12) req/s, searched to 0.5 req/s)');
  });

  it('says no SLO was given when there was none', () => {
    const plain = renderSweepReportHtml(typicalSweep()).replace(/<script[^>]*>[^]*?<\/script>/g, '');
    expect(plain).toContain('no SLO given');
    expect(plain).not.toContain('goodput (req/s)</th>');
  });
});
