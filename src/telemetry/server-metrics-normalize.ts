/**
 * One parsed scrape -> the raw server figures and the metric each came from. Pure.
 *
 * Servers name the same figure differently, and one page may carry several exporters (a vLLM page
 * with a DCGM exporter's lines appended, or the simulator, which serves both). For each figure the
 * candidate names below are tried in order and the first present wins: the newest vLLM name, then
 * vLLM's older names, then SGLang's, then TGI's. GPU figures come from NVIDIA's DCGM exporter only.
 * Names were checked against the servers' sources: vllm/v1/metrics/loggers.py,
 * sglang/srt/metrics/collector.py, TGI's docs/source/reference/metrics.md and dcgm-exporter's
 * default counters (see docs/telemetry-server.md for the table).
 *
 * A name is present when it has at least one finite sample. Its series (one per vLLM engine or SGLang
 * data-parallel rank, one per model) are combined: counts and counters are summed, ratios (KV usage,
 * SGLang's hit rate) averaged, since data-parallel engines have caches of the same size.
 */
import type { PromExposition } from './prometheus-parse.js';

export type ServerKind = 'vllm' | 'sglang' | 'tgi' | 'dcgm';

/**
 * What one scrape says before rates are taken: gauges as read, counters as cumulative totals.
 * A figure the page does not carry is null.
 */
export interface RawServerFigures {
  running: number | null;
  waiting: number | null;
  /** 0..1. */
  kvCacheUsage: number | null;
  /** Cumulative preemptions (vLLM) or retractions (SGLang). */
  preemptionsTotal: number | null;
  /** Cumulative prefix-cache hits and queries, in tokens; both or neither. */
  prefixCacheHitsTotal: number | null;
  prefixCacheQueriesTotal: number | null;
  /** A hit ratio the server computes itself (SGLang), 0..1; null where hits/queries counters exist. */
  prefixCacheHitRatio: number | null;
  promptTokensTotal: number | null;
  generationTokensTotal: number | null;
  /** MiB per GPU, in GPU index order (MIG instances of one GPU summed). */
  gpuMemoryUsedMiB: number[] | null;
  /** Percent per GPU, in GPU index order. Not part of ServerMetricsSample yet (see the docs). */
  gpuUtilizationPct: number[] | null;
  /** Figure -> the sample name read, for each figure found. */
  sources: Partial<Record<RawFigure, string>>;
}

export type RawFigure = Exclude<keyof RawServerFigures, 'sources'>;

type Combine = 'sum' | 'mean';

/** A prometheus_client counter is exposed as `name_total`; the bare name is accepted too (proxies, OpenMetrics re-exporters). */
const counter = (name: string): string[] => [`${name}_total`, name];

/** Candidates per scalar figure, in precedence order. */
const SCALARS: Readonly<Record<'running' | 'waiting' | 'kvCacheUsage' | 'preemptionsTotal' | 'promptTokensTotal' | 'generationTokensTotal', { names: readonly string[]; combine: Combine }>> = {
  running: { names: ['vllm:num_requests_running', 'sglang:num_running_reqs', 'tgi_batch_current_size'], combine: 'sum' },
  waiting: { names: ['vllm:num_requests_waiting', 'sglang:num_queue_reqs', 'tgi_queue_size'], combine: 'sum' },
  // vllm:gpu_cache_usage_perc: the name before 0.9 (deprecated, still served by 0.9-0.10).
  kvCacheUsage: { names: ['vllm:kv_cache_usage_perc', 'vllm:gpu_cache_usage_perc', 'sglang:token_usage'], combine: 'mean' },
  // SGLang's counter, not its gauge sglang:num_retracted_reqs (the last batch's count, no history).
  preemptionsTotal: { names: [...counter('vllm:num_preemptions'), ...counter('sglang:num_retracted_requests')], combine: 'sum' },
  // TGI has no token counters: the _sum of its per-request histograms is the cumulative token count
  // (input length is observed when a request is admitted, generated tokens when it finishes).
  promptTokensTotal: {
    names: [...counter('vllm:prompt_tokens'), ...counter('sglang:prompt_tokens'), 'tgi_request_input_length_sum'],
    combine: 'sum',
  },
  generationTokensTotal: {
    names: [...counter('vllm:generation_tokens'), ...counter('sglang:generation_tokens'), 'tgi_request_generated_tokens_sum'],
    combine: 'sum',
  },
};

/** Prefix-cache hit/query counter pairs, newest vLLM names first (gpu_prefix_cache_*: before 0.9). */
const PREFIX_PAIRS: readonly (readonly [hits: string, queries: string])[] = [
  ['vllm:prefix_cache_hits_total', 'vllm:prefix_cache_queries_total'],
  ['vllm:prefix_cache_hits', 'vllm:prefix_cache_queries'],
  ['vllm:gpu_prefix_cache_hits_total', 'vllm:gpu_prefix_cache_queries_total'],
  ['vllm:gpu_prefix_cache_hits', 'vllm:gpu_prefix_cache_queries'],
];
/** SGLang's ratio gauge, used when no vLLM pair is present. */
const PREFIX_RATIO = 'sglang:cache_hit_rate';

