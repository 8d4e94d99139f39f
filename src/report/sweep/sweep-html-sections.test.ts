import { describe, expect, it } from 'vitest';
import { typicalSweep } from '../../../test/helpers/sweep-fixture.js';
import { displayEndpoint, levelReportHref, renderLevelsTable } from './sweep-html-sections.js';

describe('levelReportHref', () => {
  it('gives a relative link to the level report, every segment URL-encoded, then HTML-escaped', () => {
    expect(levelReportHref('level-03')).toBe('./level-03/report.html');
    expect(levelReportHref('levels/rate 2')).toBe('./levels/rate%202/report.html');
    expect(levelReportHref('a\\b')).toBe('./a/b/report.html');
    expect(levelReportHref("it's")).toBe('./it&#39;s/report.html');
    expect(levelReportHref('https://evil.example/x')).toBe('./https%3A/evil.example/x/report.html');
    expect(levelReportHref('')).toBe('./report.html');
  });
});

describe('displayEndpoint', () => {
  it('cuts credentials and the query string, and leaves a plain endpoint alone', () => {
    expect(displayEndpoint('http://127.0.0.1:8000/v1/completions')).toBe('http://127.0.0.1:8000/v1/completions');
    expect(displayEndpoint('https://u:p@host/v1/chat/completions?key=k')).toBe('https://host/v1/chat/completions?…');
    // Not a URL the parser takes: cut by pattern all the same.
    expect(displayEndpoint('//u:p@host:bad port/x?key=k')).toBe('//host:bad port/x?…');
  });
});

describe('renderLevelsTable', () => {
  it('leaves the goodput columns out without an SLO, and fills them with one', () => {
    expect(renderLevelsTable(typicalSweep())).not.toContain('goodput');
    const html = renderLevelsTable(typicalSweep({ slo: true }));
    expect(html).toContain('<th>goodput (req/s)</th><th>SLO attainment</th>');
    // 12 req/s: goodput 1.2 of 8.3 completed, p99 TTFT 3,000 ms over the 800 ms objective.
    expect(html).toContain('<td>1.2</td><td>14.46 %, <span class="broken">broken</span></td>');
  });

  it('says so when no level was run', () => {
    expect(renderLevelsTable({ ...typicalSweep(), levels: [] })).toContain('no level was run');
  });
});
