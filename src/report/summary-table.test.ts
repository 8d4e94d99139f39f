import { describe, expect, it } from 'vitest';
import { record } from '../../test/helpers/record-fixture.js';
import { NO_TELEMETRY } from '../../test/helpers/synthetic-run.js';
import { summarizeRecords } from '../core/metrics/summary.js';
import { RUN_DEFAULTS } from '../config/run-config.js';
import type { RunResult } from '../runner/run-benchmark.js';
import { renderSummaryTable } from './summary-table.js';

function result(over: Partial<RunResult> = {}, records = [record({ readyAtMs: 110 })]): RunResult {
  return {
    schemaVersion: 1,
    tool: { name: 'llmload', version: '9.9.9' },
    config: { ...RUN_DEFAULTS, seed: 42, endpoint: 'http://127.0.0.1:1/v1/completions', api: 'openai-completions', model: 'm' },
    target: { simulated: false, models: null },
    startedAt: '2026-11-27T00:00:00.000Z',
    startedAtMonotonicNs: '1000000000',
    interrupted: false,
    stoppedEarly: null,
    requestsNotSent: 0,
    telemetry: NO_TELEMETRY,
    summary: summarizeRecords(records),
    ...over,
  };
}

describe('renderSummaryTable', () => {
  it('shows the configuration, counts, throughput and each metric row', () => {
    const text = renderSummaryTable(result());
    expect(text).toContain('llmload 9.9.9 — run summary');
    expect(text).toContain('Poisson 5 req/s, max concurrency 5, seed 42');
    expect(text).toContain('1 ok, 0 failed of 1 sent');
    // One request: TTFT 50 ms, latency 102 ms (see derive.test.ts).
    expect(text).toMatch(/TTFT\s+50\.00\s+50\.00/);
    expect(text).toMatch(/latency \(e2e\)\s+102\.00/);
    expect(text).not.toContain('note: the concurrency cap');
  });

  it('marks an interrupted run, lists errors by kind and status, and says when the cap held requests back', () => {
    const failed = record({ seq: 1, ok: false, status: 503, contentTimesMs: [], outputTokens: 0, error: { kind: 'http_status', message: 'x' } });
    const queued = record({ seq: 2, readyAtMs: 100, dispatchedAtMs: 400, sentAtMs: 400, contentTimesMs: [450], endAtMs: 460 });
    const text = renderSummaryTable(result({ interrupted: true, requestsNotSent: 3 }, [record(), failed, queued]));
    expect(text).toContain('INTERRUPTED run summary');
    expect(text).toContain('2 ok, 1 failed of 3 sent, 3 never sent');
    expect(text).toMatch(/errors: http_status\s+1/);
    expect(text).toMatch(/HTTP 503\s+1/);
    expect(text).toContain('note: the concurrency cap (5) held requests back');
  });

  it('says "rate inf" rather than printing Infinity', () => {
    const text = renderSummaryTable(result({ config: { ...result().config, ratePerSec: Infinity } }));
    expect(text).toContain('all at once (rate inf)');
    expect(text).not.toContain('Infinity');
  });

  it('shows telemetry with its sources, and says why a source is off', () => {
    const on = renderSummaryTable(
      result({
        telemetry: {
          gpu: {
            status: 'on', source: 'nvml', memoryApi: 'v2', intervalMs: 100, problem: null,
            devices: [{ index: 0, name: 'NVIDIA H100 80GB HBM3', memoryTotalMiB: 81559, memoryUsedMiB: { peak: 74000, mean: 73000.4, samples: 50 }, utilizationPct: { peak: 98, mean: 61, samples: 50 } }],
          },
          server: {
            status: 'on', url: 'http://127.0.0.1:8000/metrics', servers: ['vllm'], intervalMs: 1000, scrapes: 12, failedScrapes: 1, problem: null,
            figures: { running: { peak: 32, mean: 20, samples: 11 }, waiting: { peak: 7, mean: 1, samples: 11 }, kvCacheUsage: { peak: 0.412, mean: 0.3, samples: 11 } },
            gpuMemoryUsedMiB: null, sources: { running: 'vllm:num_requests_running' },
          },
          gpuMemorySource: 'nvml',
        },
      }),
    );
    expect(on).toMatch(/GPU 0 \(NVIDIA H100 80GB HBM3, NVML\)\s+memory peak 74000 \/ mean 73000 of 81559 MiB, utilisation mean 61% peak 98%/);
    expect(on).toMatch(/server metrics \(vllm\)\s+running peak 32, waiting peak 7, KV cache peak 41\.2%; 12 scrapes, 1 failed/);
    expect(on).toContain('gpu_memory_mb column           from NVML on this machine');
    const off = renderSummaryTable(result());
    expect(off).toContain('GPU telemetry                  off: test: no GPU');
    expect(off).toContain('server metrics                 off: test: no metrics');
    expect(off).toContain('empty (no GPU figure)');
  });
});
