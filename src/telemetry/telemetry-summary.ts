import type { GpuMemorySource, GpuSample, ServerFigure, ServerMetricsSample } from './samples.js';

/** Peak and mean of one sampled figure (mean over samples, each interval weighted alike). */
export interface FigureStats {
  peak: number;
  mean: number;
  samples: number;
}

export interface GpuDeviceSummary {
  index: number;
  name: string;
  memoryTotalMiB: number;
  memoryUsedMiB: FigureStats;
  utilizationPct: FigureStats | null;
}

/** Telemetry of one run, as summary.json carries it: what was measured, from where, or why not. */
export interface TelemetrySummary {
  gpu:
    | { status: 'on'; source: 'nvml'; memoryApi: 'v2' | 'v1'; intervalMs: number; devices: GpuDeviceSummary[]; problem: string | null }
    | { status: 'off'; reason: string };
  server:
    | {
        status: 'on';
        /** The metrics URL, credentials removed. */
        url: string;
        /** Which exporters' names were recognised (vllm, sglang, tgi, dcgm). */
        servers: string[];
        intervalMs: number;
        scrapes: number;
        failedScrapes: number;
        figures: Partial<Record<Exclude<ServerFigure, 'gpuMemoryUsedMiB'>, FigureStats>>;
        /** From DCGM_FI_DEV_FB_USED, per GPU index as the exporter reports them. */
        gpuMemoryUsedMiB: FigureStats[] | null;
        /** Figure -> the metric name it was read from. */
        sources: Partial<Record<ServerFigure, string>>;
        problem: string | null;
      }
    | { status: 'off'; reason: string };
  /** Where the per-request `gpu_memory_mb` came from: NVML when it runs here, else the server's DCGM figure. */
  gpuMemorySource: GpuMemorySource | null;
}

/** Streaming peak/mean, memory flat. */
export function createStats(): { add(v: number): void; value(): FigureStats | null } {
  let peak = -Infinity;
  let sum = 0;
  let n = 0;
  return {
    add(v) {
      if (!Number.isFinite(v)) return;
      peak = Math.max(peak, v);
      sum += v;
      n++;
    },
    value: () => (n === 0 ? null : { peak, mean: sum / n, samples: n }),
  };
}

/** Folds GPU readings into per-device statistics as they arrive. */
export function createGpuSummaryAccumulator(): { add(s: GpuSample): void; devices(): GpuDeviceSummary[] } {
  const byDevice = new Map<number, { name: string; total: number; mem: ReturnType<typeof createStats>; util: ReturnType<typeof createStats> }>();
  return {
    add(s) {
      let d = byDevice.get(s.gpu);
      if (!d) {
        d = { name: s.name, total: s.memoryTotalMiB, mem: createStats(), util: createStats() };
        byDevice.set(s.gpu, d);
      }
      d.mem.add(s.memoryUsedMiB);
      if (s.utilizationPct !== null) d.util.add(s.utilizationPct);
    },
    devices: () =>
      [...byDevice.entries()]
        .sort(([a], [b]) => a - b)
        .map(([index, d]) => ({
          index,
          name: d.name,
          memoryTotalMiB: d.total,
          memoryUsedMiB: d.mem.value() ?? { peak: 0, mean: 0, samples: 0 },
          utilizationPct: d.util.value(),
        })),
  };
}

const SCALAR_FIGURES = ['running', 'waiting', 'kvCacheUsage', 'preemptionsPerSec', 'prefixCacheHitRate', 'promptTokensPerSec', 'generationTokensPerSec'] as const;

/** Folds server scrapes into per-figure statistics; failed scrapes are counted, not averaged in. */
export function createServerSummaryAccumulator(): {
  add(s: ServerMetricsSample): void;
  result(): { scrapes: number; failedScrapes: number; figures: Partial<Record<(typeof SCALAR_FIGURES)[number], FigureStats>>; gpuMemoryUsedMiB: FigureStats[] | null; sources: Partial<Record<ServerFigure, string>> };
} {
  const stats = Object.fromEntries(SCALAR_FIGURES.map((f) => [f, createStats()])) as Record<(typeof SCALAR_FIGURES)[number], ReturnType<typeof createStats>>;
  const gpu: ReturnType<typeof createStats>[] = [];
  const sources: Partial<Record<ServerFigure, string>> = {};
  let scrapes = 0;
  let failed = 0;
  return {
    add(s) {
      scrapes++;
      if (!s.ok) {
        failed++;
        return;
      }
      for (const f of SCALAR_FIGURES) {
        const v = s[f];
        if (v !== null) stats[f].add(v);
      }
      s.gpuMemoryUsedMiB?.forEach((v, i) => {
        (gpu[i] ??= createStats()).add(v);
      });
      Object.assign(sources, s.sources);
    },
    result() {
      const figures: Partial<Record<(typeof SCALAR_FIGURES)[number], FigureStats>> = {};
      for (const f of SCALAR_FIGURES) {
        const v = stats[f].value();
        if (v) figures[f] = v;
      }
      const g = gpu.map((s) => s.value()).filter((v): v is FigureStats => v !== null);
      return { scrapes, failedScrapes: failed, figures, gpuMemoryUsedMiB: g.length ? g : null, sources: { ...sources } };
    },
  };
}
