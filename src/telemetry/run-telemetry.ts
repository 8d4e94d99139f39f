import { ConfigError } from '../errors.js';
import { startGpuTelemetry, type GpuTelemetry } from './gpu-sampler-worker.js';
import type { GpuSelection } from './gpu-selection.js';
import { createMemoryTimeline } from './memory-timeline.js';
import { redactUrl } from './metrics-fetch.js';
import type { GpuMemorySource, GpuSample, ServerMetricsSample } from './samples.js';
import { resolveServerMetricsUrl } from './server-metrics-probe.js';
import { startServerMetricsScraping, type ServerMetricsScraping } from './server-metrics-worker.js';
import { createGpuSummaryAccumulator, createServerSummaryAccumulator, type TelemetrySummary } from './telemetry-summary.js';

export interface RunTelemetryOptions {
  /** The benchmark's endpoint: the default metrics URL is its origin + /metrics. */
  endpoint: string;
  /** Devices to sample, or 'off'. */
  gpus: GpuSelection | 'off';
  gpuIntervalMs: number;
  /** --metrics-url: a URL, 'off', or undefined for the default (used when it answers). */
  metricsUrl: string | undefined;
  metricsIntervalMs: number;
  /** A monotonic clock in ms (the run's clock, before the run's offset 0 is known). */
  clockNow: () => number;
  onGpuSample?(s: GpuSample): void;
  onServerSample?(s: ServerMetricsSample): void;
  onNotice?(line: string): void;
  /** Path of libnvidia-ml (tests use a stub); default libnvidia-ml.so.1. */
  nvmlLibraryPath?: string;
}

export interface RunTelemetry {
  /** Call at the run's offset 0: samples are stamped from here on the records' clock. */
  markRunStart(startMs: number): void;
  /** Peak GPU memory (MiB, all sampled devices) while [fromMs, toMs] of run time; null without data. */
  gpuMemoryMiBBetween(fromMs: number, toMs: number): number | null;
  /** A last scrape (the final interval's counters), then stop everything; the run's telemetry summary. */
  stop(): Promise<TelemetrySummary>;
}

/**
 * Start a run's telemetry: NVML sampling on its own thread (gpu-sampler-worker.ts) and scraping of
 * the server's Prometheus metrics. Started during setup, before the run's offset 0, so the first
 * request already has readings around it; samples taken before offset 0 carry negative times (the
 * idle baseline) and reach the hooks once the start is marked.
 *
 * Time: both samplers stamp on a telemetry clock that starts here (`process.hrtime` in the worker,
 * which is the process-wide monotonic clock `performance.now()` also reads); `markRunStart` gives
 * the offset that puts every sample on the request records' clock.
 *
 * Never fails a run over telemetry: no NVML, or no metrics page at the default URL, is one line of
 * notice. An explicit --metrics-url that does not answer, and --gpus naming absent devices, are
 * configuration errors (ConfigError) before anything is sent.
 *
 * Both samplers run on threads of their own (NVML calls block for 0.1-4 ms; a scrape's GET and parse
 * take 0.5-1 ms), so neither ever sits between a response chunk's arrival and its timestamp.
 */
