import { describe, expect, it } from 'vitest';
import { createBatchScheduler, type BatchEngineConfig, type BatchScheduler, type StepResult } from './batch-scheduler.js';
import { chainBlockHashes } from './prefix-cache.js';
import type { StepCoefficients } from './step-time.js';

/**
 * Coefficients chosen so a step is easy to check by hand: every token costs 1 ms of compute, the
 * weights 5 ms of memory traffic, and attention nothing, so a step lasts max(new tokens, 5) ms.
 */
const HAND: StepCoefficients = {
  stepOverheadMs: 0,
  weightBytes: 5e9,
  kvBytesPerToken: 0,
  flopsPerToken: 1e9,
  attnFlopsPerPair: 0,
  memBandwidthBytesPerSec: 1e12,
  memEfficiency: 1,
  peakFlopsPerSec: 1e12,
  computeEfficiency: 1,
  commMsPerStep: 0,
  commMsPerToken: 0,
};

function engine(over: Partial<BatchEngineConfig> = {}): BatchScheduler<string> {
  return createBatchScheduler<string>({
    maxNumSeqs: 256,
    maxNumBatchedTokens: 8192,
    kvCacheBlocks: 1000,
    blockSize: 16,
    enablePrefixCaching: false,
    coefficients: HAND,
    jitter: 0,
    seed: 1,
    ...over,
  });
}

function add(e: BatchScheduler<string>, tag: string, promptTokens: number, outputTokens: number, blockHashes: number[] = []) {
  return e.add({ tag, promptTokens, outputTokens, blockHashes });
}

function step(e: BatchScheduler<string>): StepResult<string> {
  const r = e.step();
  if (r === null) throw new Error('expected a step');
  return r;
}

