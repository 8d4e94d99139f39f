/**
 * Telemetry through a whole run: the server's metrics scraped on the records' clock, the per-request
 * GPU memory with its source (NVML first, the server's DCGM figure otherwise), NVML absent or failing
 * mid-run without harm to the run, and a --metrics-url that does not answer named before anything is sent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../src/errors.js';
import { startSimulator, type SimulatorHandle } from '../src/sim/index.js';
import type { GpuSample, ServerMetricsSample } from '../src/telemetry/samples.js';
import { collectRun } from './helpers/collect-run.js';
import { startFaultServer } from './helpers/fault-server.js';
import { buildNvmlStub, haveCc, type NvmlStubBuild } from './helpers/nvml-stub.js';

const CC = haveCc();

describe('run telemetry', () => {
  let sim: SimulatorHandle;
  let stub: NvmlStubBuild | undefined;
  beforeAll(async () => {
    // The realistic profile: its /metrics carries vLLM gauges and DCGM_FI_DEV_FB_USED.
    sim = await startSimulator({ maxNumSeqs: 8, outputTokens: 24, stepJitter: 0 });
    if (CC) stub = buildNvmlStub();
  });
  afterAll(async () => {
    await sim.close();
    stub?.remove();
  });

  it('scrapes the server on the records\' clock and takes gpu_memory_mb from its DCGM figure when NVML is absent', async () => {
    const server: ServerMetricsSample[] = [];
    const notices: string[] = [];
    const { result, records } = await collectRun(
      // The simulator shares this test's event loop: an interval long enough that scrapes never time out.
      { endpoint: `${sim.url}/v1/completions`, ratePerSec: 30, totalRequests: 60, maxConcurrency: 16, maxTokens: 24, metricsIntervalMs: 300, gpus: 'all' },
      { nvmlLibraryPath: '/nonexistent/libnvidia-ml.so.1', hooks: { onServerSample: (s) => server.push(s), onNotice: (n) => notices.push(n) } },
    );
    expect(notices.some((n) => n.includes('GPU telemetry: off'))).toBe(true);
    expect(result.telemetry.gpu.status).toBe('off');
    expect(result.telemetry.server.status).toBe('on');
    expect(result.telemetry.gpuMemorySource).toBe('server_metrics');
    expect(server.length).toBeGreaterThanOrEqual(4);
    // One timeline: the scrapes span the requests, in order, on the same clock.
    const times = server.map((s) => s.tMs);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    const firstSent = Math.min(...records.map((r) => r.sentAtMs));
    const lastEnd = Math.max(...records.map((r) => r.endAtMs));
    expect(times[0] as number).toBeLessThan(firstSent + 300);
    // A scrape that times out on a busy machine is a sample too, with its reason: data, not a failure.
    expect(server.filter((s) => s.ok).length).toBeGreaterThanOrEqual(3);
    for (const s of server.filter((x) => !x.ok)) expect(s.error).toMatch(/metrics/);
    expect(times.at(-1) as number).toBeGreaterThanOrEqual(lastEnd);
    // While requests ran, the server said it was running some.
    expect(server.some((s) => (s.running ?? 0) > 0)).toBe(true);
    // Every request has the DCGM figure (the simulator's memory is flat: weights + reserved KV).
    const dcgm = server.find((s) => s.gpuMemoryUsedMiB)?.gpuMemoryUsedMiB?.[0] as number;
    expect(dcgm).toBeGreaterThan(1000);
    const firstReading = (server.find((s) => s.ok) as ServerMetricsSample).tMs;
    for (const r of records) expect(r.gpuMemoryMb).toBe(r.endAtMs < firstReading ? null : dcgm);
    if (result.telemetry.server.status === 'on') {
      expect(result.telemetry.server.sources.gpuMemoryUsedMiB).toBe('DCGM_FI_DEV_FB_USED');
      expect(result.telemetry.server.figures.running?.peak).toBeGreaterThan(0);
    }
  });

  it.skipIf(!CC)('prefers NVML for gpu_memory_mb, the peak sampled while each request was in flight', async () => {
    const lib = (stub as NvmlStubBuild).library({ devices: 2, used_start_mib: 1000, used_step_mib: 10 });
    const gpu: GpuSample[] = [];
    const { result, records } = await collectRun(
      { endpoint: `${sim.url}/v1/completions`, ratePerSec: 40, totalRequests: 30, maxConcurrency: 8, maxTokens: 24, gpuIntervalMs: 20, metricsIntervalMs: 100 },
      { nvmlLibraryPath: lib.path, hooks: { onGpuSample: (s) => gpu.push(s) } },
    );
    expect(result.telemetry.gpuMemorySource).toBe('nvml');
    expect(result.telemetry.gpu.status).toBe('on');
    expect(gpu.length).toBeGreaterThan(10);
    expect(new Set(gpu.map((s) => s.gpu))).toEqual(new Set([0, 1]));
    // Recompute each request's figure from the samples: the total of both devices' latest readings,
    // peak over the request's time plus the reading in effect when it was sent.
    const latest = new Map<number, number>();
    const totals: { t: number; total: number }[] = [];
    for (const s of gpu) {
      latest.set(s.gpu, s.memoryUsedMiB);
      totals.push({ t: s.tMs, total: [...latest.values()].reduce((a, b) => a + b, 0) });
    }
    for (const r of records) {
      const before = totals.filter((x) => x.t <= r.sentAtMs).at(-1);
      const during = totals.filter((x) => x.t > r.sentAtMs && x.t <= r.endAtMs).map((x) => x.total);
      const expected = Math.max(...(before ? [before.total] : []), ...during);
      expect(r.gpuMemoryMb).toBe(expected);
    }
    // The stub's memory grows with every reading: later requests saw more.
    const first = records.reduce((a, b) => (a.sentAtMs < b.sentAtMs ? a : b));
    const last = records.reduce((a, b) => (a.sentAtMs > b.sentAtMs ? a : b));
    expect(last.gpuMemoryMb as number).toBeGreaterThan(first.gpuMemoryMb as number);
    if (result.telemetry.gpu.status === 'on') {
      expect(result.telemetry.gpu.devices.map((d) => d.index)).toEqual([0, 1]);
      expect(result.telemetry.gpu.devices[0]?.memoryUsedMiB.peak).toBeGreaterThan(1000);
    }
  });

  it.skipIf(!CC)('goes on when NVML fails mid-run: one notice, sampling stopped, records keep the memory seen before', async () => {
    const lib = (stub as NvmlStubBuild).library({ devices: 1, fail_memory_after: 5 });
    const notices: string[] = [];
    const { result, records } = await collectRun(
      { endpoint: `${sim.url}/v1/completions`, ratePerSec: 40, totalRequests: 20, maxConcurrency: 8, maxTokens: 24, gpuIntervalMs: 20, metricsUrl: 'off' },
      { nvmlLibraryPath: lib.path, hooks: { onNotice: (n) => notices.push(n) } },
    );
    expect(records).toHaveLength(20);
    expect(records.every((r) => r.ok)).toBe(true);
    expect(notices.filter((n) => n.includes('GPU telemetry stopped mid-run'))).toHaveLength(1);
    if (result.telemetry.gpu.status !== 'on') throw new Error('expected GPU telemetry on');
    expect(result.telemetry.gpu.problem).toMatch(/GPU_IS_LOST|Lost/i);
    expect(result.telemetry.server).toEqual({ status: 'off', reason: 'turned off (--no-server-metrics)' });
    expect(lib.callCount('nvmlShutdown')).toBe(1);
  });

  it('an explicit --metrics-url that does not answer is a configuration error; the default one is a notice', async () => {
    const plain = await startFaultServer(() => null);
    try {
      const endpoint = `${plain.url}/v1/completions`;
      await expect(collectRun({ endpoint, totalRequests: 1, metricsUrl: `${plain.url}/nope`, gpus: 'off' })).rejects.toThrow(ConfigError);
      const notices: string[] = [];
      const { result } = await collectRun({ endpoint, totalRequests: 2, gpus: 'off' }, { hooks: { onNotice: (n) => notices.push(n) } });
      expect(result.telemetry.server.status).toBe('off');
      expect(notices.some((n) => n.startsWith('llmload: server metrics: off'))).toBe(true);
    } finally {
      await plain.close();
    }
  });

  it('scrapes on a thread of its own (compiled entry), stamping samples on the caller\'s clock, and takes a last scrape at stop', async () => {
    const { startServerMetricsScraping } = await import('../dist/telemetry/server-metrics-worker.js');
    const samples: ServerMetricsSample[] = [];
    const originHrtimeNs = process.hrtime.bigint();
    const now = (): number => Number(process.hrtime.bigint() - originHrtimeNs) / 1e6;
    const scraping = await startServerMetricsScraping({
      url: `${sim.url}/metrics`,
      intervalMs: 100,
      originHrtimeNs,
      now,
      onSample: (s: ServerMetricsSample) => samples.push(s),
      onProblem: () => undefined,
    });
    expect(scraping.inWorker).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 450));
    const beforeStop = samples.length;
    const stopAt = now();
    await scraping.stop();
    expect(beforeStop).toBeGreaterThanOrEqual(2);
    expect(samples.length).toBe(beforeStop + 1); // the last scrape at stop
    const times = samples.map((s) => s.tMs);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(times[0] as number).toBeGreaterThanOrEqual(0);
    expect(times.at(-1) as number).toBeGreaterThanOrEqual(stopAt);
    expect(times.at(-1) as number).toBeLessThanOrEqual(now());
    expect(samples.filter((s) => s.ok).length).toBeGreaterThanOrEqual(2);
  });

  it('a scraping hook that throws is reported once, not an uncaught exception from the worker', async () => {
    const { startServerMetricsScraping } = await import('../dist/telemetry/server-metrics-worker.js');
    const problems: string[] = [];
    const originHrtimeNs = process.hrtime.bigint();
    const scraping = await startServerMetricsScraping({
      url: `${sim.url}/metrics`,
      intervalMs: 50,
      originHrtimeNs,
      now: () => Number(process.hrtime.bigint() - originHrtimeNs) / 1e6,
      onSample: () => {
        throw new Error('disk full');
      },
      onProblem: (m: string) => problems.push(m),
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await scraping.stop();
    expect(problems.filter((p) => p.includes('onSample hook threw (disk full)'))).toHaveLength(1);
  });
});

