/**
 * Named engine profiles: a model's architecture, a GPU's datasheet figures and a serving engine's
 * settings, from which the step-time coefficients and the KV-cache capacity are derived by
 * arithmetic. Every figure carries its source; where a figure is our own estimate, it says so.
 * `--profile` picks one; flags override any derived coefficient (sim-options.ts).
 */
import type { StepCoefficients } from './step-time.js';

/** Architecture figures of a dense decoder-only transformer (Llama layout: GQA, SwiGLU MLP). */
export interface ModelFigures {
  name: string;
  layers: number;
  hiddenSize: number;
  attentionHeads: number;
  kvHeads: number;
  headDim: number;
  intermediateSize: number;
  vocabSize: number;
  bytesPerParam: number;
  bytesPerKvElement: number;
  /** The model's own context window. */
  maxContextTokens: number;
}

export interface HardwareFigures {
  gpu: string;
  gpuCount: number;
  memoryBytesPerGpu: number;
  memBandwidthBytesPerSecPerGpu: number;
  /** Dense (no sparsity) tensor-core FLOP/s at the weights' precision. */
  peakFlopsPerSecPerGpu: number;
}

/** Engine settings and the efficiency estimates that turn peak rates into sustained ones. */
export interface ServingFigures {
  /** vLLM's --gpu-memory-utilization: the share of each GPU the engine may use. */
  gpuMemoryUtilization: number;
  /** Per GPU, memory that is neither weights nor KV cache: activations, CUDA graphs, NCCL, allocator slack. */
  reservedBytesPerGpu: number;
  memEfficiency: number;
  computeEfficiency: number;
  stepOverheadMs: number;
  commMsPerStep: number;
  commMsPerToken: number;
  maxNumSeqs: number;
  maxNumBatchedTokens: number;
}

/** Where one figure comes from. */
export interface FigureSource {
  figure: string;
  value: string;
  source: string;
}

/** A profile whose steps follow the continuous-batching engine. */
export interface BatchedProfile {
  kind: 'batched';
  name: string;
  description: string;
  model: ModelFigures;
  hardware: HardwareFigures;
  serving: ServingFigures;
  sources: FigureSource[];
}

/** The simple latency model: every request alone on the GPU, fixed TTFT and inter-token latency. */
export interface FixedProfile {
  kind: 'fixed';
  name: 'fixed';
  description: string;
  ttftMs: number;
  itlMs: number;
}

export type EngineProfile = BatchedProfile | FixedProfile;

/** KV blocks are 16 tokens, vLLM's default block size. */
export const KV_BLOCK_SIZE = 16;

const GIB = 2 ** 30;

const H100_SXM: Omit<HardwareFigures, 'gpuCount'> = {
  gpu: 'NVIDIA H100 SXM 80GB',
  memoryBytesPerGpu: 80 * GIB,
  memBandwidthBytesPerSecPerGpu: 3.35e12,
  peakFlopsPerSecPerGpu: 989.4e12,
};

const LLAMA_31: Pick<ModelFigures, 'vocabSize' | 'headDim' | 'kvHeads' | 'bytesPerParam' | 'bytesPerKvElement' | 'maxContextTokens'> = {
  vocabSize: 128_256,
  headDim: 128,
  kvHeads: 8,
  bytesPerParam: 2,
  bytesPerKvElement: 2,
  maxContextTokens: 131_072,
};

const H100_SOURCES: FigureSource[] = [
  { figure: 'H100 SXM memory', value: '80 GB HBM3 (5 stacks)', source: 'https://glennklockwood.com/garden/processors/h100' },
  { figure: 'H100 SXM memory bandwidth', value: '3.35 TB/s', source: 'https://glennklockwood.com/garden/processors/h100; https://archive-lib.hpctech.co.jp/gpuproduct/nvidia-h100.html (3,350 GB/s)' },
  { figure: 'H100 SXM BF16 dense tensor FLOP/s', value: '989.4 TFLOPS (1,978.9 with 2:4 sparsity)', source: 'https://glennklockwood.com/garden/processors/h100' },
];

const VLLM_SOURCES: FigureSource[] = [
  { figure: 'block size', value: '16 tokens', source: "vLLM's default --block-size" },
  { figure: 'gpu_memory_utilization', value: '0.9', source: "vLLM's default --gpu-memory-utilization" },
  {
    figure: 'max_num_seqs / max_num_batched_tokens',
    value: '1024 / 8192',
    source: 'vllm-project/vllm vllm/engine/arg_utils.py, EngineArgs.get_batch_defaults: GPUs with >= 70 GiB other than A100, OpenAI API server',
  },
];

