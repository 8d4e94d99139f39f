/**
 * The sweep's report.html in a real browser (Debian's Chromium through playwright-core, as
 * report-browser.test.ts does for a run): it must draw every chart with no console error and no
 * request but its own, show a level's figures on hover, run none of the script planted in level
 * folder names, model and reasons, and link each level's report inside the sweep folder.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SWEEP_CHART_KINDS } from '../src/report/sweep/render-sweep-plots.js';
import { renderSweepReportHtml } from '../src/report/sweep/sweep-html.js';
import { hostileSweep } from './helpers/hostile-sweep.js';

const CHROMIUM = '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));

if (!HAVE_CHROMIUM) console.warn(`sweep-report-browser.test.ts: SKIPPED, ${CHROMIUM} is not installed (apt-get install -y chromium)`);

describe.skipIf(!HAVE_CHROMIUM)(`sweep report.html in headless Chromium (skipped when ${CHROMIUM} is absent)`, () => {
  let dir: string;
  let context: BrowserContext;
  let page: Page;
  let pageUrl: string;
  const consoleErrors: string[] = [];
  const requests: string[] = [];
  const dialogs: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'llmload-sweep-report-'));
    const file = join(dir, 'report.html');
    writeFileSync(file, renderSweepReportHtml(hostileSweep()));
    pageUrl = pathToFileURL(file).href;
    context = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1100, height: 900 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    page.on('pageerror', (e) => consoleErrors.push(`uncaught: ${e.message}`));
    page.on('request', (r) => requests.push(r.url()));
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(pageUrl);
    await page.waitForSelector('body[data-charts]', { timeout: 25_000 });
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('draws every chart with no console error and no request other than the page itself', async () => {
    expect(await page.locator('body').getAttribute('data-charts')).toBe('ready');
    expect(consoleErrors).toEqual([]);
    expect(requests).toEqual([pageUrl]);
    for (const kind of SWEEP_CHART_KINDS) expect(await page.locator(`#sweep-${kind} svg .role-mark`).count(), kind).toBeGreaterThan(0);
  });

  it("shows a level's figures when the pointer is on its point", async () => {
    const point = page.locator('#sweep-achieved g.mark-symbol.role-mark path').first();
    await point.scrollIntoViewIfNeeded();
    const box = await point.boundingBox({ timeout: 5000 });
    if (!box) throw new Error('no point drawn');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const tooltip = page.locator('#vg-tooltip-element.visible');
    await tooltip.waitFor({ timeout: 5000 });
    const text = await tooltip.innerText();
    for (const field of ['level #', 'offered', 'sent (req/s)', 'completed (req/s)', 'folder']) expect(text).toContain(field);
  });

  it('runs none of the planted script, and links level reports inside the sweep folder', async () => {
    expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(dialogs).toEqual([]);
    expect(await page.locator('img, iframe, #vg-tooltip-element svg').count()).toBe(0);
    expect(await page.locator('script').count()).toBe(5);
    const links = await page.locator('#levels a').evaluateAll((as) => as.map((a) => (a as { href: string }).href));
    expect(links).toHaveLength(6);
    for (const href of links) expect(href.startsWith('file:///')).toBe(true);
    expect(links[1]).toBe(new URL('javascript%3Aalert(6)/report.html', pageUrl).href);
  });

  it('keeps a screenshot for a human to look at', async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.locator('header').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(ARTIFACTS, 'sweep-report.png'), fullPage: true });
    expect(existsSync(join(ARTIFACTS, 'sweep-report.png'))).toBe(true);
  });
});
