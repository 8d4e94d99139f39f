import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeTelemetryFiles } from '../../test/helpers/telemetry-fixture.js';
import { writeSyntheticRunFolder } from '../../test/helpers/synthetic-run.js';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { loadRun } from './load-run.js';
import { telemetryFromSamples } from './telemetry-load.js';

function runFolder(): string {
  const dir = tempDir();
  writeSyntheticRunFolder(dir, { n: 10 });
  return dir;
}

describe('loadRun: telemetry', () => {
  it('gives empty timelines, marked absent, when the run recorded none', async () => {
    const dir = runFolder();
    // An older run: summary.json without a telemetry block.
    const path = join(dir, 'summary.json');
    const json = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    delete json.telemetry;
    writeFileSync(path, JSON.stringify(json));
    const run = await loadRun(dir);
    expect(run.telemetry).toEqual({
      gpu: [],
      server: [],
      files: { gpu: false, server: false },
      skipped: { gpu: { count: 0, examples: [] }, server: { count: 0, examples: [] } },
    });
    // An older summary.json has no telemetry block: both parts unknown, not an error.
    expect(run.result.telemetry).toEqual({ gpu: null, server: null });
  });

  it('reads gpu.jsonl and server_metrics.jsonl sample for sample', async () => {
    const dir = runFolder();
    const written = writeTelemetryFiles(dir, { spanMs: 1000, gpus: 2, scrapeEveryMs: 250, failEvery: 3, dcgmGpus: 1 });
    const run = await loadRun(dir);
    expect(run.telemetry.gpu).toEqual(written.gpu);
    expect(run.telemetry.server).toEqual(written.server);
    expect(run.telemetry.files).toEqual({ gpu: true, server: true });
    expect(run.telemetry.server.filter((s) => !s.ok)).toHaveLength(1);
    // Repeated metric-source maps are kept once, not once a line.
    const ok = run.telemetry.server.filter((s) => s.ok);
    expect(ok[0]?.sources).toBe(ok[1]?.sources);
  });

  it('skips a torn last line and samples with bad fields, counting each with its line and field', async () => {
    const dir = runFolder();
    writeTelemetryFiles(dir, { spanMs: 300, gpus: 1, scrapeEveryMs: 100 });
    const gpuPath = join(dir, 'gpu.jsonl');
    const lines = readFileSync(gpuPath, 'utf8').split('\n');
    lines.splice(1, 0, JSON.stringify({ tMs: 5, gpu: -1, name: 'x', memoryUsedMiB: 'lots', memoryTotalMiB: 1, memoryReservedMiB: null, utilizationPct: null, memoryApi: 'v2' }));
    writeFileSync(gpuPath, lines.join('\n'));
    appendFileSync(gpuPath, '{"tMs": 400, "gpu": 0, "na'); // killed mid-write
    appendFileSync(join(dir, 'server_metrics.jsonl'), '{"tMs": 400, "ok": "yes"}\n');
    const run = await loadRun(dir);
    expect(run.telemetry.gpu).toHaveLength(4);
    expect(run.telemetry.skipped.gpu.count).toBe(2);
    expect(run.telemetry.skipped.gpu.examples[0]).toMatch(/^line 2: gpu: .*; memoryUsedMiB: /);
    expect(run.telemetry.skipped.gpu.examples[1]).toBe('line 6: not valid JSON');
    expect(run.telemetry.server).toHaveLength(4);
    expect(run.telemetry.skipped.server).toMatchObject({ count: 1 });
    expect(run.telemetry.skipped.server.examples[0]).toMatch(/^line 5: ok: /);
    // The requests are untouched by telemetry's bad lines.
    expect(run.requests).toHaveLength(10);
    expect(run.skipped.count).toBe(0);
  });

  it('treats an empty file as present with no samples, and sorts a file written out of order', async () => {
    const dir = runFolder();
    writeFileSync(join(dir, 'gpu.jsonl'), '');
    const server = telemetryFromSamples([], []);
    expect(server.files.server).toBe(false);
    writeTelemetryFiles(dir, { spanMs: 300, scrapeEveryMs: 100 });
    const path = join(dir, 'server_metrics.jsonl');
    writeFileSync(path, readFileSync(path, 'utf8').split('\n').reverse().join('\n'));
    const run = await loadRun(dir);
    expect(run.telemetry.files).toEqual({ gpu: true, server: true });
    expect(run.telemetry.gpu).toEqual([]);
    expect(run.telemetry.server.map((s) => s.tMs)).toEqual([0, 100, 200, 300]);
  });

  it("reads summary.json's telemetry block leniently: a part in an unknown shape is null, never fatal", async () => {
    const dir = runFolder();
    const path = join(dir, 'summary.json');
    const json = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    json.telemetry = { gpu: { status: 'off', reason: 'libnvidia-ml.so.1: cannot open shared object file' }, server: 'on', gpuMemorySource: null };
    writeFileSync(path, JSON.stringify(json));
    const run = await loadRun(dir);
    expect(run.result.telemetry).toEqual({
      gpu: { status: 'off', reason: 'libnvidia-ml.so.1: cannot open shared object file', url: null },
      server: null,
    });
    // The runner's shape for a source that was on: its problem, if any, words the empty rows.
    json.telemetry = { gpu: { status: 'on', source: 'nvml', devices: [], problem: null }, server: { status: 'on', url: 'http://127.0.0.1:8000/metrics', scrapes: 3, problem: 'every scrape failed' } };
    writeFileSync(path, JSON.stringify(json));
    expect((await loadRun(dir)).result.telemetry).toEqual({
      gpu: { status: 'on', reason: null, url: null },
      server: { status: 'on', reason: 'every scrape failed', url: 'http://127.0.0.1:8000/metrics' },
    });
  });
});