export async function startRunTelemetry(o: RunTelemetryOptions): Promise<RunTelemetry> {
  const telStartMs = o.clockNow();
  const originHrtimeNs = process.hrtime.bigint();
  let offsetMs: number | null = null;
  const early: (() => void)[] = [];
  /** Deliver a sample now, or once the run's offset 0 is known. */
  const deliver = (fn: (offset: number) => void): void => {
    if (offsetMs === null) early.push(() => fn(offsetMs as number));
    else fn(offsetMs);
  };

  const timeline = createMemoryTimeline();
  let memorySource: GpuMemorySource | null = null;
  const gpuAcc = createGpuSummaryAccumulator();
  const serverAcc = createServerSummaryAccumulator();
  let gpuProblem: string | null = null;
  let serverProblem: string | null = null;

  // The metrics URL first: an explicit --metrics-url that does not answer is a ConfigError, and it must
  // come before anything is started that would then need stopping.
  let serverOff: string | null = null;
  let resolved: Awaited<ReturnType<typeof resolveServerMetricsUrl>> | null = null;
  if (o.metricsUrl === 'off') serverOff = 'turned off (--no-server-metrics)';
  else {
    resolved = await resolveServerMetricsUrl({ endpoint: o.endpoint, ...(o.metricsUrl !== undefined ? { metricsUrl: o.metricsUrl } : {}) });
    if (resolved.url === null) serverOff = resolved.reason;
  }

  let gpu: GpuTelemetry | null = null;
  let gpuOff: string | null = null;
  if (o.gpus === 'off') gpuOff = 'turned off (--no-gpu)';
  else {
    gpu = await startGpuTelemetry({
      gpus: o.gpus,
      intervalMs: o.gpuIntervalMs,
      originHrtimeNs,
      now: () => o.clockNow() - telStartMs,
      ...(o.nvmlLibraryPath !== undefined ? { libraryPath: o.nvmlLibraryPath } : {}),
      onSample: (raw) =>
        deliver((offset) => {
          const s = { ...raw, tMs: raw.tMs - offset };
          gpuAcc.add(s);
          timeline.add(s.tMs, s.gpu, s.memoryUsedMiB);
          o.onGpuSample?.(s);
        }),
      onProblem: (message) => {
        gpuProblem = message;
        o.onNotice?.(`llmload: GPU telemetry stopped mid-run: ${message} (the run goes on)`);
      },
    });
    if (gpu.status.kind === 'off') gpuOff = gpu.status.reason;
  }
  if (gpu?.status.kind === 'on') {
    memorySource = 'nvml';
    const names = gpu.status.devices.map((d) => `${d.index}: ${d.name}`).join(', ');
    o.onNotice?.(`llmload: GPU telemetry: on (NVML ${gpu.status.memoryApi === 'v2' ? 'memory v2, as nvidia-smi' : 'memory v1, counts driver-reserved memory'}; ${names}; every ${o.gpuIntervalMs} ms)`);
  } else {
    o.onNotice?.(`llmload: GPU telemetry: off (${gpuOff})`);
  }

  let scraping: ServerMetricsScraping | null = null;
  let metricsUrl: string | null = null;
  let servers: string[] = [];
  if (resolved) {
    o.onNotice?.(`llmload: ${resolved.notice}`);
    if (resolved.url !== null) {
      metricsUrl = resolved.url;
      servers = resolved.servers;
      try {
        scraping = await startServerMetricsScraping({
          url: resolved.url,
          intervalMs: o.metricsIntervalMs,
          originHrtimeNs,
          now: () => o.clockNow() - telStartMs,
          onSample: (raw) =>
            deliver((offset) => {
              const s = { ...raw, tMs: raw.tMs - offset };
              serverAcc.add(s);
              // The server's DCGM figure is the memory of record only when NVML does not run here.
              if (memorySource !== 'nvml' && s.ok && s.gpuMemoryUsedMiB) {
                memorySource = 'server_metrics';
                s.gpuMemoryUsedMiB.forEach((mib, i) => timeline.add(s.tMs, i, mib));
              }
              o.onServerSample?.(s);
            }),
          onProblem: (message) => {
            serverProblem ??= message;
            o.onNotice?.(`llmload: ${message}`);
          },
        });
      } catch (err) {
        if (err instanceof ConfigError) {
          // Options the scraper refuses: nothing may be left running behind the error.
          await gpu?.stop();
          throw err;
        }
        // A thread that could not start is telemetry lost, not a failed run.
        metricsUrl = null;
        serverOff = `the scraping thread could not start: ${err instanceof Error ? err.message : String(err)}`;
        o.onNotice?.(`llmload: server metrics: off (${serverOff})`);
      }
    }
  }

  return {
    markRunStart(startMs) {
      offsetMs = startMs - telStartMs;
      for (const f of early.splice(0)) f();
    },
    gpuMemoryMiBBetween: (fromMs, toMs) => timeline.peakBetween(fromMs, toMs),
    async stop() {
      if (offsetMs === null) offsetMs = 0;
      await Promise.all([scraping?.stop(), gpu?.stop()]);
      for (const f of early.splice(0)) f();
      const s = serverAcc.result();
      return {
        gpu:
          gpu?.status.kind === 'on'
            ? { status: 'on', source: 'nvml', memoryApi: gpu.status.memoryApi, intervalMs: o.gpuIntervalMs, devices: mergeDevices(gpu.status.devices, gpuAcc.devices()), problem: gpuProblem }
            : { status: 'off', reason: gpuOff ?? 'unknown' },
        server:
          metricsUrl !== null
            ? {
                status: 'on',
                url: redactUrl(metricsUrl),
                servers,
                intervalMs: o.metricsIntervalMs,
                scrapes: s.scrapes,
                failedScrapes: s.failedScrapes,
                figures: s.figures,
                gpuMemoryUsedMiB: s.gpuMemoryUsedMiB,
                sources: s.sources,
                problem: serverProblem,
              }
            : { status: 'off', reason: serverOff ?? 'unknown' },
        gpuMemorySource: memorySource,
      };
    },
  };
}

/** Devices as the status lists them, with their statistics (a device that gave no reading has zeros). */
function mergeDevices(
  listed: { index: number; name: string; memoryTotalMiB: number }[],
  measured: ReturnType<ReturnType<typeof createGpuSummaryAccumulator>['devices']>,
): ReturnType<ReturnType<typeof createGpuSummaryAccumulator>['devices']> {
  return listed.map((d) => measured.find((m) => m.index === d.index) ?? { ...d, memoryUsedMiB: { peak: 0, mean: 0, samples: 0 }, utilizationPct: null });
}
