/**
 * The simulator's `/metrics`: vLLM's metric names, help texts, labels and histogram buckets (as in
 * vllm/v1/metrics/loggers.py), so a dashboard or scraper built for vLLM reads the simulator
 * unchanged, plus a simulated GPU-memory gauge and a count of injected faults.
 *
 * Gauges are read from the engine when scraped; counters and histograms are fed by the response
 * writers as tokens go out, so the figures agree with what the clients saw.
 */
import type { FaultKind } from './faults.js';
import type { EngineStats } from './engine/batch-scheduler.js';
import { createCounter, createGauge, createHistogram, type Labels, type MetricFamily } from './prometheus-text.js';

/** The engine's live figures, read at scrape time. */
export type EngineGauges = EngineStats;

/** What the GPU-memory gauges need; absent for the fixed profile, which simulates no hardware. */
export interface GpuMemoryModel {
  gpus: number;
  memoryBytesPerGpu: number;
  weightBytes: number;
  reservedBytesPerGpu: number;
  kvBlockBytes: number;
  kvTotalBlocks: number;
}

export interface SimMetrics {
  /** A request's first token went out (it counts as a generation token too). */
  firstToken(ttftSec: number, promptTokens: number): void;
  /** `count` more tokens went out, `gapSec` after the previous ones. */
  tokens(count: number, gapSec: number): void;
  /** A request left the queue for the first time. */
  queued(queueSec: number): void;
  /** A request finished whole. */
  finished(o: { reason: string; e2eSec: number; ttftSec: number; promptTokens: number; outputTokens: number }): void;
  fault(kind: FaultKind): void;
  render(): string;
}

const TTFT_BUCKETS = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80, 160, 640, 2560];
const ITL_BUCKETS = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80];
const LATENCY_BUCKETS = [0.3, 0.5, 0.8, 1, 1.5, 2, 2.5, 5, 10, 15, 20, 30, 40, 50, 60, 120, 240, 480, 960, 1920, 7680];

/** vLLM's build_1_2_5_buckets: 1, 2, 5, 10, 20, 50, ... up to the context window. */
function buckets125(max: number): number[] {
  const out: number[] = [];
  for (let exp = 1; ; exp *= 10) {
    for (const m of [1, 2, 5]) {
      if (m * exp > max) return out;
      out.push(m * exp);
    }
  }
}

const MIB = 2 ** 20;