describe('batch scheduler', () => {
  it('admits up to maxNumSeqs, prefills and emits the first token in one step, then decodes one token per step', () => {
    const e = engine({ maxNumSeqs: 2 });
    add(e, 'a', 4, 3);
    add(e, 'b', 4, 3);
    add(e, 'c', 4, 1);
    let r = step(e);
    expect(r).toMatchObject({ admitted: ['a', 'b'], tokens: ['a', 'b'], finished: [], prefillTokens: 8, decodeSequences: 0 });
    expect(r.durationMs).toBe(8); // 8 prompt tokens: compute-bound
    expect(e.stats).toMatchObject({ running: 2, waiting: 1 });
    r = step(e);
    expect(r).toMatchObject({ tokens: ['a', 'b'], prefillTokens: 0, decodeSequences: 2 });
    expect(r.durationMs).toBe(5); // 2 tokens: bound by the weight traffic
    r = step(e);
    expect(r).toMatchObject({ tokens: ['a', 'b'], finished: ['a', 'b'] });
    r = step(e);
    expect(r).toMatchObject({ admitted: ['c'], tokens: ['c'], finished: ['c'] });
    expect(e.step()).toBeNull();
    expect(e.stats).toMatchObject({ running: 0, waiting: 0, kvBlocksUsed: 0 });
  });

  it('prefills a long prompt in chunks of the token budget, decodes first', () => {
    const e = engine({ maxNumBatchedTokens: 10 });
    add(e, 'short', 2, 5);
    expect(step(e).tokens).toEqual(['short']);
    add(e, 'long', 25, 1);
    // The decoding sequence takes 1 token of the budget, the long prompt the other 9, and so on.
    let r = step(e);
    expect(r).toMatchObject({ tokens: ['short'], prefillTokens: 9, decodeSequences: 1 });
    expect(r.durationMs).toBe(10);
    r = step(e);
    expect(r).toMatchObject({ tokens: ['short'], prefillTokens: 9 });
    r = step(e);
    expect(r).toMatchObject({ tokens: ['short', 'long'], prefillTokens: 7, finished: ['long'] });
    expect(r.durationMs).toBe(8);
  });

  it('allocates KV blocks 16 tokens at a time and frees them when a request finishes', () => {
    const e = engine();
    add(e, 'a', 20, 14);
    step(e); // 20 prompt tokens: 2 blocks
    expect(e.stats.kvBlocksUsed).toBe(2);
    for (let i = 0; i < 12; i++) step(e); // 12 decodes: KV of 32 tokens, still 2 blocks
    expect(e.stats.kvBlocksUsed).toBe(2);
    const r = step(e); // the 33rd token's KV needs a third block
    expect(r.finished).toEqual(['a']);
    expect(e.stats.kvBlocksUsed).toBe(0);
    expect(e.stats.kvUsage).toBe(0);
  });

  it('preempts the newest running request when the KV cache runs out, and recomputes it later', () => {
    // 4 blocks of 16 tokens. Two 16-token prompts fill 1 block each; decoding fills the rest.
    const e = engine({ kvCacheBlocks: 4 });
    add(e, 'old', 16, 40);
    add(e, 'new', 16, 20);
    const events: StepResult<string>[] = [];
    for (let r = e.step(); r !== null; r = e.step()) events.push(r);
    const preemption = events.findIndex((r) => r.preempted.length > 0);
    expect(events[preemption]!.preempted).toEqual(['new']);
    // At that step both held 2 blocks (KV of 32 tokens) and 'old' needed a third for its 33rd.
    expect(events.slice(0, preemption).filter((r) => r.tokens.includes('new'))).toHaveLength(17);
    expect(events[preemption]!.tokens).toEqual(['old']);
    expect(e.stats.preemptions).toBe(1);
    // 'new' resumes only when it fits again, recomputing its prompt and the 17 tokens it had.
    const resumed = events.findIndex((r, i) => i > preemption && r.tokens.includes('new'));
    expect(events[resumed]!.prefillTokens).toBe(16 + 17);
    expect(events.flatMap((r) => r.finished)).toEqual(['old', 'new']);
    expect(events.flatMap((r) => r.tokens).filter((t) => t === 'new')).toHaveLength(20);
    expect(events.flatMap((r) => r.tokens).filter((t) => t === 'old')).toHaveLength(40);
  });

  it('reuses cached prompt blocks and counts prefix-cache queries and hits in tokens', () => {
    const e = engine({ enablePrefixCaching: true });
    const prompt = Array.from({ length: 40 }, (_, i) => i);
    const hashes = chainBlockHashes(prompt, 16);
    expect(hashes).toHaveLength(2);
    add(e, 'first', 40, 2, hashes);
    expect(step(e).prefillTokens).toBe(40);
    add(e, 'second', 40, 2, hashes);
    const r = step(e);
    // 'first' decodes; 'second' computes only the 8 tokens after the two cached blocks.
    expect(r).toMatchObject({ admitted: ['second'], prefillTokens: 8, decodeSequences: 1 });
    expect(e.stats).toMatchObject({ prefixQueriedTokens: 80, prefixHitTokens: 32 });
    // A prompt of exactly two cached blocks still computes its last block: the last token must run.
    const e2 = engine({ enablePrefixCaching: true });
    const exact = chainBlockHashes(prompt.slice(0, 32), 16);
    add(e2, 'x', 32, 1, exact);
    step(e2);
    add(e2, 'y', 32, 1, exact);
    expect(step(e2).prefillTokens).toBe(16);
    // A different first block shares nothing, even with equal later tokens.
    const other = chainBlockHashes([99, ...prompt.slice(1)], 16);
    add(e2, 'z', 40, 1, other);
    expect(step(e2).prefillTokens).toBe(40);
  });

  it('forgets an aborted request and frees its blocks', () => {
    const e = engine();
    const a = add(e, 'a', 40, 100);
    const b = add(e, 'b', 40, 100);
    step(e);
    expect(e.stats.kvBlocksUsed).toBe(6);
    e.abort(a);
    expect(e.stats).toMatchObject({ running: 1, kvBlocksUsed: 3 });
    e.abort(b);
    expect(e.step()).toBeNull();
    const queued = add(e, 'c', 4, 1);
    e.abort(queued);
    expect(e.stats.waiting).toBe(0);
  });

  it('is deterministic for a seed, jitter included', () => {
    const run = (seed: number): number[] => {
      const e = engine({ jitter: 0.1, seed });
      for (let i = 0; i < 20; i++) add(e, `r${i}`, 10 + i, 5 + (i % 7));
      const durations: number[] = [];
      for (let r = e.step(); r !== null; r = e.step()) durations.push(r.durationMs);
      return durations;
    };
    expect(run(3)).toEqual(run(3));
    expect(run(3)).not.toEqual(run(4));
    for (const d of run(3)) expect(d).toBeGreaterThanOrEqual(5 * 0.9);
  });
});
