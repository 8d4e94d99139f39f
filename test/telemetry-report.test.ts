/**
 * A run folder with telemetry (gpu.jsonl, server_metrics.jsonl) read back and drawn end to end: the
 * telemetry PNG decodes at twice its SVG's size, the overview carries the panel, and report.html shows
 * the telemetry block and the send delay row, with every string that came from the host or the server
 * (a GPU name, a scrape error, the run's reasons) shown as text, never markup.
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { overviewSpec } from '../src/report/charts/overview.js';
import { renderHtmlReport } from '../src/report/html.js';
import { loadRun } from '../src/report/load-run.js';
import { renderChart } from '../src/report/render-chart.js';
import { plotSpec, renderPlotPng } from '../src/report/render-plots.js';
import { decodePng } from './helpers/png.js';
import { writeSyntheticRunFolder } from './helpers/synthetic-run.js';
import { writeTelemetryFiles } from './helpers/telemetry-fixture.js';
import { tempDir } from './helpers/temp-dir.js';

const EVIL_GPU = '</script><img src=x onerror="window.__pwned = 5">';
const EVIL_ERROR = '<script>window.__pwned = 6</script>';
const EVIL_REASON = '"><svg onload="window.__pwned = 7">';

function telemetryRunFolder(): string {
  const dir = tempDir();
  writeSyntheticRunFolder(dir, { n: 80, failEvery: 9 });
  writeTelemetryFiles(dir, { spanMs: 4500, gpus: 2, gpuName: EVIL_GPU, gpuEveryMs: 100, scrapeEveryMs: 250, failEvery: 4, scrapeError: EVIL_ERROR, extras: true });
  appendFileSync(join(dir, 'gpu.jsonl'), '{"tMs": 4600, "gpu": 0, "name": "NVI'); // killed mid-write
  return dir;
}

describe('a run folder with telemetry', () => {
  it('draws telemetry.png, decodable, at twice its SVG size; the overview carries the panel', async () => {
    const run = await loadRun(telemetryRunFolder());
    expect(run.telemetry.gpu).toHaveLength(2 * 46);
    expect(run.telemetry.skipped.gpu.count).toBe(1);
    const png = decodePng(await renderPlotPng(run, 'telemetry'));
    const [, w, h] = /width="(\d+)" height="(\d+)"/.exec((await renderChart(plotSpec(run, 'telemetry'))).svg) ?? [];
    expect([png.width, png.height]).toEqual([2 * Number(w), 2 * Number(h)]);
    // Five rows with data (memory, utilisation, cache, requests, preemptions): taller than a plain chart.
    expect(png.width).toBeGreaterThan(1600);
    expect(png.height).toBeGreaterThan(1080);
    const overview = JSON.stringify(overviewSpec(run));
    for (const row of ['memory', 'utilization', 'cache', 'requests', 'preemptions']) expect(overview).toContain(`"name":"panel_telemetry_${row}"`);
    // And its key numbers panel the headline telemetry figures (GPU 1 peaks at 72,192 MiB).
    expect(overview).toContain('GPU memory peak 70.5 GiB (NVML) · KV cache peak 90 % · max waiting 20');
  });

  it('puts the telemetry block and the send delay row in report.html, and host or server text only as text', async () => {
    const dir = telemetryRunFolder();
    const summaryPath = join(dir, 'summary.json');
    const summary = JSON.parse(readFileSync(summaryPath, 'utf8')) as Record<string, unknown>;
    summary.telemetry = { gpu: { status: 'on' }, server: { status: 'on', url: `http://127.0.0.1:9/metrics?${EVIL_REASON}` } };
    writeFileSync(summaryPath, JSON.stringify(summary));
    const html = renderHtmlReport(await loadRun(dir));
    const markup = html.replace(/<script[^>]*>[^]*?<\/script>/g, '');

    expect(markup).toContain('<h3 id="telemetry">Telemetry</h3>');
    // Peak 20,480 + 51,200 MiB = 70 GiB on GPU 0 at the end of the run; capacity 81,559 MiB.
    expect(markup).toContain('peak 70 GiB, mean 45 GiB of 79.65 GiB · NVML, 46 readings');
    expect(markup).toContain('GPU 0 memory (&lt;/script&gt;&lt;img src=x onerror=&quot;window.__pwned = 5&quot;&gt;)');
    expect(markup).toMatch(/<th>scrapes of \/metrics<\/th><td>15 answered, 4 failed/);
    expect(markup).toMatch(/<th>send delay<\/th><td>/);
    expect(markup).toContain('1 line(s) of gpu.jsonl could not be read and are left out: line 93: not valid JSON');

    for (const text of [EVIL_GPU, EVIL_ERROR, EVIL_REASON]) expect(html.includes(text), text).toBe(false);
    expect(markup).not.toMatch(/<(img|svg|iframe)/i);
    expect(markup).not.toMatch(/<[^>]*\son\w+\s*=/i);
    expect(html.match(/<script/g)).toHaveLength(5);
    // The chart data carries the GPU name in its notes, \u-escaped so it cannot close the script element.
    const json = /<script type="application\/json" id="llmload-charts">([^]*?)<\/script>/.exec(html)?.[1] ?? '';
    expect(json).not.toMatch(/[<>]/);
    const charts = JSON.parse(json) as { id: string; spec: unknown }[];
    const panel = JSON.stringify(charts.find((c) => c.id === 'chart-telemetry')?.spec);
    expect(panel.includes('from NVML on the benchmark host: </script><img src=x onerror=')).toBe(true);
  });

  it("says why the rows are empty when the server's /metrics never answered", async () => {
    const dir = tempDir();
    writeSyntheticRunFolder(dir, { n: 20 });
    writeTelemetryFiles(dir, { spanMs: 1000, scrapeEveryMs: 250, failEvery: 1, scrapeError: EVIL_ERROR });
    // The runner's block for this: GPU telemetry off, the server's metrics on with no problem named.
    const summaryPath = join(dir, 'summary.json');
    const summary = JSON.parse(readFileSync(summaryPath, 'utf8')) as Record<string, unknown>;
    summary.telemetry = { gpu: { status: 'off', reason: 'GPU telemetry off' }, server: { status: 'on', url: 'http://127.0.0.1:9/metrics', problem: null } };
    writeFileSync(summaryPath, JSON.stringify(summary));
    const run = await loadRun(dir);
    const html = renderHtmlReport(run);
    expect(html).toContain('no server metrics: GET /metrics did not answer (&lt;script&gt;window.__pwned = 6&lt;/script&gt;)');
    expect(html).toContain('no NVML: GPU telemetry off');
    expect(html.includes(EVIL_ERROR)).toBe(false);
  });
});
