import type { GpuMemorySource, GpuSample, ServerFigure, ServerMetricsSample } from '../../telemetry/samples.js';
import type { SeriesPoint } from './telemetry-downsample.js';

/** One GPU's readings of one figure over the run. */
export interface DeviceSeries {
  gpu: number;
  /** The device's name as NVML gives it; null from server metrics, which do not name it. */
  name: string | null;
  /** Memory capacity in MiB (NVML only, the largest seen); null otherwise. */
  totalMiB: number | null;
  points: SeriesPoint[];
}

/** GPU memory used per device, and where it came from. */
export interface GpuMemorySeries {
  /** 'nvml' when gpu.jsonl has samples, else 'server_metrics' (DCGM_FI_DEV_FB_USED), else null. */
  source: GpuMemorySource | null;
  /** The metric the server's figures came from (e.g. DCGM_FI_DEV_FB_USED); null for NVML. */
  metric: string | null;
  devices: DeviceSeries[];
}

/**
 * Memory used (MiB) of each GPU over the run. NVML is preferred: it is read on this host, per device,
 * with the capacity. Without it, the server's exporter (DCGM_FI_DEV_FB_USED, one value per GPU it
 * reports) stands in; a failed scrape is a gap for every device.
 */
export function gpuMemorySeries(gpu: readonly GpuSample[], server: readonly ServerMetricsSample[]): GpuMemorySeries {
  if (gpu.length) {
    return { source: 'nvml', metric: null, devices: byDevice(gpu, (s) => s.memoryUsedMiB, true) };
  }
  let devices = 0;
  let metric: string | null = null;
  for (const s of server) {
    if (s.ok && s.gpuMemoryUsedMiB) {
      devices = Math.max(devices, s.gpuMemoryUsedMiB.length);
      metric ??= s.sources.gpuMemoryUsedMiB ?? null;
    }
  }
  if (devices === 0) return { source: null, metric: null, devices: [] };
  const out: DeviceSeries[] = Array.from({ length: devices }, (_, g) => ({ gpu: g, name: null, totalMiB: null, points: [] }));
  for (const s of server) {
    for (let g = 0; g < devices; g++) {
      const v = s.ok ? (s.gpuMemoryUsedMiB?.[g] ?? null) : null;
      (out[g] as DeviceSeries).points.push({ tMs: s.tMs, value: v });
    }
  }
  return { source: 'server_metrics', metric: metric ?? 'DCGM_FI_DEV_FB_USED', devices: out };
}

/** Utilisation (%) of each GPU from NVML; a device that does not report it has null readings (gaps). */
export function gpuUtilizationSeries(gpu: readonly GpuSample[]): DeviceSeries[] {
  return byDevice(gpu, (s) => s.utilizationPct, false);
}

/**
 * One server figure over the run: a failed scrape, or a scrape without the figure, is a gap (null),
 * never a zero. Null when no scrape had the figure at all: the server does not expose it.
 */
export function serverFigureSeries(server: readonly ServerMetricsSample[], figure: Exclude<ServerFigure, 'gpuMemoryUsedMiB'>): SeriesPoint[] | null {
  let any = false;
  const points = server.map((s) => {
    const value = s.ok ? s[figure] : null;
    if (value !== null) any = true;
    return { tMs: s.tMs, value };
  });
  return any ? points : null;
}

function byDevice(samples: readonly GpuSample[], value: (s: GpuSample) => number | null, withTotal: boolean): DeviceSeries[] {
  const devices = new Map<number, DeviceSeries>();
  for (const s of samples) {
    let d = devices.get(s.gpu);
    if (!d) {
      d = { gpu: s.gpu, name: s.name, totalMiB: withTotal ? s.memoryTotalMiB : null, points: [] };
      devices.set(s.gpu, d);
    }
    if (withTotal) d.totalMiB = Math.max(d.totalMiB ?? 0, s.memoryTotalMiB);
    d.points.push({ tMs: s.tMs, value: value(s) });
  }
  return [...devices.values()].sort((a, b) => a.gpu - b.gpu);
}
