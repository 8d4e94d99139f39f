/**
 * The server-metrics scraper against the built-in simulator while a benchmark runs: the timeline must
 * see the engine busy (running > 0, generated tokens per second > 0), the simulated GPU's memory, and
 * its token rates must add up to exactly what the clients received.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { performance } from 'node:perf_hooks';
import { startSimulator, type SimulatorHandle } from '../src/sim/index.js';
import type { ServerMetricsSample } from '../src/telemetry/samples.js';
import { resolveServerMetricsUrl } from '../src/telemetry/server-metrics-probe.js';
import { createServerMetricsScraper } from '../src/telemetry/server-metrics-scraper.js';
import { collectRun } from './helpers/collect-run.js';

describe('server metrics from the simulator during a run', () => {
  let sim: SimulatorHandle;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 11 }); // the realistic default profile: batching, KV cache, one H100
  });
  afterAll(() => sim.close());

  it('sees the engine busy and the GPU memory, and its token rates add up to what the clients got', async () => {
    const endpoint = `${sim.url}/v1/completions`;
    const resolved = await resolveServerMetricsUrl({ endpoint });
    expect(resolved).toMatchObject({ url: `${sim.url}/metrics`, servers: ['vllm', 'dcgm'] });
    if (resolved.url === null) return;

    const samples: ServerMetricsSample[] = [];
    const scraper = createServerMetricsScraper({
      url: resolved.url,
      // Scrapes are driven back to back below rather than by the timer: the simulator, the clients and
      // the scraper share this test's event loop (in a run each has a thread of its own), and on a
      // loaded machine a busy loop answers late; the schedule itself is tested in the scraper's tests.
      intervalMs: 20_000,
      timeoutMs: 15_000,
      now: () => performance.now(),
      onSample: (s) => samples.push(s),
    });
    const scrape = async (): Promise<void> => {
      if ((await scraper.scrapeNow()) === null) throw new Error('a scrape was skipped');
    };

    await scrape(); // before any request
    let done = false;
    const run = collectRun({ endpoint, ratePerSec: 200, totalRequests: 24, maxConcurrency: 24, maxTokens: 200 }).finally(() => {
      done = true;
    });
    while (!done) {
      await scrape();
      await new Promise((r) => setTimeout(r, 20));
    }
    const { records } = await run;
    await scrape(); // after the last token
    await scraper.stop();

    expect(records.every((r) => r.ok)).toBe(true);
    expect(samples.map((s) => s.error)).toEqual(samples.map(() => null));
    expect(samples.length).toBeGreaterThanOrEqual(4); // one before the run, one after, some during
    expect(Math.max(...samples.map((s) => s.running ?? 0))).toBeGreaterThan(0);
    expect(Math.max(...samples.map((s) => s.generationTokensPerSec ?? 0))).toBeGreaterThan(0);
    expect(Math.max(...samples.map((s) => s.kvCacheUsage ?? 0))).toBeGreaterThan(0);
    expect(samples.at(-1)!.running).toBe(0);
    for (const s of samples) {
      expect(s.gpuMemoryUsedMiB).toHaveLength(1);
      expect(s.gpuMemoryUsedMiB![0]).toBeGreaterThan(60_000); // vLLM holds its whole KV pool: ~73 GiB of 80
      expect(s.sources.gpuMemoryUsedMiB).toBe('DCGM_FI_DEV_FB_USED');
    }

    // Rate x interval, summed over the timeline, is the counter's increase from the first scrape
    // (before any request) to the last (after all): every token the clients got, plus the 1-token
    // preflight request llmload sends before the run.
    let generated = 0;
    for (let i = 1; i < samples.length; i++) generated += samples[i]!.generationTokensPerSec! * ((samples[i]!.tMs - samples[i - 1]!.tMs) / 1000);
    const received = records.reduce((a, r) => a + r.outputTokens, 0);
    expect(generated).toBeCloseTo(received + 1, 6);
  });
});
