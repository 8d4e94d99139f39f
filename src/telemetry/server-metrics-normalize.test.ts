import { describe, expect, it } from 'vitest';
import { exporterPage } from '../../test/helpers/exporter-fixtures.js';
import { parsePrometheusText, type PromExposition } from './prometheus-parse.js';
import { detectServers, normalizeServerMetrics, type RawServerFigures } from './server-metrics-normalize.js';

function parse(text: string): PromExposition {
  const r = parsePrometheusText(text);
  if (!r.ok) throw new Error(r.error);
  return r.exposition;
}
const figuresOf = (text: string): RawServerFigures => normalizeServerMetrics(parse(text));

describe('normalizeServerMetrics, one server at a time', () => {
  it('vLLM v1 with two data-parallel engines: counts and counters summed, KV usage averaged', () => {
    const f = figuresOf(exporterPage('vllm-v1'));
    expect(f).toMatchObject({
      running: 8,
      waiting: 2,
      kvCacheUsage: 0.3,
      preemptionsTotal: 5,
      prefixCacheHitsTotal: 2000,
      prefixCacheQueriesTotal: 5000,
      prefixCacheHitRatio: null,
      promptTokensTotal: 200_000,
      generationTokensTotal: 80_000,
      gpuMemoryUsedMiB: null,
      gpuUtilizationPct: null,
    });
    // The page also serves the deprecated names; the newest are read.
    expect(f.sources).toEqual({
      running: 'vllm:num_requests_running',
      waiting: 'vllm:num_requests_waiting',
      kvCacheUsage: 'vllm:kv_cache_usage_perc',
      preemptionsTotal: 'vllm:num_preemptions_total',
      prefixCacheHitsTotal: 'vllm:prefix_cache_hits_total',
      prefixCacheQueriesTotal: 'vllm:prefix_cache_queries_total',
      promptTokensTotal: 'vllm:prompt_tokens_total',
      generationTokensTotal: 'vllm:generation_tokens_total',
    });
  });

  it('vLLM v0: the old KV name; its cumulative block hit-rate gauge is not read as a hit rate', () => {
    const f = figuresOf(exporterPage('vllm-v0'));
    expect(f).toMatchObject({ running: 12, waiting: 7, kvCacheUsage: 0.9871, preemptionsTotal: 37, promptTokensTotal: 1.534e6 });
    expect(f.sources.kvCacheUsage).toBe('vllm:gpu_cache_usage_perc');
    expect(f.prefixCacheHitsTotal).toBeNull();
    expect(f.prefixCacheHitRatio).toBeNull();
  });

  it('vLLM 0.8: prefix-cache counters under their gpu_ names', () => {
    const f = figuresOf(
      [
        'vllm:gpu_prefix_cache_queries_total{engine="0",model_name="m"} 640.0',
        'vllm:gpu_prefix_cache_hits_total{engine="0",model_name="m"} 160.0',
        'vllm:num_preemptions{engine="0",model_name="m"} 3.0',
      ].join('\n'),
    );
    expect(f.prefixCacheHitsTotal).toBe(160);
    expect(f.prefixCacheQueriesTotal).toBe(640);
    expect(f.sources.prefixCacheHitsTotal).toBe('vllm:gpu_prefix_cache_hits_total');
    expect(f.preemptionsTotal).toBe(3);
    expect(f.sources.preemptionsTotal).toBe('vllm:num_preemptions');
  });

  it('SGLang with two DP ranks: its hit-rate gauge, the retraction counter (not the per-batch gauge)', () => {
    const f = figuresOf(exporterPage('sglang'));
    expect(f).toMatchObject({
      running: 59,
      waiting: 7,
      prefixCacheHitsTotal: null,
      promptTokensTotal: 8_128_902,
      generationTokensTotal: 7_557_572,
      preemptionsTotal: 48,
    });
    expect(f.kvCacheUsage).toBeCloseTo(0.29, 12);
    expect(f.prefixCacheHitRatio).toBeCloseTo(0.6, 12);
    expect(f.sources).toMatchObject({
      kvCacheUsage: 'sglang:token_usage',
      prefixCacheHitRatio: 'sglang:cache_hit_rate',
      preemptionsTotal: 'sglang:num_retracted_requests_total',
    });
  });

  it('TGI: batch and queue gauges, token totals from its histograms\u2019 _sum, no KV usage', () => {
    const f = figuresOf(exporterPage('tgi'));
    expect(f).toMatchObject({
      running: 24,
      waiting: 6,
      kvCacheUsage: null,
      preemptionsTotal: null,
      prefixCacheHitsTotal: null,
      prefixCacheHitRatio: null,
      promptTokensTotal: 312_904,
      generationTokensTotal: 250_211,
    });
    expect(f.sources.generationTokensTotal).toBe('tgi_request_generated_tokens_sum');
  });

  it('DCGM exporter: framebuffer MiB and utilisation per GPU, nothing else', () => {
    const f = figuresOf(exporterPage('dcgm'));
    expect(f.gpuMemoryUsedMiB).toEqual([75604, 75588]);
    expect(f.gpuUtilizationPct).toEqual([97, 88]);
    expect(f.running).toBeNull();
    expect(f.sources).toEqual({ gpuMemoryUsedMiB: 'DCGM_FI_DEV_FB_USED', gpuUtilizationPct: 'DCGM_FI_DEV_GPU_UTIL' });
  });
});

