/**
 * The HTML report in a real browser: Debian's Chromium, driven by playwright-core. The page must load
 * with no console error and no request but its own, draw every chart, show a request's details on
 * hover, toggle a series from the legend, and run none of the script a hostile server planted in its
 * model name, label and error messages. A screenshot is kept in test/artifacts/ for a human to look at.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHART_KINDS } from '../src/report/charts/index.js';
import { renderHtmlReport } from '../src/report/html.js';
import { telemetryFromSamples } from '../src/report/telemetry-load.js';
import { HOSTILE, hostileRun } from './helpers/hostile-run.js';
import { CHROMIUM, HAVE_CHROMIUM, hoverCenter, openReport, type OpenReport } from './helpers/report-browser.js';
import { fixtureGpuSamples, fixtureServerSamples } from './helpers/telemetry-fixture.js';

const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));

if (!HAVE_CHROMIUM) {
  // Said out loud, not only skipped: CI installs chromium (.ci/run), so this should never show there.
  console.warn(`report-browser.test.ts: SKIPPED, ${CHROMIUM} is not installed (apt-get install -y chromium)`);
}

async function clickCenter(target: Locator): Promise<void> {
  await hoverCenter(target);
  await target.page().mouse.down();
  await target.page().mouse.up();
}

describe.skipIf(!HAVE_CHROMIUM)(`report.html in headless Chromium (skipped when ${CHROMIUM} is absent)`, () => {
  let opened: OpenReport;
  let page: Page;

  beforeAll(async () => {
    // With telemetry whose GPU name and scrape errors are hostile too.
    const run = hostileRun(60);
    const spanMs = Math.max(...run.requests.map((r) => r.endAtMs));
    const telemetry = telemetryFromSamples(
      fixtureGpuSamples({ spanMs, gpus: 2, gpuEveryMs: 100, gpuName: HOSTILE.model }),
      fixtureServerSamples({ spanMs, scrapeEveryMs: 250, failEvery: 3, scrapeError: HOSTILE.error }),
    );
    opened = await openReport(renderHtmlReport({ ...run, telemetry }), 'llmload-report-');
    page = opened.page;
  }, 60_000);

  afterAll(async () => {
    await opened?.close();
  });

  it('loads with no console error and no request other than the page itself', async () => {
    expect(await page.locator('body').getAttribute('data-charts')).toBe('ready');
    expect(opened.consoleErrors).toEqual([]);
    expect(opened.requests).toEqual([opened.pageUrl]);
  });

  it('draws every chart as SVG with marks in it', async () => {
    for (const kind of CHART_KINDS) {
      const marks = await page.locator(`#chart-${kind} svg .role-mark`).count();
      expect(marks, kind).toBeGreaterThan(0);
    }
  });

  it("shows a request's details when the pointer is on its point", async () => {
    await page.locator('#chart-throughputLatency').scrollIntoViewIfNeeded();
    await hoverCenter(page.locator('#chart-throughputLatency g.mark-symbol.role-mark path').first());
    const tooltip = page.locator('#vg-tooltip-element.visible');
    await tooltip.waitFor({ timeout: 5000 });
    const text = await tooltip.innerText();
    for (const field of ['request #', 'latency (s)', 'TTFT (ms)', 'output tokens']) expect(text).toContain(field);
  });

  it("shows a telemetry reading's details on hover, in every row with data", async () => {
    await page.locator('#chart-telemetry').scrollIntoViewIfNeeded();
    // The invisible points on the GPU memory line carry its tooltips.
    await hoverCenter(page.locator('#chart-telemetry g.mark-symbol.role-mark path').nth(20));
    const tooltip = page.locator('#vg-tooltip-element.visible');
    await tooltip.waitFor({ timeout: 5000 });
    const text = await tooltip.innerText();
    for (const field of ['series', 'time (s)', 'GiB']) expect(text).toContain(field);
    // One line per series: 2 GPUs' memory, 2 GPUs' utilisation, KV cache, running, waiting, in flight.
    expect(await page.locator('#chart-telemetry g.mark-line.role-mark').count()).toBe(8);
    await page.mouse.move(0, 0);
  });

  it('toggles a series from its legend entry', async () => {
    const opacity = (): Promise<string | null> => page.locator('#chart-throughputLatency g.mark-symbol.role-mark path').first().getAttribute('opacity');
    expect(await opacity()).toBe('0.45');
    // The second legend entry's symbol: "Pareto frontier (...)". Clicking it shows that series only.
    await clickCenter(page.locator('#chart-throughputLatency .role-legend-symbol path').nth(1));
    await expect.poll(opacity, { timeout: 5000 }).toBe('0.06');
    await page.keyboard.press('Escape');
  });

  it("shows a failed request's hostile error message as text, and runs none of the planted script", async () => {
    await page.locator('#chart-timeline').scrollIntoViewIfNeeded();
    // A failed request's cross (each mark's ARIA label names its series).
    await hoverCenter(page.locator('#chart-timeline path[aria-label*="series: failed"]').first());
    const tooltip = page.locator('#vg-tooltip-element.visible');
    await tooltip.waitFor({ timeout: 5000 });
    expect(await tooltip.innerText()).toContain('window.__pwned = 3');
    expect(await page.locator('header h1').innerText()).toContain(HOSTILE.label);
    expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('img, iframe, #vg-tooltip-element svg').count()).toBe(0);
    // Only the report's own four scripts (libraries and bootstrap) and its JSON data.
    expect(await page.locator('script').count()).toBe(5);
    expect(opened.dialogs).toEqual([]);
  });

  it('keeps a screenshot for a human to look at', async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.locator('header').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(ARTIFACTS, 'report.png'), fullPage: true });
    expect(existsSync(join(ARTIFACTS, 'report.png'))).toBe(true);
  });
});
