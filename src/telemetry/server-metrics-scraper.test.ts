import { afterEach, describe, expect, it } from 'vitest';
import { performance } from 'node:perf_hooks';
import { ConfigError } from '../errors.js';
import { exporterPage, startFakeExporter, vllmPage, type FakeExporter } from '../../test/helpers/exporter-fixtures.js';
import type { ServerMetricsSample } from './samples.js';
import { createServerMetricsScraper, type ServerMetricsScraper, type ServerMetricsScraperOptions } from './server-metrics-scraper.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function exporter(...args: Parameters<typeof startFakeExporter>): Promise<FakeExporter> {
  const e = await startFakeExporter(...args);
  cleanups.push(() => e.close());
  return e;
}

/** A scraper on a manual clock, every sample and notice kept. */
function scraperOf(url: string, extra: Partial<ServerMetricsScraperOptions> = {}) {
  const clock = { t: 0 };
  const samples: ServerMetricsSample[] = [];
  const problems: string[] = [];
  const scraper = createServerMetricsScraper({
    url,
    intervalMs: 1000,
    now: () => clock.t,
    onSample: (s) => samples.push(s),
    onProblem: (m) => problems.push(m),
    ...extra,
  });
  cleanups.push(() => scraper.stop());
  return { scraper, clock, samples, problems };
}

async function scrapeOk(scraper: ServerMetricsScraper): Promise<ServerMetricsSample> {
  const s = await scraper.scrapeNow();
  if (!s) throw new Error('scrape skipped');
  return s;
}

