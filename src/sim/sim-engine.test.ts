import { describe, expect, it } from 'vitest';
import { createRng } from '../core/arrival/rng.js';
import {
  countPromptTokens,
  deriveRequestSeed,
  drawNaturalLength,
  MAX_NATURAL_OUTPUT_TOKENS,
  planGeneration,
  tokenDueMs,
  type GenerationPlan,
  type SimEngineOptions,
} from './sim-engine.js';
import type { SimRequest } from './sim-request.js';

const options: SimEngineOptions = {
  ttftMs: 50,
  itlMs: 10,
  outputTokens: undefined,
  meanOutputTokens: 128,
  maxModelLen: 4096,
  tokensPerChunk: 1,
};

function request(over: Partial<SimRequest> = {}): SimRequest {
  return {
    api: 'completions',
    model: undefined,
    prompt: { kind: 'text', text: 'one two three four' },
    maxTokens: undefined,
    minTokens: 0,
    ignoreEos: false,
    stream: true,
    includeUsage: false,
    continuousUsage: false,
    seed: undefined,
    ...over,
  };
}

function plan(opts: Partial<SimEngineOptions>, req: Partial<SimRequest>, seed = 1): GenerationPlan {
  const result = planGeneration({ ...options, ...opts }, createRng(seed), request(req));
  if (result.kind !== 'plan') throw new Error(result.message);
  return result.plan;
}

describe('schedule', () => {
  it('puts token k at ttft + k * itl, on absolute offsets', () => {
    expect([0, 1, 2, 99].map((k) => tokenDueMs(k, 50, 10))).toEqual([50, 60, 70, 1040]);
  });

  it('gives every chunk the due time of its last token', () => {
    const p = plan({ outputTokens: 5 }, { maxTokens: 5 });
    expect(p.chunks.map((c) => c.dueMs)).toEqual([50, 60, 70, 80, 90]);
    expect(p.chunks.map((c) => c.tokensSoFar)).toEqual([1, 2, 3, 4, 5]);
  });

  it('groups tokensPerChunk tokens per event, the last event possibly shorter', () => {
    const p = plan({ outputTokens: 7, tokensPerChunk: 3 }, { maxTokens: 7 });
    expect(p.chunks.map((c) => c.dueMs)).toEqual([70, 100, 110]);
    expect(p.chunks.map((c) => c.tokensSoFar)).toEqual([3, 6, 7]);
    expect(p.chunks.map((c) => c.text.split(' ').length - 1)).toEqual([3, 3, 1]);
  });
});

describe('prompt tokens', () => {
  it('counts whitespace-separated words, at least one', () => {
    expect(countPromptTokens({ kind: 'text', text: '  hello \n\t world  x ' })).toBe(3);
    expect(countPromptTokens({ kind: 'text', text: '' })).toBe(1);
    expect(countPromptTokens({ kind: 'token-ids', ids: [5, 6, 7, 8] })).toBe(4);
  });
});

describe('output length', () => {
  it('honours max_tokens exactly with ignore_eos', () => {
    const p = plan({ outputTokens: 3 }, { maxTokens: 40, ignoreEos: true });
    expect([p.outputTokens, p.chunks.length, p.finishReason]).toEqual([40, 40, 'length']);
  });

  it('stops early at the natural length without ignore_eos', () => {
    const p = plan({ outputTokens: 3 }, { maxTokens: 40 });
    expect([p.outputTokens, p.finishReason]).toEqual([3, 'stop']);
    const cut = plan({ outputTokens: 100 }, { maxTokens: 40 });
    expect([cut.outputTokens, cut.finishReason]).toEqual([40, 'length']);
  });

  it('lets min_tokens hold back the end', () => {
    expect(plan({ outputTokens: 3 }, { maxTokens: 40, minTokens: 10 }).outputTokens).toBe(10);
  });

  it('draws lengths with about the configured mean, within [1, cap]', () => {
    const rng = createRng(7);
    const draw = (): number => drawNaturalLength(rng, 128, MAX_NATURAL_OUTPUT_TOKENS);
    const draws = Array.from({ length: 20_000 }, draw);
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    expect(mean).toBeGreaterThan(120);
    expect(mean).toBeLessThan(136);
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...draws)).toBeLessThanOrEqual(MAX_NATURAL_OUTPUT_TOKENS);
    expect(drawNaturalLength(createRng(1), 1_000_000, 50)).toBe(50);
  });

  it('rejects prompt + max_tokens beyond the context window, as vLLM does', () => {
    const result = planGeneration({ ...options, maxModelLen: 10 }, createRng(1), request({ maxTokens: 7 }));
    expect(result.kind).toBe('too-long');
    if (result.kind === 'too-long') expect(result.message).toContain('maximum context length is 10 tokens');
    // Without max_tokens the rest of the window is the limit.
    const p = plan({ maxModelLen: 10, outputTokens: 50 }, {});
    expect([p.outputTokens, p.finishReason]).toEqual([6, 'length']);
  });
});

describe('determinism', () => {
  it('gives the same request the same output from the same seed, a prefix for fewer tokens', () => {
    const req = request({ maxTokens: 30, ignoreEos: true });
    const seedOf = (s: number, r: SimRequest): number => deriveRequestSeed(s, r);
    const text = (s: number, r: SimRequest): string => {
      const result = planGeneration(options, createRng(seedOf(s, r)), r);
      return result.kind === 'plan' ? result.plan.chunks.map((c) => c.text).join('') : '';
    };
    expect(text(3, req)).toBe(text(3, req));
    expect(text(3, req)).not.toBe(text(4, req));
    expect(text(3, req).startsWith(text(3, { ...req, maxTokens: 10 }))).toBe(true);
    expect(seedOf(3, req)).not.toBe(seedOf(3, { ...req, seed: 9 }));
    expect(seedOf(3, req)).not.toBe(seedOf(3, { ...req, prompt: { kind: 'text', text: 'other' } }));
  });

  it('produces plain-ASCII tokens, each with a leading space', () => {
    for (const c of plan({ outputTokens: 200 }, {}).chunks) expect(c.text).toMatch(/^ [a-z]+$/);
  });
});