describe('normalizeServerMetrics, mixed pages and precedence', () => {
  it('a vLLM page with a DCGM exporter\u2019s page appended gives both', () => {
    const e = parse(`${exporterPage('vllm-v1')}${exporterPage('dcgm')}`);
    const f = normalizeServerMetrics(e);
    expect(f.running).toBe(8);
    expect(f.gpuMemoryUsedMiB).toEqual([75604, 75588]);
    expect(detectServers(e)).toEqual(['vllm', 'dcgm']);
  });

  it('newest vLLM name, then older vLLM, then SGLang, then TGI', () => {
    const all = [
      'tgi_batch_current_size 100',
      'tgi_queue_size 100',
      'tgi_request_generated_tokens_sum 100',
      'sglang:num_running_reqs{model_name="m"} 10',
      'sglang:num_queue_reqs{model_name="m"} 10',
      'sglang:token_usage{model_name="m"} 0.1',
      'sglang:cache_hit_rate{model_name="m"} 0.1',
      'sglang:generation_tokens_total{model_name="m"} 10',
      'vllm:gpu_cache_usage_perc{engine="0",model_name="m"} 0.2',
      'vllm:gpu_prefix_cache_hits_total{engine="0",model_name="m"} 2',
      'vllm:gpu_prefix_cache_queries_total{engine="0",model_name="m"} 20',
    ];
    const newest = [
      'vllm:num_requests_running{engine="0",model_name="m"} 1',
      'vllm:num_requests_waiting{engine="0",model_name="m"} 1',
      'vllm:kv_cache_usage_perc{engine="0",model_name="m"} 0.3',
      'vllm:prefix_cache_hits_total{engine="0",model_name="m"} 3',
      'vllm:prefix_cache_queries_total{engine="0",model_name="m"} 30',
      'vllm:generation_tokens_total{engine="0",model_name="m"} 1',
    ];
    const a = figuresOf([...all, ...newest].join('\n'));
    expect([a.running, a.waiting, a.kvCacheUsage, a.prefixCacheHitsTotal, a.generationTokensTotal]).toEqual([1, 1, 0.3, 3, 1]);
    expect(a.prefixCacheHitRatio).toBeNull(); // the vLLM counters win over SGLang's gauge

    const b = figuresOf(all.join('\n'));
    expect([b.running, b.waiting, b.kvCacheUsage, b.prefixCacheHitsTotal, b.generationTokensTotal]).toEqual([10, 10, 0.2, 2, 10]);
    expect(b.sources.kvCacheUsage).toBe('vllm:gpu_cache_usage_perc');

    const c = figuresOf(all.filter((l) => !l.startsWith('sglang') && !l.startsWith('vllm')).join('\n'));
    expect([c.running, c.waiting, c.generationTokensTotal]).toEqual([100, 100, 100]);
  });

  it('a name whose samples are all NaN counts as absent, so the next name is read', () => {
    const f = figuresOf('vllm:kv_cache_usage_perc{engine="0"} NaN\nvllm:gpu_cache_usage_perc{engine="0"} 0.4\n');
    expect(f.kvCacheUsage).toBe(0.4);
    expect(f.sources.kvCacheUsage).toBe('vllm:gpu_cache_usage_perc');
  });

  it('orders GPUs by index, numerically, and adds up the MIG instances of one GPU', () => {
    const f = figuresOf(
      [
        'DCGM_FI_DEV_FB_USED{gpu="10",UUID="GPU-c"} 300',
        'DCGM_FI_DEV_FB_USED{gpu="2",UUID="GPU-b"} 200',
        'DCGM_FI_DEV_FB_USED{gpu="0",UUID="GPU-a",GPU_I_PROFILE="3g.40gb",GPU_I_ID="1"} 10',
        'DCGM_FI_DEV_FB_USED{gpu="0",UUID="GPU-a",GPU_I_PROFILE="3g.40gb",GPU_I_ID="2"} 15',
      ].join('\n'),
    );
    expect(f.gpuMemoryUsedMiB).toEqual([25, 200, 300]);
  });

  it('a page of none of these servers gives no figures', () => {
    const e = parse('process_cpu_seconds_total 3\ngo_goroutines 12\n');
    const f = normalizeServerMetrics(e);
    expect(Object.values(f).filter((v) => v !== null && !(typeof v === 'object' && Object.keys(v).length === 0))).toEqual([]);
    expect(detectServers(e)).toEqual([]);
  });
});