/** Create the metric set of one server. */
export function createSimMetrics(o: {
  model: string;
  maxModelLen: number;
  engine: () => EngineGauges;
  gpu: GpuMemoryModel | undefined;
}): SimMetrics {
  const base: Labels = { engine: '0', model_name: o.model };
  const gauge = (name: string, help: string, read: (g: EngineGauges) => number): MetricFamily =>
    createGauge(name, help, () => [[base, read(o.engine())]]);
  const counterOf = (name: string, help: string, read: (g: EngineGauges) => number): MetricFamily =>
    createGauge(name, help, () => [[base, read(o.engine())]], 'counter');

  const promptTokens = createCounter('vllm:prompt_tokens_total', 'Number of prefill tokens processed.', base);
  const generationTokens = createCounter('vllm:generation_tokens_total', 'Number of generation tokens processed.', base);
  const success = createCounter('vllm:request_success_total', 'Count of successfully processed requests.', base);
  const faults = createCounter('llmload_sim_faults_injected_total', 'Requests the simulator failed on purpose, by fault kind.', { model_name: o.model });
  const ttft = createHistogram('vllm:time_to_first_token_seconds', 'Histogram of time to first token in seconds.', TTFT_BUCKETS, base);
  const itl = createHistogram('vllm:inter_token_latency_seconds', 'Histogram of inter-token latency in seconds.', ITL_BUCKETS, base);
  // The pre-0.11 name of the same figure, still read by many dashboards.
  const tpotLegacy = createHistogram('vllm:time_per_output_token_seconds', 'Histogram of time per output token in seconds.', ITL_BUCKETS, base);
  const tpotRequest = createHistogram(
    'vllm:request_time_per_output_token_seconds',
    'Histogram of time_per_output_token_seconds per request.',
    ITL_BUCKETS,
    base,
  );
  const e2e = createHistogram('vllm:e2e_request_latency_seconds', 'Histogram of e2e request latency in seconds.', LATENCY_BUCKETS, base);
  const queue = createHistogram('vllm:request_queue_time_seconds', 'Histogram of time spent in WAITING phase for request.', LATENCY_BUCKETS, base);
  const promptHist = createHistogram('vllm:request_prompt_tokens', 'Number of prefill tokens processed.', buckets125(o.maxModelLen), base);
  const genHist = createHistogram('vllm:request_generation_tokens', 'Number of generation tokens processed.', buckets125(o.maxModelLen), base);

  const families: MetricFamily[] = [
    gauge('vllm:num_requests_running', 'Number of requests in model execution batches.', (g) => g.running),
    gauge('vllm:num_requests_waiting', 'Number of requests waiting to be processed.', (g) => g.waiting),
    gauge('vllm:kv_cache_usage_perc', 'KV-cache usage. 1 means 100 percent usage.', (g) => g.kvUsage),
    // The pre-0.10 name, still read by older dashboards and routers.
    gauge('vllm:gpu_cache_usage_perc', 'GPU KV-cache usage. 1 means 100 percent usage.', (g) => g.kvUsage),
    counterOf('vllm:num_preemptions_total', 'Cumulative number of preemption from the engine.', (g) => g.preemptions),
    counterOf('vllm:prefix_cache_queries_total', 'Prefix cache queries, in terms of number of queried tokens.', (g) => g.prefixQueriedTokens),
    counterOf('vllm:prefix_cache_hits_total', 'Prefix cache hits, in terms of number of cached tokens.', (g) => g.prefixHitTokens),
    promptTokens,
    generationTokens,
    success,
    ttft,
    itl,
    tpotLegacy,
    tpotRequest,
    e2e,
    queue,
    promptHist,
    genHist,
    faults,
  ];
  if (o.gpu) families.push(...gpuFamilies(o.gpu, o.engine));

  return {
    firstToken(ttftSec, prompt) {
      ttft.observe(ttftSec);
      promptTokens.inc(prompt);
      generationTokens.inc(1);
    },
    tokens(count, gapSec) {
      generationTokens.inc(count);
      const each = gapSec / count;
      for (let i = 0; i < count; i++) {
        itl.observe(each);
        tpotLegacy.observe(each);
      }
    },
    queued(queueSec) {
      queue.observe(queueSec);
    },
    finished(f) {
      success.inc(1, { finished_reason: f.reason });
      e2e.observe(f.e2eSec);
      promptHist.observe(f.promptTokens);
      genHist.observe(f.outputTokens);
      if (f.outputTokens > 1) tpotRequest.observe((f.e2eSec - f.ttftSec) / (f.outputTokens - 1));
    },
    fault(kind) {
      faults.inc(1, { kind });
    },
    render() {
      const out: string[] = [];
      for (const f of families) f.render(out);
      return `${out.join('\n')}\n`;
    },
  };
}

/**
 * GPU memory, two ways. `llmload_sim_gpu_memory_used_bytes` is what the model needs right now:
 * weights, reserved memory, and the KV blocks sequences hold. DCGM_FI_DEV_FB_USED/FREE (MiB, per
 * GPU, as NVIDIA's DCGM exporter names them) are what nvidia-smi would show: vLLM allocates the
 * whole KV pool at start-up, so a real GPU's used memory is flat, whatever the load.
 */
function gpuFamilies(g: GpuMemoryModel, engine: () => EngineGauges): MetricFamily[] {
  const perGpuUsed = g.weightBytes / g.gpus + g.reservedBytesPerGpu + (g.kvTotalBlocks * g.kvBlockBytes) / g.gpus;
  const gpus = Array.from({ length: g.gpus }, (_, i) => String(i));
  return [
    createGauge(
      'llmload_sim_gpu_memory_used_bytes',
      'Simulated GPU memory in use, all GPUs: weights + reserved + KV blocks held by sequences.',
      () => [[{}, g.weightBytes + g.gpus * g.reservedBytesPerGpu + engine().kvBlocksUsed * g.kvBlockBytes]],
    ),
    createGauge('DCGM_FI_DEV_FB_USED', 'Framebuffer memory used (in MiB), as the DCGM exporter reports it.', () =>
      gpus.map((gpu): [Labels, number] => [{ gpu }, Math.round(perGpuUsed / MIB)]),
    ),
    createGauge('DCGM_FI_DEV_FB_FREE', 'Framebuffer memory free (in MiB), as the DCGM exporter reports it.', () =>
      gpus.map((gpu): [Labels, number] => [{ gpu }, Math.round((g.memoryBytesPerGpu - perGpuUsed) / MIB)]),
    ),
  ];
}
