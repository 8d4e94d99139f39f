import { describe, expect, it } from 'vitest';
import { deriveCoefficients, deriveKvCacheTokens, kvBytesPerToken, parameterCount, PROFILES } from './profiles.js';
import { decodeStepMs, prefillStepMs } from './step-time.js';

const P8 = PROFILES['llama-3.1-8b-1xh100'];
const P70 = PROFILES['llama-3.1-70b-8xh100'];

describe('profiles', () => {
  it('derive the published model sizes from the architecture', () => {
    // Llama 3.1: 8.03 B and 70.6 B parameters; vLLM loads the 8B in 14.99 GiB of BF16.
    expect(parameterCount(P8.model) / 1e9).toBeCloseTo(8.03, 2);
    expect(parameterCount(P70.model) / 1e9).toBeCloseTo(70.55, 1);
    expect((parameterCount(P8.model) * 2) / 2 ** 30).toBeCloseTo(14.96, 1);
    // 2 x layers x 8 KV heads x 128 x 2 bytes: 128 KiB and 320 KiB per token (vllm#10517: 3.81 GiB = 1952 x 16 tokens).
    expect(kvBytesPerToken(P8.model)).toBe(128 * 1024);
    expect(kvBytesPerToken(P70.model)).toBe(320 * 1024);
  });

  it('size the KV cache from the memory left after the weights, in whole blocks', () => {
    const tokens8 = deriveKvCacheTokens(P8);
    expect(tokens8 % 16).toBe(0);
    // 0.9 x 80 GiB - 15 GiB weights - 4 GiB reserved = 53 GiB = ~434k tokens of 128 KiB.
    expect(tokens8).toBeGreaterThan(400_000);
    expect(tokens8).toBeLessThan(460_000);
    expect(deriveKvCacheTokens(P70)).toBeGreaterThan(1_200_000);
  });

  it('land inside the published bounds they are calibrated to', () => {
    const c8 = deriveCoefficients(P8);
    // Batch-1 inter-token latency: between an optimized engine's 4.6 ms and old vLLM's 13 ms.
    expect(decodeStepMs(c8, 1, 500)).toBeGreaterThan(4.6);
    expect(decodeStepMs(c8, 1, 500)).toBeLessThan(8);
    // Flat until the batch's arithmetic catches up with the weight traffic, then rising.
    expect(decodeStepMs(c8, 32, 200) / decodeStepMs(c8, 1, 200)).toBeLessThan(1.2);
    expect(decodeStepMs(c8, 512, 200) / decodeStepMs(c8, 1, 200)).toBeGreaterThan(3);
    // Saturated decode throughput below TensorRT-LLM FP8's 15,220 tok/s at 1000/1000 (BF16 is slower).
    const tput = (1000 * 1024) / decodeStepMs(c8, 1024, 1500);
    expect(tput).toBeGreaterThan(5_000);
    expect(tput).toBeLessThan(15_220);
    // Prefill runs at tens of thousands of tokens per second.
    expect(1000 / prefillStepMs(c8, 4096) * 4096).toBeGreaterThan(10_000);
    const c70 = deriveCoefficients(P70);
    expect(decodeStepMs(c70, 1, 500)).toBeGreaterThan(7);
    expect(decodeStepMs(c70, 1, 500)).toBeLessThan(15);
  });

  it('cite a source for every figure', () => {
    for (const p of [P8, P70]) {
      expect(p.sources.length).toBeGreaterThan(5);
      for (const s of p.sources) expect(s.source.length).toBeGreaterThan(10);
    }
  });
});
