import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HOSTILE, hostileRun } from '../../test/helpers/hostile-run.js';
import { syntheticRun } from '../../test/helpers/synthetic-run.js';
import { CHART_KINDS } from './charts/index.js';
import { interactiveSpec } from './charts/interactive.js';
import { renderHtmlReport } from './html.js';
import { renderChart } from './render-chart.js';

describe('renderHtmlReport', () => {
  const html = renderHtmlReport(hostileRun());
  /** The page without its script elements (the inlined libraries legitimately contain "<svg" etc.). */
  const markup = html.replace(/<script[^>]*>[^]*?<\/script>/g, '');

  it('never puts server or user text into the page as markup', () => {
    for (const text of Object.values(HOSTILE)) expect(html.includes(text), text).toBe(false);
    expect(markup).not.toMatch(/<(img|svg|iframe)/i);
    // No tag carries an event handler attribute (the hostile text shows only as text).
    expect(markup).not.toMatch(/<[^>]*\son\w+\s*=/i);
    expect(html.match(/<script/g)).toHaveLength(5);
    // Shown as text instead: in the header, the configuration and the error list.
    expect(html).toContain('&lt;img src=x onerror=&quot;window.__pwned = 2; alert(2)&quot;&gt;');
    expect(html).toContain('&lt;/script&gt;&lt;script&gt;window.__pwned = 1; alert(1)&lt;/script&gt;');
    expect(html).toContain('&quot;&gt;&lt;svg onload=&quot;window.__pwned = 3;');
  });

  it('carries the chart data as JSON that cannot close its script element', () => {
    const json = /<script type="application\/json" id="llmload-charts">([^]*?)<\/script>/.exec(html)?.[1] ?? '';
    expect(json).not.toMatch(/[<>]/);
    const charts = JSON.parse(json) as { id: string }[];
    expect(charts.map((c) => c.id)).toEqual(CHART_KINDS.map((k) => `chart-${k}`));
    // The failed requests' messages travel in the timeline's tooltip data, still escaped.
    expect(json.includes('\\u003csvg onload=\\"window.__pwned = 3')).toBe(true);
  });

  it('runs only its own scripts, by hash, and allows no network request', () => {
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1] ?? '';
    expect(csp).toMatch(/^default-src 'none'; script-src ('sha256-[A-Za-z0-9+/=]+' ?){4}; /);
    expect(csp).toContain("connect-src 'none'");
    expect(csp).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline|https?:/);
    const scripts = [...html.matchAll(/<script>([^]*?)<\/script>/g)].map((m) => m[1] as string);
    expect(scripts).toHaveLength(4);
    for (const s of scripts) expect(csp).toContain(`'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`);
    // Nothing in the markup points anywhere: no src or href to a URL.
    expect(markup).not.toMatch(/(src|href)\s*=\s*["']?(https?:|\/\/)/i);
  });

  it('inlines the font, and vega, vega-lite and vega-embed', () => {
    expect(html).toMatch(/@font-face \{ font-family: Roboto; src: url\(data:font\/ttf;base64,AAEAAA/);
    expect(html.length).toBeGreaterThan(800_000);
  });

  it("gives charts that vega-lite and vega accept without a warning, for each fixture's shape", async () => {
    for (const run of [syntheticRun({ n: 50, failEvery: 7 }), syntheticRun({ n: 8, outputTokens: () => 1 })]) {
      for (const kind of CHART_KINDS) {
        const { warnings } = await renderChart(interactiveSpec(run, kind));
        // Zoom listens on the browser's window, which Node has not; the browser test checks the real page.
        expect(warnings.filter((w) => w !== 'Can not resolve event source: window'), kind).toEqual([]);
      }
    }
  });
});
