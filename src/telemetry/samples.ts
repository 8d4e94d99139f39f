/**
 * The data telemetry produces: plain, JSON-ready samples on the run's clock. Each sample's `tMs` is
 * milliseconds from the run's start on the same monotonic clock as the request records
 * (RequestRecord.sentAtMs etc.), so a GPU reading and a request can be put on one timeline.
 *
 * RUN_DIR/gpu.jsonl holds one GpuSample per line; RUN_DIR/server_metrics.jsonl one ServerMetricsSample
 * per line. Both are appended as samples arrive, so an interrupted run keeps what was gathered.
 */

/** One NVML reading of one device. */
export interface GpuSample {
  tMs: number;
  /** NVML device index. */
  gpu: number;
  /** As nvmlDeviceGetName reports it, e.g. "NVIDIA H100 80GB HBM3". */
  name: string;
  /** MiB (2^20 bytes) in use, as nvidia-smi shows it (see memoryApi). */
  memoryUsedMiB: number;
  memoryTotalMiB: number;
  /** Driver-reserved MiB (v2 API only; null from v1). */
  memoryReservedMiB: number | null;
  /** Percent of the last sample period a kernel ran (nvmlDeviceGetUtilizationRates.gpu); null if unsupported. */
  utilizationPct: number | null;
  /**
   * Which call gave the memory figures: 'v2' (nvmlDeviceGetMemoryInfo_v2, reserved memory not counted as
   * used, agrees with nvidia-smi) or 'v1' (nvmlDeviceGetMemoryInfo, counts ~480 MiB reserved as used).
   */
  memoryApi: 'v2' | 'v1';
}

/** Normalised server-side figures of one scrape. A figure the server does not expose is null. */
export interface ServerMetricsSample {
  tMs: number;
  /** False when the scrape failed (the error says why); every figure is then null. */
  ok: boolean;
  error: string | null;
  /** Requests the engine is running (in a batch) right now. */
  running: number | null;
  /** Requests queued in the server, not yet scheduled. */
  waiting: number | null;
  /** KV-cache usage, 0..1. */
  kvCacheUsage: number | null;
  /** Preemptions per second over the interval since the previous scrape (counter turned into a rate). */
  preemptionsPerSec: number | null;
  /** Prefix-cache hits / queries over the interval (tokens), 0..1; null when no queries in the interval. */
  prefixCacheHitRate: number | null;
  /** Prompt (prefill) tokens per second over the interval. */
  promptTokensPerSec: number | null;
  /** Generated tokens per second over the interval. */
  generationTokensPerSec: number | null;
  /** Framebuffer memory used, MiB, one entry per GPU the exporter reports (DCGM_FI_DEV_FB_USED), by GPU index order. */
  gpuMemoryUsedMiB: number[] | null;
  /**
   * Which exposition each figure came from: figure name -> the metric name read, e.g.
   * { running: "vllm:num_requests_running", gpuMemoryUsedMiB: "DCGM_FI_DEV_FB_USED" }.
   */
  sources: Partial<Record<ServerFigure, string>>;
}

export const SERVER_FIGURES = [
  'running',
  'waiting',
  'kvCacheUsage',
  'preemptionsPerSec',
  'prefixCacheHitRate',
  'promptTokensPerSec',
  'generationTokensPerSec',
  'gpuMemoryUsedMiB',
] as const;
export type ServerFigure = (typeof SERVER_FIGURES)[number];

/** Where RunSummary-level telemetry figures came from. */
export type GpuMemorySource = 'nvml' | 'server_metrics';
