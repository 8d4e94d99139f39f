/**
 * Workloads end to end against the built-in simulator over loopback: shared prefixes raise its
 * prefix-cache hit rate, --tokenizer server counts through its /tokenize, reasoning streams give a
 * TTFOT after the TTFT, and a second run of the same seed is warned about its warm prefix cache.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { deriveRequestMetrics } from '../src/core/metrics/derive.js';
import { startSimulator, type SimulatorHandle } from '../src/sim/index.js';
import type { SimOptionsInput } from '../src/sim/index.js';
import { collectRun } from './helpers/collect-run.js';

const sims: SimulatorHandle[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.close()));
});

async function sim(options: SimOptionsInput = {}): Promise<SimulatorHandle> {
  const s = await startSimulator({ seed: 1, ...options });
  sims.push(s);
  return s;
}

/** The simulator's cumulative prefix-cache counters, as it exports them. */
async function prefixCounters(s: SimulatorHandle): Promise<{ hits: number; queries: number }> {
  const text = await (await fetch(`${s.url}/metrics`)).text();
  const counter = (name: string): number => Number(new RegExp(`^${name}\\{[^}]*\\} (\\S+)$`, 'm').exec(text)?.[1]);
  return { hits: counter('vllm:prefix_cache_hits_total'), queries: counter('vllm:prefix_cache_queries_total') };
}

const QUIET = { metricsUrl: 'off', gpus: 'off' } as const;

describe('against the simulator', () => {
  it('--prefix-groups 2 raises the prefix-cache hit rate from the template alone to most of the prompt', async () => {
    const run = async (prefix: boolean): Promise<{ hits: number; queries: number }> => {
      const s = await sim();
      await collectRun({
        ...QUIET,
        endpoint: `${s.url}/v1/chat/completions`,
        dataset: 'random',
        inputTokens: '64',
        outputTokens: '2',
        ...(prefix ? { prefixTokens: 1024, prefixGroups: 2 } : {}),
        totalRequests: 12,
        ratePerSec: Infinity,
        // One at a time: a request's blocks can be found once its prefill is done.
        maxConcurrency: 1,
      });
      return prefixCounters(s);
    };
    const without = await run(false);
    const withPrefix = await run(true);
    expect(without.queries).toBeGreaterThan(0);
    expect(without.hits / without.queries).toBeLessThan(0.3);
    // 10 of 12 requests find their group's 1,024 tokens: at least 10 * 1,008 / (12 * ~1,115).
    expect(withPrefix.hits / withPrefix.queries).toBeGreaterThan(0.7);
  });

  it('--tokenizer server counts with the server\'s /tokenize: prompts exact, no mismatch, the BOS measured', async () => {
    const s = await sim();
    const { records, result } = await collectRun({
      ...QUIET,
      endpoint: `${s.url}/v1/completions`,
      dataset: 'random',
      inputTokens: '50:200',
      outputTokens: '3',
      tokenizer: 'server',
      totalRequests: 8,
      ratePerSec: Infinity,
      maxConcurrency: 4,
    });
    expect(result.workload?.tokenizer?.name).toBe('server');
    expect(records.every((r) => r.ok && r.promptTokens! >= 50 && r.promptTokens! <= 200)).toBe(true);
    // The simulator reports its own count plus a BOS: one token on every text prompt, no mismatch.
    expect(records.every((r) => r.templateTokens === 1)).toBe(true);
    expect(result.summary.lengthChecks?.input).toEqual({ checked: 8, mismatched: 0, templateTokens: { text: 1 } });
    expect(result.summary.lengthChecks?.output).toEqual({ checked: 8, mismatched: 0, short: 0, long: 0 });
  });

  it('a reasoning model: TTFOT after TTFT on every request, reasoning tokens counted, answers cut by max_tokens counted', async () => {
    const s = await sim({ reasoningTokens: 6 });
    const { records, result } = await collectRun({
      ...QUIET,
      endpoint: `${s.url}/v1/chat/completions`,
      dataset: 'random',
      inputTokens: '40',
      outputTokens: '12',
      totalRequests: 5,
      ratePerSec: Infinity,
    });
    for (const r of records) {
      expect(r.ok).toBe(true);
      const m = deriveRequestMetrics(r);
      expect(m.ttfotMs!).toBeGreaterThan(m.ttftMs!);
      expect(r.reasoningTokens).toBe(6);
    }
    expect(result.summary.reasoning).toEqual({ requests: 5, tokens: 30, noAnswer: 0 });
    expect(result.summary.ttfotMs!.p50).toBeGreaterThan(result.summary.ttftMs!.p50);

    const cut = await collectRun({ ...QUIET, endpoint: `${s.url}/v1/chat/completions`, dataset: 'random', inputTokens: '40', outputTokens: '4', totalRequests: 3, ratePerSec: Infinity });
    expect(cut.result.summary.reasoning?.noAnswer).toBe(3);
    expect(cut.records.every((r) => deriveRequestMetrics(r).ttfotMs === null)).toBe(true);
  });

  it('warns when a second run of the same seed finds its prompts in the prefix cache; --unique-prefix does not', async () => {
    const s = await sim();
    const cfg = {
      endpoint: `${s.url}/v1/completions`,
      dataset: 'random' as const,
      inputTokens: '512',
      outputTokens: '2',
      totalRequests: 10,
      ratePerSec: Infinity,
      maxConcurrency: 1,
      seed: 77,
      gpus: 'off' as const,
      metricsUrl: `${s.url}/metrics`,
      metricsIntervalMs: 20,
    };
    const first = await collectRun(cfg);
    expect(first.result.workload?.warnings).toEqual([]);
    const second = await collectRun(cfg);
    expect(second.result.workload?.warnings).toHaveLength(1);
    expect(second.result.workload!.warnings[0]).toMatch(/prefix cache served \d+ % of prompt tokens.*--unique-prefix/);
    const fresh = await collectRun({ ...cfg, uniquePrefix: true });
    expect(fresh.result.workload?.warnings).toEqual([]);
  });
});
