/**
 * How long one engine step takes. PURE.
 *
 * The model is a roofline per kernel family, summed. A transformer step runs two kinds of kernels
 * one after the other, and each is bound either by arithmetic or by memory traffic:
 *
 *   linear    = max(flopsPerToken * newTokens / effectiveFlops,  weightBytes / effectiveBandwidth)
 *   attention = max(attnFlopsPerPair * attnPairs / effectiveFlops, kvBytesPerToken * kvTokensRead / effectiveBandwidth)
 *   step      = stepOverheadMs + commMsPerStep + commMsPerToken * newTokens + linear + attention
 *
 * Why a roofline rather than a sum of linear terms (t = a + b * prefill + c * decode): a decode step
 * reads every weight once whatever the batch, so its time is flat from batch 1 until the batch's
 * arithmetic catches up with the weight traffic (about 150-200 sequences for a dense model on an
 * H100), and only then grows. That flat-then-rising shape is what makes batching pay, and a linear
 * model cannot draw it. Attention is kept apart because its traffic (the KV cache of every running
 * sequence) grows with the context held, and its kernels do not overlap the dense ones.
 *
 * Every coefficient is physical: bytes, FLOPs, peak rates and an efficiency (the share of the peak a
 * real engine reaches). profiles.ts derives them from a model's architecture and a GPU's datasheet.
 */

/** Coefficients of the step-time model. All "total" figures are summed over the GPUs of the server. */
export interface StepCoefficients {
  /** Fixed cost of every step: scheduling, input preparation, kernel launches, sampling (ms). */
  stepOverheadMs: number;
  /** Bytes of weights read once per step (total over GPUs). */
  weightBytes: number;
  /** KV-cache bytes per token: 2 (K and V) x layers x KV heads x head dim x bytes per element. */
  kvBytesPerToken: number;
  /** FLOPs of the dense (matrix) layers per token computed: about 2 x the non-embedding parameters. */
  flopsPerToken: number;
  /** Attention FLOPs per (query token, context token) pair: 4 x layers x heads x head dim. */
  attnFlopsPerPair: number;
  /** Peak memory bandwidth, bytes/s, total over GPUs. */
  memBandwidthBytesPerSec: number;
  /** Share of the peak bandwidth a real engine sustains (0-1]. */
  memEfficiency: number;
  /** Peak dense tensor-core FLOP/s at the weights' precision, total over GPUs. */
  peakFlopsPerSec: number;
  /** Share of the peak FLOP/s a real engine sustains (0-1]. */
  computeEfficiency: number;
  /** Tensor-parallel all-reduce latency per step (0 on one GPU), ms. */
  commMsPerStep: number;
  /** Tensor-parallel all-reduce transfer per token computed (0 on one GPU), ms. */
  commMsPerToken: number;
}

/** What a step does, as far as its cost is concerned. */
export interface StepShape {
  /** Tokens computed this step: every prefill chunk's tokens plus one per decoding sequence. */
  newTokens: number;
  /** Sum over the scheduled sequences of the KV entries attention reads (their context, new tokens included). */
  kvTokensRead: number;
  /** Sum over the new tokens of the number of positions each attends to (itself and all before it). */
  attnPairs: number;
}

/** The attention pairs of computing `count` tokens after `start` already-computed ones (causal). */
export function attentionPairs(start: number, count: number): number {
  // Token i (0-based within the chunk) attends to start + i + 1 positions.
  return count * start + (count * (count + 1)) / 2;
}

/** Duration of one step in ms; 0 for an empty step. */
export function stepDurationMs(c: StepCoefficients, s: StepShape): number {
  if (s.newTokens <= 0) return 0;
  const flops = c.peakFlopsPerSec * c.computeEfficiency;
  const bandwidth = c.memBandwidthBytesPerSec * c.memEfficiency;
  const linearSec = Math.max((c.flopsPerToken * s.newTokens) / flops, c.weightBytes / bandwidth);
  const attentionSec = Math.max((c.attnFlopsPerPair * s.attnPairs) / flops, (c.kvBytesPerToken * s.kvTokensRead) / bandwidth);
  return c.stepOverheadMs + c.commMsPerStep + c.commMsPerToken * s.newTokens + 1000 * (linearSec + attentionSec);
}

/** Decode-only step time for `batch` sequences holding `contextTokens` each: the inter-token latency. */
export function decodeStepMs(c: StepCoefficients, batch: number, contextTokens: number): number {
  return stepDurationMs(c, {
    newTokens: batch,
    kvTokensRead: batch * (contextTokens + 1),
    attnPairs: batch * (contextTokens + 1),
  });
}

/** Time to prefill a lone prompt of `promptTokens` in one step (no queue, no chunking): the bare TTFT. */
export function prefillStepMs(c: StepCoefficients, promptTokens: number): number {
  return stepDurationMs(c, {
    newTokens: promptTokens,
    kvTokensRead: promptTokens,
    attnPairs: attentionPairs(0, promptTokens),
  });
}
