import { describe, expect, it } from 'vitest';
import { syntheticRecords, syntheticResult } from '../../../test/helpers/synthetic-run.js';
import { fixtureGpuSamples, fixtureServerSamples, type TelemetryFixtureOptions } from '../../../test/helpers/telemetry-fixture.js';
import { renderChart } from '../render-chart.js';
import { savedRunFromRecords, type SavedRun } from '../saved-run.js';
import { telemetryFromSamples } from '../telemetry-load.js';
import { INTERACTIVE_OPTIONS, STATIC_OPTIONS } from './chart.js';
import { interactiveSpec } from './interactive.js';
import { telemetryChart } from './telemetry-chart.js';
import { frameRowsChart, type ChartRow } from './telemetry-rows.js';

const N = 200;
const records = syntheticRecords({ n: N });
const SPAN_MS = Math.ceil(Math.max(...records.map((r) => r.endAtMs)));

/** A run with the fixture's telemetry; summary.json's telemetry block as given (none: an older run). */
function runWith(o: Omit<TelemetryFixtureOptions, 'spanMs'>, summaryTelemetry?: unknown): SavedRun {
  const result = { ...syntheticResult(records, { n: N }), telemetry: summaryTelemetry };
  const t = telemetryFromSamples(fixtureGpuSamples({ spanMs: SPAN_MS, ...o }), fixtureServerSamples({ spanMs: SPAN_MS, ...o }));
  return savedRunFromRecords(result, records, t);
}

/** The series drawn in each row, by row id (null: the row only says why it has no data). */
function seriesByRow(rows: ChartRow[]): Record<string, string[] | string> {
  return Object.fromEntries(
    rows.map((r) => {
      if (r.message !== null) return [r.id, r.message];
      const values = (r.layer[0] as { data: { values: { series: string }[] } }).data.values;
      return [r.id, [...new Set(values.map((v) => v.series))]];
    }),
  );
}