const GPU_MEMORY_USED = 'DCGM_FI_DEV_FB_USED';
const GPU_UTIL = 'DCGM_FI_DEV_GPU_UTIL';

/** Which servers' metrics a page carries, by their name prefixes. */
const PREFIXES: readonly [string, ServerKind][] = [
  ['vllm:', 'vllm'],
  ['sglang:', 'sglang'],
  ['tgi_', 'tgi'],
  ['DCGM_FI_', 'dcgm'],
];

/** Every sample name normalizeServerMetrics() reads: a scraper parses only these (see PromParseOptions.keep). */
export const SERVER_METRIC_NAMES: ReadonlySet<string> = new Set([
  ...Object.values(SCALARS).flatMap((s) => s.names),
  ...PREFIX_PAIRS.flat(),
  PREFIX_RATIO,
  GPU_MEMORY_USED,
  GPU_UTIL,
]);

/** Read the raw figures of one scrape. */
export function normalizeServerMetrics(exposition: PromExposition): RawServerFigures {
  const sources: RawServerFigures['sources'] = {};
  const scalar = (figure: keyof typeof SCALARS): number | null => {
    const { names, combine } = SCALARS[figure];
    for (const name of names) {
      const value = combined(exposition, name, combine);
      if (value !== null) {
        sources[figure] = name;
        return value;
      }
    }
    return null;
  };

  let prefixCacheHitsTotal: number | null = null;
  let prefixCacheQueriesTotal: number | null = null;
  let prefixCacheHitRatio: number | null = null;
  for (const [hits, queries] of PREFIX_PAIRS) {
    const h = combined(exposition, hits, 'sum');
    const q = combined(exposition, queries, 'sum');
    if (h !== null && q !== null) {
      prefixCacheHitsTotal = h;
      prefixCacheQueriesTotal = q;
      sources.prefixCacheHitsTotal = hits;
      sources.prefixCacheQueriesTotal = queries;
      break;
    }
  }
  if (prefixCacheHitsTotal === null) {
    prefixCacheHitRatio = combined(exposition, PREFIX_RATIO, 'mean');
    if (prefixCacheHitRatio !== null) sources.prefixCacheHitRatio = PREFIX_RATIO;
  }

  const gpuMemoryUsedMiB = perGpu(exposition, GPU_MEMORY_USED, 'sum');
  if (gpuMemoryUsedMiB !== null) sources.gpuMemoryUsedMiB = GPU_MEMORY_USED;
  const gpuUtilizationPct = perGpu(exposition, GPU_UTIL, 'mean');
  if (gpuUtilizationPct !== null) sources.gpuUtilizationPct = GPU_UTIL;

  return {
    running: scalar('running'),
    waiting: scalar('waiting'),
    kvCacheUsage: scalar('kvCacheUsage'),
    preemptionsTotal: scalar('preemptionsTotal'),
    prefixCacheHitsTotal,
    prefixCacheQueriesTotal,
    prefixCacheHitRatio,
    promptTokensTotal: scalar('promptTokensTotal'),
    generationTokensTotal: scalar('generationTokensTotal'),
    gpuMemoryUsedMiB,
    gpuUtilizationPct,
    sources,
  };
}

/** The servers whose metrics the page carries, in a fixed order (vllm, sglang, tgi, dcgm). */
export function detectServers(exposition: PromExposition): ServerKind[] {
  const found = new Set<ServerKind>();
  for (const name of exposition.samples.keys()) {
    for (const [prefix, kind] of PREFIXES) if (name.startsWith(prefix)) found.add(kind);
  }
  return PREFIXES.map(([, kind]) => kind).filter((kind) => found.has(kind));
}

/** All finite series of one sample name, summed or averaged; null when there are none. */
function combined(exposition: PromExposition, name: string, how: Combine): number | null {
  let total = 0;
  let n = 0;
  for (const s of exposition.samples.get(name) ?? []) {
    if (!Number.isFinite(s.value)) continue;
    total += s.value;
    n++;
  }
  if (n === 0) return null;
  return how === 'sum' ? total : total / n;
}

/**
 * One value per GPU, keyed by the exporter's `gpu` label (its device index) and ordered by it. A GPU
 * split into MIG instances has one series per instance, all with its `gpu` label: memory adds up,
 * utilisation is averaged.
 */
function perGpu(exposition: PromExposition, name: string, how: Combine): number[] | null {
  const groups = new Map<string, { total: number; n: number }>();
  for (const s of exposition.samples.get(name) ?? []) {
    if (!Number.isFinite(s.value)) continue;
    const key = s.labels.gpu ?? '';
    const g = groups.get(key) ?? { total: 0, n: 0 };
    g.total += s.value;
    g.n++;
    groups.set(key, g);
  }
  if (groups.size === 0) return null;
  return [...groups.entries()]
    .sort(([a], [b]) => Number(a) - Number(b) || a.localeCompare(b))
    .map(([, g]) => (how === 'sum' ? g.total : g.total / g.n));
}
