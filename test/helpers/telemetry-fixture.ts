import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GpuSample, ServerMetricsSample } from '../../src/telemetry/samples.js';
import { failedServerMetricsSample } from '../../src/telemetry/server-metrics-rates.js';

/** Made-up telemetry for a run of `spanMs`: deterministic, with the shapes real timelines have. */
export interface TelemetryFixtureOptions {
  spanMs: number;
  /** NVML devices (0: no GPU samples). */
  gpus?: number;
  gpuEveryMs?: number;
  gpuName?: string;
  /** Scrape period (0: no server samples). */
  scrapeEveryMs?: number;
  /** Every k-th scrape (k-1, 2k-1, ...) fails with `scrapeError`. 0: none fail. */
  failEvery?: number;
  scrapeError?: string;
  /** Devices the server's DCGM exporter reports (0: no DCGM_FI_DEV_FB_USED). */
  dcgmGpus?: number;
  /** The server exposes preemption and prefix-cache counters. */
  extras?: boolean;
}

/** GPU samples: memory climbing from 20 GiB to 70 GiB of 80, utilisation by a triangle wave, per device. */
export function fixtureGpuSamples(o: TelemetryFixtureOptions): GpuSample[] {
  const out: GpuSample[] = [];
  const every = o.gpuEveryMs ?? 100;
  for (let t = 0; t <= o.spanMs; t += every) {
    for (let gpu = 0; gpu < (o.gpus ?? 0); gpu++) {
      const f = o.spanMs ? t / o.spanMs : 0;
      out.push({
        tMs: t,
        gpu,
        name: o.gpuName ?? 'NVIDIA H100 80GB HBM3',
        memoryUsedMiB: Math.round(20_480 + 51_200 * f + 512 * gpu),
        memoryTotalMiB: 81_559,
        memoryReservedMiB: 480,
        utilizationPct: Math.round(100 * Math.abs(((t / 1000 + gpu) % 2) - 1)),
        memoryApi: 'v2',
      });
    }
  }
  return out;
}

/** Server scrapes: running follows a ramp, waiting a late queue, KV cache filling; failures are gaps. */
export function fixtureServerSamples(o: TelemetryFixtureOptions): ServerMetricsSample[] {
  const out: ServerMetricsSample[] = [];
  const every = o.scrapeEveryMs ?? 0;
  if (every <= 0) return out;
  let i = 0;
  for (let t = 0; t <= o.spanMs; t += every, i++) {
    const fail = (o.failEvery ?? 0) > 0 && i % (o.failEvery as number) === (o.failEvery as number) - 1;
    const f = o.spanMs ? t / o.spanMs : 0;
    const dcgm = o.dcgmGpus ?? 0;
    out.push(
      fail
        ? failedServerMetricsSample(t, o.scrapeError ?? 'connect ECONNREFUSED 127.0.0.1:9')
        : {
            tMs: t,
            ok: true,
            error: null,
            running: Math.round(16 * f),
            waiting: Math.max(0, Math.round(40 * (f - 0.5))),
            kvCacheUsage: Math.min(1, 0.9 * f),
            preemptionsPerSec: o.extras ? (f > 0.8 ? 2.5 : 0) : null,
            prefixCacheHitRate: o.extras ? 0.25 + 0.5 * f : null,
            promptTokensPerSec: 1000 * f,
            generationTokensPerSec: 500 * f,
            gpuMemoryUsedMiB: dcgm ? Array.from({ length: dcgm }, (_, g) => 30_000 + 20_000 * f + 100 * g) : null,
            sources: {
              running: 'vllm:num_requests_running',
              waiting: 'vllm:num_requests_waiting',
              kvCacheUsage: 'vllm:gpu_cache_usage_perc',
              ...(dcgm ? { gpuMemoryUsedMiB: 'DCGM_FI_DEV_FB_USED' } : {}),
            },
          },
    );
  }
  return out;
}

/** Write gpu.jsonl and server_metrics.jsonl into a run folder, each only when it has samples. */
export function writeTelemetryFiles(dir: string, o: TelemetryFixtureOptions): { gpu: GpuSample[]; server: ServerMetricsSample[] } {
  const gpu = fixtureGpuSamples(o);
  const server = fixtureServerSamples(o);
  const lines = (xs: unknown[]): string => xs.map((x) => `${JSON.stringify(x)}\n`).join('');
  if (gpu.length) writeFileSync(join(dir, 'gpu.jsonl'), lines(gpu));
  if (server.length) writeFileSync(join(dir, 'server_metrics.jsonl'), lines(server));
  return { gpu, server };
}
