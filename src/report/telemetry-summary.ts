import type { GpuMemorySource } from '../telemetry/samples.js';
import { gpuMemorySeries } from './plots/telemetry-series.js';
import type { SavedTelemetry } from './telemetry-load.js';

/** One GPU's memory over the run. */
export interface GpuMemoryStat {
  gpu: number;
  /** NVML's device name; null when the figures came from the server's metrics. */
  name: string | null;
  source: GpuMemorySource;
  /** The server metric read, e.g. DCGM_FI_DEV_FB_USED; null for NVML. */
  metric: string | null;
  peakMiB: number;
  /** Mean over the readings (samples are evenly spaced, so this is the mean over time). */
  meanMiB: number;
  /** Capacity (NVML only); null otherwise. */
  totalMiB: number | null;
  readings: number;
}

/** The telemetry's headline figures, for the report's summary. */
export interface TelemetrySummary {
  gpuMemory: GpuMemoryStat[];
  /** Highest utilisation of any GPU, %; null without NVML utilisation readings. */
  peakUtilizationPct: number | null;
  /** Highest KV-cache usage the server reported, 0..1; null when it reported none. */
  peakKvCacheUsage: number | null;
  maxRunning: number | null;
  maxWaiting: number | null;
  scrapes: { ok: number; failed: number };
}

/**
 * Peak and mean GPU memory per device (with where the figures came from), peak utilisation and KV
 * usage, and the most requests the server held running and waiting. Pure; failed scrapes and missing
 * figures are left out, never counted as zero.
 */
export function summarizeTelemetry(t: SavedTelemetry): TelemetrySummary {
  const memory = gpuMemorySeries(t.gpu, t.server);
  const gpuMemory: GpuMemoryStat[] = [];
  for (const d of memory.devices) {
    let peak = -Infinity;
    let sum = 0;
    let n = 0;
    for (const p of d.points) {
      if (p.value === null) continue;
      peak = Math.max(peak, p.value);
      sum += p.value;
      n++;
    }
    if (n === 0 || memory.source === null) continue;
    gpuMemory.push({ gpu: d.gpu, name: d.name, source: memory.source, metric: memory.metric, peakMiB: peak, meanMiB: sum / n, totalMiB: d.totalMiB, readings: n });
  }
  const scrapes = { ok: 0, failed: 0 };
  for (const s of t.server) scrapes[s.ok ? 'ok' : 'failed']++;
  const ok = t.server.filter((s) => s.ok);
  return {
    gpuMemory,
    peakUtilizationPct: maxOf(t.gpu.map((s) => s.utilizationPct)),
    peakKvCacheUsage: maxOf(ok.map((s) => s.kvCacheUsage)),
    maxRunning: maxOf(ok.map((s) => s.running)),
    maxWaiting: maxOf(ok.map((s) => s.waiting)),
    scrapes,
  };
}

function maxOf(values: readonly (number | null)[]): number | null {
  let max: number | null = null;
  for (const v of values) if (v !== null && (max === null || v > max)) max = v;
  return max;
}
