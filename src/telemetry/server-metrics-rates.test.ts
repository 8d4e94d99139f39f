import { describe, expect, it } from 'vitest';
import { counterIncrease, deriveServerMetricsSample, failedServerMetricsSample, type ServerScrape } from './server-metrics-rates.js';
import type { RawServerFigures } from './server-metrics-normalize.js';

const VLLM_SOURCES: RawServerFigures['sources'] = {
  running: 'vllm:num_requests_running',
  preemptionsTotal: 'vllm:num_preemptions_total',
  prefixCacheHitsTotal: 'vllm:prefix_cache_hits_total',
  prefixCacheQueriesTotal: 'vllm:prefix_cache_queries_total',
  promptTokensTotal: 'vllm:prompt_tokens_total',
  generationTokensTotal: 'vllm:generation_tokens_total',
};

function scrape(tMs: number, f: Partial<RawServerFigures>): ServerScrape {
  return {
    tMs,
    figures: {
      running: 4,
      waiting: 1,
      kvCacheUsage: 0.5,
      preemptionsTotal: null,
      prefixCacheHitsTotal: null,
      prefixCacheQueriesTotal: null,
      prefixCacheHitRatio: null,
      promptTokensTotal: null,
      generationTokensTotal: null,
      gpuMemoryUsedMiB: null,
      gpuUtilizationPct: null,
      sources: VLLM_SOURCES,
      ...f,
    },
  };
}

const counters = (c: [preempt: number, hits: number, queries: number, prompt: number, gen: number]): Partial<RawServerFigures> => ({
  preemptionsTotal: c[0],
  prefixCacheHitsTotal: c[1],
  prefixCacheQueriesTotal: c[2],
  promptTokensTotal: c[3],
  generationTokensTotal: c[4],
});

describe('deriveServerMetricsSample', () => {
  it('first scrape: gauges at once, no rates yet, sources already named', () => {
    const s = deriveServerMetricsSample(null, scrape(250, { ...counters([2, 100, 400, 1000, 500]), gpuMemoryUsedMiB: [70_000] }));
    expect(s).toMatchObject({ tMs: 250, ok: true, error: null, running: 4, waiting: 1, kvCacheUsage: 0.5, gpuMemoryUsedMiB: [70_000] });
    expect([s.preemptionsPerSec, s.prefixCacheHitRate, s.promptTokensPerSec, s.generationTokensPerSec]).toEqual([null, null, null, null]);
    expect(s.sources).toMatchObject({
      preemptionsPerSec: 'vllm:num_preemptions_total',
      prefixCacheHitRate: 'vllm:prefix_cache_hits_total / vllm:prefix_cache_queries_total',
      generationTokensPerSec: 'vllm:generation_tokens_total',
    });
  });

  it('known increments over a known interval give exact rates, timed by the scrapes\u2019 own stamps', () => {
    const a = scrape(1000, counters([2, 100, 400, 1000, 500]));
    const b = scrape(3000, counters([6, 250, 700, 1600, 900])); // 2 s later
    const s = deriveServerMetricsSample(a, b);
    expect(s.preemptionsPerSec).toBe(2);
    expect(s.promptTokensPerSec).toBe(300);
    expect(s.generationTokensPerSec).toBe(200);
    expect(s.prefixCacheHitRate).toBe(0.5); // 150 hits of 300 queried tokens
    // A late scrape covers a longer interval: 400 tokens over 2.5 s.
    expect(deriveServerMetricsSample(b, scrape(5500, counters([6, 250, 700, 1600, 1300]))).generationTokensPerSec).toBe(160);
  });

  it('a counter that went down is a restart: the increase is counted from 0, as Prometheus rate() does', () => {
    expect(counterIncrease(10_000, 300)).toBe(300);
    expect(counterIncrease(300, 300)).toBe(0);
    const s = deriveServerMetricsSample(scrape(0, counters([50, 900, 1000, 9000, 10_000])), scrape(1500, counters([0, 30, 60, 150, 300])));
    expect(s.generationTokensPerSec).toBe(200);
    expect(s.promptTokensPerSec).toBe(100);
    expect(s.preemptionsPerSec).toBe(0);
    expect(s.prefixCacheHitRate).toBe(0.5);
  });

  it('no prefix queries in the interval: hit rate null, not 0', () => {
    const s = deriveServerMetricsSample(scrape(0, counters([0, 100, 400, 0, 0])), scrape(1000, counters([0, 100, 400, 0, 0])));
    expect(s.prefixCacheHitRate).toBeNull();
    expect(s.generationTokensPerSec).toBe(0);
  });

  it('SGLang\u2019s hit-rate gauge is used as it is, from the first scrape', () => {
    const s = deriveServerMetricsSample(null, scrape(0, { prefixCacheHitRatio: 0.75, sources: { prefixCacheHitRatio: 'sglang:cache_hit_rate' } }));
    expect(s.prefixCacheHitRate).toBe(0.75);
    expect(s.sources.prefixCacheHitRate).toBe('sglang:cache_hit_rate');
  });

  it('no rate when the counter changed name between scrapes, is missing from one, or time did not move', () => {
    const before = scrape(0, { generationTokensTotal: 100, sources: { generationTokensTotal: 'vllm:generation_tokens_total' } });
    const swapped = scrape(1000, { generationTokensTotal: 900, sources: { generationTokensTotal: 'sglang:generation_tokens_total' } });
    expect(deriveServerMetricsSample(before, swapped).generationTokensPerSec).toBeNull();
    expect(deriveServerMetricsSample(before, scrape(1000, { generationTokensTotal: null })).generationTokensPerSec).toBeNull();
    expect(deriveServerMetricsSample(before, scrape(0, counters([0, 0, 0, 0, 900]))).generationTokensPerSec).toBeNull();
  });
});

describe('failedServerMetricsSample', () => {
  it('keeps the time and the reason, every figure null', () => {
    const s = failedServerMetricsSample(1234, 'GET http://x/metrics answered 500');
    expect(s.ok).toBe(false);
    expect(s.error).toBe('GET http://x/metrics answered 500');
    expect(s.tMs).toBe(1234);
    const { tMs: _t, ok: _o, error: _e, sources, ...figures } = s;
    expect(Object.values(figures).every((v) => v === null)).toBe(true);
    expect(sources).toEqual({});
  });
});