describe('telemetry chart', () => {
  it('draws every row from NVML and the server when both are there', () => {
    const run = runWith({ gpus: 2, gpuEveryMs: 200, scrapeEveryMs: 500, extras: true });
    const parts = telemetryChart(run, STATIC_OPTIONS);
    expect(seriesByRow(parts.rows)).toEqual({
      memory: ['GPU 0', 'GPU 1'],
      utilization: ['GPU 0', 'GPU 1'],
      cache: ['KV-cache usage', 'prefix-cache hit rate'],
      requests: ['running (server)', 'waiting (server)', 'in flight (client)'],
      preemptions: ['preemptions/s'],
    });
    const memory = parts.rows.find((r) => r.id === 'memory') as ChartRow;
    expect(memory.notes[0]).toBe('from NVML on the benchmark host: NVIDIA H100 80GB HBM3 × 2, 79.65 GiB each');
    // MiB drawn as GiB, on an axis up to the capacity.
    const values = (memory.layer[0] as { data: { values: { series: string; value: number }[] } }).data.values;
    expect(values[0]).toMatchObject({ series: 'GPU 0', value: 20 });
    expect(JSON.stringify(memory.layer[0])).toContain('"domain":[0,79.6474609375]');
    // Only the bottom row names the shared time axis.
    expect(JSON.stringify(parts.rows.map((r) => r.layer)).match(/time since the run started/g)).toHaveLength(1);
  });

  it("takes GPU memory from the server's DCGM figure without NVML, and says so on the row", () => {
    const run = runWith({ scrapeEveryMs: 500, dcgmGpus: 2 }, { gpu: { status: 'off', reason: 'libnvidia-ml.so.1: cannot open shared object file' }, server: { status: 'on' } });
    const parts = telemetryChart(run, STATIC_OPTIONS);
    expect(seriesByRow(parts.rows)).toEqual({
      memory: ['GPU 0', 'GPU 1'],
      utilization: 'no NVML: libnvidia-ml.so.1: cannot open shared object file',
      cache: ['KV-cache usage'],
      requests: ['running (server)', 'waiting (server)', 'in flight (client)'],
    });
    expect(parts.rows[0]?.notes[0]).toBe("from the server's /metrics (DCGM_FI_DEV_FB_USED), no NVML: libnvidia-ml.so.1: cannot open shared object file");
  });

  it('says why in each row when there is neither, and still draws the client in flight', () => {
    const run = runWith({});
    const parts = telemetryChart(run, STATIC_OPTIONS);
    expect(seriesByRow(parts.rows)).toEqual({
      memory: 'no NVML: GPU telemetry off; no server metrics: none recorded (server_metrics.jsonl absent)',
      utilization: 'no NVML: GPU telemetry off',
      cache: 'no server metrics: none recorded (server_metrics.jsonl absent)',
      requests: ['in flight (client)'],
    });
    expect(parts.rows.find((r) => r.id === 'requests')?.notes).toContain('no server metrics: none recorded (server_metrics.jsonl absent)');
    // With the run's own reasons, those are what the rows say.
    const withReasons = runWith({}, { gpu: { status: 'off', reason: '--no-gpu' }, server: { status: 'off', reason: 'GET http://127.0.0.1:8000/metrics: HTTP 404' } });
    expect(seriesByRow(telemetryChart(withReasons, STATIC_OPTIONS).rows)).toMatchObject({
      utilization: 'no NVML: --no-gpu',
      cache: 'no server metrics: GET http://127.0.0.1:8000/metrics: HTTP 404',
    });
  });

  it('words a server that never answered with its error, and draws failed scrapes as gaps', () => {
    const never = runWith({ scrapeEveryMs: 500, failEvery: 1, scrapeError: 'connect ECONNREFUSED 127.0.0.1:8000' });
    expect(seriesByRow(telemetryChart(never, STATIC_OPTIONS).rows).cache).toBe('no server metrics: GET /metrics did not answer (connect ECONNREFUSED 127.0.0.1:8000)');
    const some = runWith({ scrapeEveryMs: 500, failEvery: 3 });
    const requests = telemetryChart(some, STATIC_OPTIONS).rows.find((r) => r.id === 'requests') as ChartRow;
    const running = (requests.layer[0] as { data: { values: { series: string; value: number | null }[] } }).data.values.filter((v) => v.series === 'running (server)');
    expect(running.filter((v) => v.value === null)).toHaveLength(Math.floor(running.length / 3));
  });

  it('renders without a warning, static and interactive, for each shape', async () => {
    for (const run of [runWith({ gpus: 3, scrapeEveryMs: 400, extras: true, failEvery: 4 }), runWith({ scrapeEveryMs: 500, dcgmGpus: 1 }), runWith({})]) {
      const { warnings } = await renderChart(frameRowsChart(telemetryChart(run, STATIC_OPTIONS), run));
      expect(warnings).toEqual([]);
      const live = await renderChart(interactiveSpec(run, 'telemetry'));
      expect(live.warnings.filter((w) => w !== 'Can not resolve event source: window')).toEqual([]);
    }
  });

  it('downsamples long GPU series per device, keeping the peak, and says so', () => {
    const run = runWith({ gpus: 8, gpuEveryMs: 10 });
    const parts = telemetryChart(run, { ...INTERACTIVE_OPTIONS, maxPoints: 3000 });
    const memory = parts.rows[0] as ChartRow;
    const values = (memory.layer[0] as { data: { values: { series: string; value: number }[] } }).data.values;
    const perGpu = values.filter((v) => v.series === 'GPU 7');
    expect(perGpu.length).toBeLessThanOrEqual(375);
    const samplesPerGpu = run.telemetry.gpu.filter((s) => s.gpu === 7);
    expect(Math.max(...perGpu.map((v) => v.value))).toBe(Math.max(...samplesPerGpu.map((s) => s.memoryUsedMiB)) / 1024);
    expect(memory.notes.join(' ')).toMatch(/lowest and highest reading \(375 points of up to [\d,]+\)/);
  });
});