const CALIBRATION_SOURCES: FigureSource[] = [
  {
    figure: 'calibration: batch-1 inter-token latency, 8B on one H100',
    value:
      'between 4.6 ms (NVIDIA NIM, an optimized engine; used as a lower bound only, its GPU and precision are per that page\'s headings) and 13 ms (vLLM before v0.6 on one H100: "1 token every 13 ms under light load"); we land at ~6.5 ms',
    source:
      'https://docs.nvidia.com/nim/benchmarking/llm/1.0.0/performance (Llama-3.1-8b-instruct, NIM 1.8.0, concurrency 1: ITL 4.63 ms; 7.57 ms at 100, 16.14 ms at 250; throughput plateau ~13,000 tok/s); vllm-project/vllm-project.github.io _posts/2024-09-05-perf-update.md',
  },
  {
    figure: 'calibration: saturated output throughput upper bound',
    value: 'TensorRT-LLM, FP8, H100: Llama 3.1 8B TP1 28,312 tok/s at 128/128, 15,220 at 1000/1000; BF16 vLLM must stay below',
    source: 'NVIDIA/TensorRT-LLM docs/source/performance/perf-overview.md',
  },
  {
    figure: 'efficiencies, step overhead, reserved memory',
    value: 'memory 0.75-0.8, compute 0.45-0.5 of peak; 0.5-0.8 ms per step; 4 GiB per GPU',
    source: 'our estimates, chosen to fall inside the calibration bounds above; not measured',
  },
];

/** Llama 3.1 8B Instruct, BF16, one H100 SXM, vLLM defaults. */
const LLAMA_8B_1XH100: BatchedProfile = {
  kind: 'batched',
  name: 'llama-3.1-8b-1xh100',
  description: 'Llama 3.1 8B Instruct, BF16, on one H100 SXM 80GB, vLLM defaults',
  model: { name: 'Llama-3.1-8B-Instruct', layers: 32, hiddenSize: 4096, attentionHeads: 32, intermediateSize: 14_336, ...LLAMA_31 },
  hardware: { ...H100_SXM, gpuCount: 1 },
  serving: {
    gpuMemoryUtilization: 0.9,
    reservedBytesPerGpu: 4 * GIB,
    memEfficiency: 0.8,
    computeEfficiency: 0.5,
    stepOverheadMs: 0.5,
    commMsPerStep: 0,
    commMsPerToken: 0,
    maxNumSeqs: 1024,
    maxNumBatchedTokens: 8192,
  },
  sources: [
    {
      figure: 'Llama 3 8B architecture',
      value: '32 layers, hidden 4096, FFN 14336, 32 heads, 8 KV heads, vocab 128256',
      source: 'GGUF metadata quoted in ollama/ollama#4139 (block_count 32, embedding_length 4096, feed_forward_length 14336, head_count 32, head_count_kv 8) and #8361',
    },
    {
      figure: 'Llama 3.1 8B weights in BF16 / KV bytes per token',
      value: '14.99 GiB loaded; 3.81 GiB of KV cache = 1952 blocks of 16 tokens, i.e. 128 KiB/token',
      source: 'vllm-project/vllm#10517 (vLLM log: "Loading model weights took 14.9888 GB", "kv_cache_size=3.81GiB", "# GPU blocks: 1952")',
    },
    ...H100_SOURCES,
    ...VLLM_SOURCES,
    ...CALIBRATION_SOURCES,
  ],
};

/** Llama 3.1 70B Instruct, BF16, eight H100 SXM with tensor parallelism 8, vLLM defaults. */
const LLAMA_70B_8XH100: BatchedProfile = {
  kind: 'batched',
  name: 'llama-3.1-70b-8xh100',
  description: 'Llama 3.1 70B Instruct, BF16, tensor-parallel over eight H100 SXM 80GB, vLLM defaults',
  model: { name: 'Llama-3.1-70B-Instruct', layers: 80, hiddenSize: 8192, attentionHeads: 64, intermediateSize: 28_672, ...LLAMA_31 },
  hardware: { ...H100_SXM, gpuCount: 8 },
  serving: {
    gpuMemoryUtilization: 0.9,
    reservedBytesPerGpu: 4 * GIB,
    memEfficiency: 0.75,
    computeEfficiency: 0.45,
    stepOverheadMs: 0.8,
    // Two all-reduces per layer (after attention and after the MLP): 160 per step at ~10 us each
    // over NVLink, plus the hidden state of each token (8192 x 2 bytes per all-reduce) at ~450 GB/s.
    commMsPerStep: 1.6,
    commMsPerToken: 0.008,
    maxNumSeqs: 1024,
    maxNumBatchedTokens: 8192,
  },
  sources: [
    {
      figure: 'Llama 3 70B architecture',
      value: '80 layers, hidden 8192, FFN 28672, 64 heads, 8 KV heads, head dim 128, vocab 128256',
      source: 'GGUF metadata quoted in ollama/ollama#5494 and #5024 (block_count 80, embedding_length 8192, feed_forward_length 28672, head_count 64, head_count_kv 8, rope.dimension_count 128, vocab_size 128256)',
    },
    { figure: 'H100 NVLink', value: '900 GB/s per GPU', source: 'https://glennklockwood.com/garden/processors/h100' },
    {
      figure: 'all-reduce latency and bandwidth',
      value: '~10 us per all-reduce, ~450 GB/s effective',
      source: 'our estimate from the NVLink figure; not measured',
    },
    ...H100_SOURCES,
    ...VLLM_SOURCES,
    ...CALIBRATION_SOURCES,
  ],
};

