/**
 * The sweep's report.html in a real browser (Debian's Chromium through playwright-core, as
 * report-browser.test.ts does for a run): it must draw every chart with no console error and no
 * request but its own, show a level's figures on hover, run none of the script planted in level
 * folder names, model and reasons, and link each level's report inside the sweep folder.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SWEEP_CHART_KINDS } from '../src/report/sweep/render-sweep-plots.js';
import { renderSweepReportHtml } from '../src/report/sweep/sweep-html.js';
import { hostileSweep } from './helpers/hostile-sweep.js';
import { CHROMIUM, HAVE_CHROMIUM, hoverCenter, openReport, type OpenReport } from './helpers/report-browser.js';

const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));

if (!HAVE_CHROMIUM) console.warn(`sweep-report-browser.test.ts: SKIPPED, ${CHROMIUM} is not installed (apt-get install -y chromium)`);

describe.skipIf(!HAVE_CHROMIUM)(`sweep report.html in headless Chromium (skipped when ${CHROMIUM} is absent)`, () => {
  let opened: OpenReport;
  let page: Page;

  beforeAll(async () => {
    opened = await openReport(renderSweepReportHtml(hostileSweep()), 'llmload-sweep-report-');
    page = opened.page;
  }, 60_000);

  afterAll(async () => {
    await opened?.close();
  });

  it('draws every chart with no console error and no request other than the page itself', async () => {
    expect(await page.locator('body').getAttribute('data-charts')).toBe('ready');
    expect(opened.consoleErrors).toEqual([]);
    expect(opened.requests).toEqual([opened.pageUrl]);
    for (const kind of SWEEP_CHART_KINDS) expect(await page.locator(`#sweep-${kind} svg .role-mark`).count(), kind).toBeGreaterThan(0);
  });

  it("shows a level's figures when the pointer is on its point", async () => {
    await hoverCenter(page.locator('#sweep-achieved g.mark-symbol.role-mark path').first());
    const tooltip = page.locator('#vg-tooltip-element.visible');
    await tooltip.waitFor({ timeout: 5000 });
    const text = await tooltip.innerText();
    for (const field of ['level #', 'offered', 'offered, as drawn (req/s)', 'completed (req/s)', 'folder']) expect(text).toContain(field);
  });

  it('runs none of the planted script, and links level reports inside the sweep folder', async () => {
    expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(opened.dialogs).toEqual([]);
    expect(await page.locator('img, iframe, #vg-tooltip-element svg').count()).toBe(0);
    expect(await page.locator('script').count()).toBe(5);
    const links = await page.locator('#levels a').evaluateAll((as) => as.map((a) => (a as { href: string }).href));
    expect(links).toHaveLength(6);
    for (const href of links) expect(href.startsWith('file:///')).toBe(true);
    expect(links[1]).toBe(new URL('javascript%3Aalert(6)/report.html', opened.pageUrl).href);
  });

  it('keeps a screenshot for a human to look at', async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.locator('header').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(ARTIFACTS, 'sweep-report.png'), fullPage: true });
    expect(existsSync(join(ARTIFACTS, 'sweep-report.png'))).toBe(true);
  });
});
