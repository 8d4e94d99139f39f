import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { renderReportPage, type ReportPage } from './report-page.js';

const PAGE: ReportPage = {
  title: 'llmload test: <b>&',
  version: '1.2.3"',
  style: '\nbody { color: #222; }\n',
  before: ['<header>before</header>', '<section>two</section>'],
  chartsNote: 'Hover a point.',
  charts: [
    { id: 'c-a', caption: 'A <caption>', spec: { mark: 'point', note: '</script><b>' } },
    { id: 'c-b', caption: 'B', spec: { mark: 'bar' } },
  ],
  after: ['<section>after</section>'],
};

/** The inline scripts, in order (the JSON data block first). */
function scripts(html: string): string[] {
  return [...html.matchAll(/<script>([^]*?)<\/script>/g)].map((m) => m[1] ?? '');
}

describe('renderReportPage', () => {
  const html = renderReportPage(PAGE);

  it('escapes the title, version and captions, and keeps the sections in order around the charts', () => {
    expect(html).toContain('<title>llmload test: &lt;b&gt;&amp;</title>');
    expect(html).toContain('content="llmload 1.2.3&quot;"');
    expect(html).toContain('<figcaption>A &lt;caption&gt;</figcaption>');
    const order = ['<header>before</header>', '<section>two</section>', '<section id="charts">', 'Hover a point.', 'id="c-a"', 'id="c-b"', '<section>after</section>', 'id="llmload-charts"'];
    const at = order.map((s) => html.indexOf(s));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
  });

  it('puts the font before the page style, and the specs in a JSON block that cannot close it', () => {
    expect(html).toMatch(/<style>\n@font-face \{ font-family: Roboto; src: url\(data:font\/ttf;base64,[A-Za-z0-9+/=]+\) format\('truetype'\); \}\nbody \{ color: #222; \}\n<\/style>/);
    const json = /<script type="application\/json" id="llmload-charts">([^]*?)<\/script>/.exec(html)?.[1] ?? '';
    expect(json).not.toMatch(/[<>]/);
    expect(JSON.parse(json)).toEqual(PAGE.charts.map(({ id, spec }) => ({ id, spec })));
  });

  it('allows exactly its four inline scripts by hash', () => {
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1] ?? '';
    const inline = scripts(html);
    expect(inline).toHaveLength(4);
    for (const s of inline) expect(csp).toContain(`'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`);
  });

  it('gives vega-embed the mode only when the page asks for it', () => {
    const bootstrap = (page: ReportPage): string => scripts(renderReportPage(page)).at(-1) ?? '';
    expect(bootstrap(PAGE)).not.toContain('mode:');
    expect(bootstrap({ ...PAGE, mode: 'vega-lite' })).toContain("\n        mode: 'vega-lite',\n        ast: true,\n");
  });
});
