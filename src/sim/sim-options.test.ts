import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { parseSimOptions, resolveSimConfig } from './sim-options.js';

const resolve = (input: unknown) => resolveSimConfig(parseSimOptions(input));

function problems(input: unknown): string[] {
  try {
    parseSimOptions(input);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => `${p.field}: ${p.message}`);
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('simulator options', () => {
  it('runs the realistic default profile unless fixed-model timings are given', () => {
    const realistic = resolve({});
    expect([realistic.profile.name, realistic.tokenizer, realistic.promptFormat]).toEqual(['llama-3.1-8b-1xh100', 'cl100k_base', 'llama3']);
    expect(realistic.latency.kind).toBe('batched');
    // The model's 131,072-token window fits in its KV cache.
    expect(realistic.maxModelLen).toBe(131_072);
    const fixed = resolve({ ttftMs: 5 });
    expect([fixed.profile.name, fixed.tokenizer, fixed.maxModelLen]).toEqual(['fixed', 'words', 32_768]);
    expect(fixed.latency).toEqual({ kind: 'fixed', ttftMs: 5, itlMs: 10 });
  });

  it('lets flags override the engine limits and every cost coefficient', () => {
    const c = resolve({
      profile: 'llama-3.1-70b-8xh100',
      maxNumSeqs: 8,
      maxNumBatchedTokens: 512,
      kvCacheTokens: 1000,
      enablePrefixCaching: false,
      stepOverheadMs: 2,
      memBandwidthGBs: 1000,
      memEfficiency: 0.5,
      peakTflops: 100,
      computeEfficiency: 0.25,
      commMsPerStep: 0,
      commMsPerToken: 0,
      stepJitter: 0,
    });
    if (c.latency.kind !== 'batched') throw new Error('expected batched');
    expect(c.latency.engine).toMatchObject({ maxNumSeqs: 8, maxNumBatchedTokens: 512, kvCacheBlocks: 62, enablePrefixCaching: false, jitter: 0 });
    expect(c.latency.engine.coefficients).toMatchObject({
      stepOverheadMs: 2,
      memBandwidthBytesPerSec: 1e12,
      memEfficiency: 0.5,
      peakFlopsPerSec: 1e14,
      computeEfficiency: 0.25,
      commMsPerStep: 0,
      commMsPerToken: 0,
    });
    // The context window defaults to what the (small) cache holds.
    expect(c.maxModelLen).toBe(992);
  });

  it('refuses options that do not fit the profile, naming each', () => {
    expect(problems({ profile: 'fixed', maxNumSeqs: 4, kvCacheTokens: 64 })).toEqual([
      'sim.maxNumSeqs: applies to the continuous-batching profiles only, not to profile "fixed"',
      'sim.kvCacheTokens: applies to the continuous-batching profiles only, not to profile "fixed"',
    ]);
    expect(problems({ profile: 'llama-3.1-8b-1xh100', itlMs: 3 })).toEqual([
      'sim.itlMs: applies to the fixed profile only, not to profile "llama-3.1-8b-1xh100"',
    ]);
    expect(problems({ kvCacheTokens: 1024, maxModelLen: 4096 })[0]).toMatch(/^sim.maxModelLen: 4096 is more than the KV cache holds \(1024 tokens\)/);
    expect(problems({ profile: 'h100', faults: ['boom'], faultRate: 2 }).map((p) => p.split(':')[0])).toEqual([
      'sim.profile',
      'sim.faultRate',
      'sim.faults.0',
    ]);
  });

  it('returns plain data that parses to itself (it crosses into a worker thread)', () => {
    const once = parseSimOptions({ kvCacheTokens: 4096, faultRate: 0.1 });
    expect(parseSimOptions(structuredClone(once))).toEqual(once);
  });
});