describe('server metrics scraper against a loopback exporter', () => {
  it('turns counter increments over known intervals into exact rates, and a counter reset into a rate from 0', async () => {
    const e = await exporter({ kind: 'page', text: vllmPage({ running: 3, promptTokens: 1000, generationTokens: 500, prefixHits: 0, prefixQueries: 0 }) });
    const { scraper, clock, samples } = scraperOf(e.metricsUrl);

    clock.t = 100;
    const first = await scrapeOk(scraper);
    expect(first).toMatchObject({ tMs: 100, ok: true, running: 3, generationTokensPerSec: null });

    e.reply({ kind: 'page', text: vllmPage({ running: 5, promptTokens: 1800, generationTokens: 1100, preemptions: 1, prefixHits: 300, prefixQueries: 400 }) });
    clock.t = 2100; // 2 s later: +800 prompt, +600 generated tokens, 1 preemption
    const second = await scrapeOk(scraper);
    expect(second).toMatchObject({ running: 5, promptTokensPerSec: 400, generationTokensPerSec: 300, preemptionsPerSec: 0.5, prefixCacheHitRate: 0.75 });

    // The server restarted: its counters start again from 0.
    e.reply({ kind: 'page', text: vllmPage({ running: 1, promptTokens: 90, generationTokens: 40, prefixHits: 10, prefixQueries: 40 }) });
    clock.t = 2600;
    const third = await scrapeOk(scraper);
    expect(third).toMatchObject({ promptTokensPerSec: 180, generationTokensPerSec: 80, preemptionsPerSec: 0, prefixCacheHitRate: 0.25 });
    expect(samples).toEqual([first, second, third]);
    expect(scraper.counts()).toEqual({ scrapes: 3, failed: 0, skipped: 0 });
    // Asked for the classic text format.
    expect(e.received[0]?.headers.accept).toMatch(/^text\/plain;version=0\.0\.4/);
  });

  it('records a 500, garbage and a timeout as ok:false samples and goes on; rates resume against the last good scrape', async () => {
    const e = await exporter({ kind: 'page', text: vllmPage({ generationTokens: 100 }) });
    const { scraper, clock, samples, problems } = scraperOf(e.metricsUrl, { intervalMs: 1000, timeoutMs: 300 });

    await scrapeOk(scraper);
    e.reply({ kind: 'status', status: 500, body: 'Internal Server Error' });
    clock.t = 1000;
    expect(await scrapeOk(scraper)).toMatchObject({ ok: false, error: `GET ${e.metricsUrl} answered 500: Internal Server Error`, running: null });
    e.reply({ kind: 'page', text: '<html><body>502 Bad Gateway</body></html>' });
    clock.t = 2000;
    const garbage = await scrapeOk(scraper);
    expect(garbage.ok).toBe(false);
    expect(garbage.error).toMatch(/answered text that is not Prometheus exposition: line 1: /);
    e.reply({ kind: 'stall' });
    clock.t = 3000;
    expect(await scrapeOk(scraper)).toMatchObject({ ok: false, error: `GET ${e.metricsUrl} timed out after 300 ms` });
    e.release();

    e.reply({ kind: 'page', text: vllmPage({ generationTokens: 900 }) });
    clock.t = 4000;
    const back = await scrapeOk(scraper);
    expect(back).toMatchObject({ ok: true, generationTokensPerSec: 200 }); // 800 tokens over the 4 s since the last good scrape
    expect(samples.map((s) => s.ok)).toEqual([true, false, false, false, true]);
    expect(scraper.counts()).toEqual({ scrapes: 5, failed: 3, skipped: 0 });
    // One notice for the streak of failures, not one per scrape.
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^server metrics: scrape failed \(GET .* answered 500/);
  });

  it('records a refused connection as data', async () => {
    const e = await exporter({ kind: 'page', text: '' });
    const url = e.metricsUrl;
    await e.close();
    const { scraper } = scraperOf(url);
    const s = await scrapeOk(scraper);
    expect(s.ok).toBe(false);
    expect(s.error).toMatch(new RegExp(`^GET ${url} failed: .*ECONNREFUSED`));
  });

  it('never overlaps scrapes: one asked for while another is in flight is skipped and counted', async () => {
    const e = await exporter({ kind: 'stall' });
    const { scraper, samples, problems } = scraperOf(e.metricsUrl, { intervalMs: 10_000, timeoutMs: 5_000 });
    const first = scraper.scrapeNow();
    // Wait until the stalled request has reached the server, then ask again.
    while (e.remotePorts.length === 0) await new Promise((r) => setTimeout(r, 5));
    expect(await scraper.scrapeNow()).toBeNull();
    expect(scraper.counts().skipped).toBe(1);
    expect(problems[0]).toMatch(/skipped a scrape \(the previous scrape was still running\)/);
    e.reply({ kind: 'page', text: exporterPage('tgi') });
    e.release();
    expect(await first).toMatchObject({ ok: true, running: 24 });
    expect(samples).toHaveLength(1);
    expect(e.remotePorts).toHaveLength(1);
  });

  it('scrapes on its own schedule after start(), over one kept-alive connection of its own, until stop()', async () => {
    const e = await exporter({ kind: 'page', text: exporterPage('vllm-v1') });
    const samples: ServerMetricsSample[] = [];
    let reached: () => void = () => undefined;
    const fourthOk = new Promise<void>((r) => (reached = r));
    const scraper = createServerMetricsScraper({
      url: e.metricsUrl,
      intervalMs: 100,
      now: () => performance.now(),
      onSample: (s) => {
        samples.push(s);
        if (samples.filter((x) => x.ok).length === 4) reached();
      },
    });
    scraper.start();
    scraper.start(); // a second start changes nothing
    await fourthOk;
    await scraper.stop();
    const after = samples.length;
    const ok = samples.filter((s) => s.ok);
    // On a loaded machine a scrape may time out (90 ms); those are data, the others must be right.
    expect(ok.every((s) => s.running === 8 && s.kvCacheUsage === 0.3)).toBe(true);
    expect(ok[1]!.promptTokensPerSec).toBe(0); // the fixture page does not change
    for (let i = 1; i < samples.length; i++) expect(samples[i]!.tMs).toBeGreaterThan(samples[i - 1]!.tMs);
    const { scrapes, failed } = scraper.counts();
    expect(scrapes).toBe(after);
    // One connection, kept alive; only a timed-out scrape (its socket is cut) makes the next one reconnect.
    expect(new Set(e.remotePorts).size).toBeLessThanOrEqual(1 + failed);
    expect(await scraper.scrapeNow()).toBeNull(); // stopped
    await new Promise((r) => setTimeout(r, 150));
    expect(samples).toHaveLength(after);
  });

  it('rejects bad options with a ConfigError naming each flag', () => {
    const base = { now: () => 0, onSample: () => undefined };
    let err: unknown;
    try {
      createServerMetricsScraper({ ...base, url: 'localhost:8000/metrics', intervalMs: 0 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems.map((p) => p.field)).toEqual(['--metrics-url', '--metrics-interval']);
    expect(() => createServerMetricsScraper({ ...base, url: 'http://127.0.0.1:1/metrics', intervalMs: 100, timeoutMs: 100 })).toThrow(
      /timeoutMs: must be above 0 and below the interval/,
    );
    expect(() => createServerMetricsScraper({ ...base, url: 'ftp://user:secret@host/metrics', intervalMs: 100 })).toThrow(
      /--metrics-url: "ftp:\/\/host\/metrics" is not an http\(s\) URL/,
    );
  });
});
