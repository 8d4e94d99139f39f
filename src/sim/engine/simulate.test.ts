/**
 * The shapes that make load testing worth doing, shown on the pure engine with the default profile
 * (Llama 3.1 8B on one H100): Poisson arrivals at several rates, fed in virtual time, no clock.
 */
import { describe, expect, it } from 'vitest';
import { poissonOffsets } from '../../core/arrival/poisson.js';
import { createRng } from '../../core/arrival/rng.js';
import { parseSimOptions, resolveSimConfig, type SimOptionsInput } from '../sim-options.js';
import type { BatchEngineConfig } from './batch-scheduler.js';
import { simulateEngine, type SimulationResult } from './simulate.js';
import { decodeStepMs, prefillStepMs } from './step-time.js';

function engineConfig(options: SimOptionsInput = {}): BatchEngineConfig {
  const config = resolveSimConfig(parseSimOptions({ stepJitter: 0, maxModelLen: 8192, ...options }));
  if (config.latency.kind !== 'batched') throw new Error('expected a batched profile');
  return config.latency.engine;
}

const PROMPT = 512;
const OUTPUT = 256;

/** `seconds` of Poisson arrivals at `rate` of 512-token prompts asking for 256 tokens. */
function run(config: BatchEngineConfig, rate: number, seconds = 10): SimulationResult & { ttftP50: number; ttftP90: number } {
  const offsets = [...poissonOffsets(createRng(7), rate, { maxCount: Math.round(rate * seconds) })];
  const result = simulateEngine(
    config,
    offsets.map((atMs) => ({ atMs, promptTokens: PROMPT, outputTokens: OUTPUT })),
  );
  const ttft = result.requests.map((r) => r.firstTokenMs - r.arrivalMs).sort((a, b) => a - b);
  expect(result.requests.every((r) => r.outputTokens === OUTPUT)).toBe(true);
  return { ...result, ttftP50: ttft[Math.floor(ttft.length / 2)]!, ttftP90: ttft[Math.floor(ttft.length * 0.9)]! };
}

describe('the engine under load (8B on one H100)', () => {
  const config = engineConfig();
  const rates = [2, 10, 20, 40, 60, 80];
  const runs = new Map(rates.map((rate) => [rate, run(config, rate, 15)]));
  const at = (rate: number) => runs.get(rate)!;

  it('keeps TTFT near the bare prefill time well below saturation', () => {
    const prefill = prefillStepMs(config.coefficients, PROMPT);
    // A new prompt shares its step with the decodes of the others, and may wait out one step.
    for (const rate of [2, 10]) {
      expect(at(rate).ttftP50).toBeGreaterThanOrEqual(prefill);
      expect(at(rate).ttftP50).toBeLessThan(prefill + 2 * decodeStepMs(config.coefficients, 32, PROMPT + OUTPUT));
      expect(at(rate).maxWaiting).toBe(0);
    }
  });

  it('scales output throughput with the rate until the GPU saturates, then plateaus', () => {
    const tput = (rate: number) => at(rate).outputTokensPerSec;
    // Below the knee every token asked for is produced: rate x 256 tokens/s (less the ramp).
    expect(tput(10) / tput(2)).toBeGreaterThan(3.5);
    expect(tput(20) / tput(10)).toBeGreaterThan(1.6);
    // Past it, doubling the offered load gains nothing.
    expect(tput(80) / tput(40)).toBeLessThan(1.15);
    expect(Math.abs(tput(80) - tput(60)) / tput(60)).toBeLessThan(0.2);
  });

  it('grows the waiting queue and TTFT steeply past saturation', () => {
    expect(at(80).maxWaiting).toBeGreaterThan(200);
    expect(at(80).ttftP50).toBeGreaterThan(40 * at(10).ttftP50);
    // Steep: from 40 to 80 requests/s, TTFT grows far more than twofold.
    expect(at(80).ttftP90).toBeGreaterThan(10 * at(40).ttftP90);
  });
});

describe('KV-cache capacity', () => {
  it('moves the knee: a smaller cache saturates at a lower rate', () => {
    const small = engineConfig({ kvCacheTokens: 40_000 });
    const large = engineConfig();
    const sustainable = (config: BatchEngineConfig): number => {
      // The highest rate whose median TTFT stays under half a second.
      let best = 0;
      for (const rate of [5, 10, 15, 20, 30, 40, 50]) if (run(config, rate, 8).ttftP50 < 500) best = rate;
      return best;
    };
    const smallKnee = sustainable(small);
    const largeKnee = sustainable(large);
    expect(smallKnee).toBeGreaterThanOrEqual(10);
    expect(largeKnee).toBeGreaterThanOrEqual(2 * smallKnee);
  });

  it('preempts when the cache runs out, and not before', () => {
    const scarce = run(engineConfig({ kvCacheTokens: 40_000 }), 30, 5);
    expect(scarce.preemptions).toBeGreaterThan(0);
    expect(scarce.peakKvUsage).toBe(1);
    expect(scarce.requests.some((r) => r.preemptions > 0)).toBe(true);
    const ample = run(engineConfig(), 30, 5);
    expect(ample.preemptions).toBe(0);
    expect(ample.peakKvUsage).toBeLessThan(0.8);
  });
});

describe('determinism', () => {
  it('gives the same timeline for the same seed and arrivals', () => {
    const jittery = engineConfig({ stepJitter: 0.05, seed: 3 });
    const a = run(jittery, 20, 3);
    const b = run(jittery, 20, 3);
    expect(a.requests).toEqual(b.requests);
    expect(run(engineConfig({ stepJitter: 0.05, seed: 4 }), 20, 3).requests).not.toEqual(a.requests);
  });
});