const FIXED: FixedProfile = {
  kind: 'fixed',
  name: 'fixed',
  description: 'simple latency model: every request alone on the GPU, fixed TTFT and inter-token latency, no queue',
  ttftMs: 50,
  itlMs: 10,
};

/** Every profile, by name. */
export const PROFILES = {
  'llama-3.1-8b-1xh100': LLAMA_8B_1XH100,
  'llama-3.1-70b-8xh100': LLAMA_70B_8XH100,
  fixed: FIXED,
} as const satisfies Record<string, EngineProfile>;

export type ProfileName = keyof typeof PROFILES;
export const PROFILE_NAMES = Object.keys(PROFILES) as [ProfileName, ...ProfileName[]];

/** The profile a simulator runs when none is named: realistic, and quick enough for a first run. */
export const DEFAULT_PROFILE: ProfileName = 'llama-3.1-8b-1xh100';

/**
 * Parameter count from the architecture: embeddings and LM head (untied in Llama 3), per layer the
 * Q/O projections (h x h), K/V projections (h x kvHeads x headDim), the SwiGLU MLP (3 x h x ffn) and
 * two norms, and the final norm.
 */
export function parameterCount(m: ModelFigures): number {
  const h = m.hiddenSize;
  const kv = m.kvHeads * m.headDim;
  const perLayer = 2 * h * h + 2 * h * kv + 3 * h * m.intermediateSize + 2 * h;
  return 2 * m.vocabSize * h + m.layers * perLayer + h;
}

/** KV-cache bytes per token: K and V, every layer, every KV head. */
export function kvBytesPerToken(m: ModelFigures): number {
  return 2 * m.layers * m.kvHeads * m.headDim * m.bytesPerKvElement;
}

/** The step-time coefficients a profile implies (step-time.ts). */
export function deriveCoefficients(p: BatchedProfile): StepCoefficients {
  const { model: m, hardware: hw, serving: s } = p;
  const params = parameterCount(m);
  return {
    stepOverheadMs: s.stepOverheadMs,
    weightBytes: params * m.bytesPerParam,
    kvBytesPerToken: kvBytesPerToken(m),
    // The input embedding is a lookup, not a matrix product; everything else is 2 FLOPs per weight.
    flopsPerToken: 2 * (params - m.vocabSize * m.hiddenSize),
    // Q.K^T and attention x V: 2 FLOPs per multiply-add, each over heads x headDim, every layer.
    attnFlopsPerPair: 4 * m.layers * m.attentionHeads * m.headDim,
    memBandwidthBytesPerSec: hw.gpuCount * hw.memBandwidthBytesPerSecPerGpu,
    memEfficiency: s.memEfficiency,
    peakFlopsPerSec: hw.gpuCount * hw.peakFlopsPerSecPerGpu,
    computeEfficiency: s.computeEfficiency,
    commMsPerStep: s.commMsPerStep,
    commMsPerToken: s.commMsPerToken,
  };
}

/**
 * KV-cache capacity in tokens, as vLLM sizes it at start-up: of each GPU's memory, the utilization
 * share, less the weights and the reserved memory; what is left, in whole blocks.
 */
export function deriveKvCacheTokens(p: BatchedProfile): number {
  const { hardware: hw, serving: s } = p;
  const budget = hw.gpuCount * (hw.memoryBytesPerGpu * s.gpuMemoryUtilization - s.reservedBytesPerGpu);
  const free = budget - parameterCount(p.model) * p.model.bytesPerParam;
  return Math.max(0, Math.floor(free / (kvBytesPerToken(p.model) * KV_BLOCK_SIZE))) * KV_BLOCK_SIZE;
}
