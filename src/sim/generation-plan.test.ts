import { describe, expect, it } from 'vitest';
import { encode } from 'gpt-tokenizer/encoding/cl100k_base';
import { createRng } from '../core/arrival/rng.js';
import {
  deriveRequestSeed,
  drawNaturalLength,
  MAX_NATURAL_OUTPUT_TOKENS,
  planGeneration,
  tokensText,
  tokenText,
  VOCABULARY,
  type GenerationOptions,
  type GenerationPlan,
} from './generation-plan.js';
import type { SimRequest } from './sim-request.js';

const options: GenerationOptions = {
  outputTokens: undefined,
  meanOutputTokens: 128,
  maxModelLen: 4096,
  reasoningTokens: 0,
  ignoreLengthHints: false,
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
    stop: [],
    includeStopStrInOutput: false,
    addSpecialTokens: true,
    addGenerationPrompt: false,
    ...over,
  };
}

function plan(opts: Partial<GenerationOptions>, req: Partial<SimRequest>, seed = 1, promptTokens = 4): GenerationPlan {
  const result = planGeneration({ ...options, ...opts }, createRng(seed), request(req), promptTokens);
  if (result.kind !== 'plan') throw new Error(result.message);
  return result.plan;
}

describe('output length', () => {
  it('honours max_tokens exactly with ignore_eos', () => {
    const p = plan({ outputTokens: 3 }, { maxTokens: 40, ignoreEos: true });
    expect([p.outputTokens, p.tokenEnds.length, p.finishReason, p.stopReason]).toEqual([40, 40, 'length', null]);
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
    const draws = Array.from({ length: 20_000 }, () => drawNaturalLength(rng, 128, MAX_NATURAL_OUTPUT_TOKENS));
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    expect(mean).toBeGreaterThan(120);
    expect(mean).toBeLessThan(136);
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...draws)).toBeLessThanOrEqual(MAX_NATURAL_OUTPUT_TOKENS);
    expect(drawNaturalLength(createRng(1), 1_000_000, 50)).toBe(50);
  });

  it('rejects prompt + max_tokens beyond the context window, as vLLM does', () => {
    const result = planGeneration({ ...options, maxModelLen: 10 }, createRng(1), request({ maxTokens: 7 }), 4);
    expect(result.kind).toBe('too-long');
    if (result.kind === 'too-long') expect(result.message).toContain('maximum context length is 10 tokens');
    // Without max_tokens the rest of the window is the limit.
    const p = plan({ maxModelLen: 10, outputTokens: 50 }, {});
    expect([p.outputTokens, p.finishReason]).toEqual([6, 'length']);
  });
});

describe('stop strings', () => {
  // With seed 1 the answer starts with some words; stop on the third word of the unstopped answer.
  const free = plan({}, { maxTokens: 30, ignoreEos: true });
  const third = tokenText(free, 2);

  it('ends at the first stop string, cuts it from the text, and names it as stop_reason', () => {
    const p = plan({}, { maxTokens: 30, ignoreEos: true, stop: ['zzz', third] });
    const firstAt = [...Array(30).keys()].find((k) => tokensText(free, 0, k + 1).includes(third))!;
    expect(p.outputTokens).toBe(firstAt + 1);
    expect([p.finishReason, p.stopReason]).toEqual(['stop', third]);
    expect(p.text).toBe(tokensText(free, 0, firstAt));
    // The token that completed the match counts, but its text is gone.
    expect(tokenText(p, p.outputTokens - 1)).toBe('');
  });

  it('keeps the stop string with include_stop_str_in_output', () => {
    const p = plan({}, { maxTokens: 30, ignoreEos: true, stop: [third], includeStopStrInOutput: true });
    expect(p.text.endsWith(third)).toBe(true);
    expect(p.text).toBe(tokensText(free, 0, p.outputTokens));
  });

  it('does not stop before min_tokens', () => {
    const p = plan({}, { maxTokens: 30, ignoreEos: true, stop: [tokenText(free, 0)], minTokens: 5 });
    expect(p.outputTokens).toBeGreaterThanOrEqual(5);
  });

  it('finds a stop string that spans two tokens', () => {
    const spanning = tokensText(free, 1, 3).slice(2, -1);
    const p = plan({}, { maxTokens: 30, ignoreEos: true, stop: [spanning] });
    expect(p.stopReason).toBe(spanning);
    expect(p.text.includes(spanning)).toBe(false);
    expect(p.outputTokens).toBeLessThanOrEqual(3);
  });
});

describe('text', () => {
  it('gives the same request the same output from the same seed, a prefix for fewer tokens', () => {
    const req = request({ maxTokens: 30, ignoreEos: true });
    const text = (s: number, r: SimRequest): string => {
      const result = planGeneration(options, createRng(deriveRequestSeed(s, r)), r, 4);
      return result.kind === 'plan' ? result.plan.text : '';
    };
    expect(text(3, req)).toBe(text(3, req));
    expect(text(3, req)).not.toBe(text(4, req));
    expect(text(3, req).startsWith(text(3, { ...req, maxTokens: 10 }))).toBe(true);
    expect(deriveRequestSeed(3, req)).not.toBe(deriveRequestSeed(3, { ...req, seed: 9 }));
    expect(deriveRequestSeed(3, req)).not.toBe(deriveRequestSeed(3, { ...req, prompt: { kind: 'text', text: 'other' } }));
  });

  it('produces plain-ASCII tokens, each with a leading space', () => {
    const p = plan({ outputTokens: 200 }, {});
    for (let k = 0; k < p.outputTokens; k++) expect(tokenText(p, k)).toMatch(/^ [a-z]+$/);
  });

  it('uses words that are one token each to a real tokenizer, so usage matches the text', () => {
    for (const word of VOCABULARY) expect(encode(word)).toHaveLength(1);
  });
});
