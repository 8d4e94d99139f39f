/**
 * A report page opened in a real browser: Debian's Chromium, driven by playwright-core, headless and
 * offline-minded (no background networking, no component updates), with everything the page does that
 * a test checks recorded: console errors and uncaught exceptions, every request, every dialog.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Locator, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);

export interface OpenReport {
  page: Page;
  /** The file: URL the page was loaded from. */
  pageUrl: string;
  consoleErrors: string[];
  requests: string[];
  dialogs: string[];
  /** Closes the browser and removes the page's folder. */
  close(): Promise<void>;
}

/**
 * Writes `html` as report.html in a fresh temporary folder (prefix `dirPrefix`), opens it, and waits
 * until its bootstrap has marked <body data-charts> ("ready" or "error"; the test says which it wants).
 */
export async function openReport(html: string, dirPrefix: string): Promise<OpenReport> {
  const dir = mkdtempSync(join(tmpdir(), dirPrefix));
  const file = join(dir, 'report.html');
  writeFileSync(file, html);
  const pageUrl = pathToFileURL(file).href;
  const context = await chromium
    .launchPersistentContext(join(dir, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1100, height: 900 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
    })
    .catch((err: unknown) => {
      rmSync(dir, { recursive: true, force: true });
      throw err;
    });
  const close = async (): Promise<void> => {
    await context.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const opened: OpenReport = { page, pageUrl, consoleErrors: [], requests: [], dialogs: [], close };
    page.on('console', (m) => m.type() === 'error' && opened.consoleErrors.push(m.text()));
    page.on('pageerror', (e) => opened.consoleErrors.push(`uncaught: ${e.message}`));
    page.on('request', (r) => opened.requests.push(r.url()));
    page.on('dialog', (d) => {
      opened.dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(pageUrl);
    await page.waitForSelector('body[data-charts]', { timeout: 25_000 });
    return opened;
  } catch (err) {
    await close();
    throw err;
  }
}

/** Move the pointer to the middle of what `target` draws (scrolled into view first). */
export async function hoverCenter(target: Locator): Promise<void> {
  await target.scrollIntoViewIfNeeded();
  const box = await target.boundingBox({ timeout: 5000 });
  if (!box) throw new Error('target has no box');
  await target.page().mouse.move(box.x + box.width / 2, box.y + box.height / 2);
}
