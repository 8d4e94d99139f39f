import { describe, expect, it } from 'vitest';
import { fixtureGpuSamples, fixtureServerSamples } from '../../test/helpers/telemetry-fixture.js';
import { emptyTelemetry, telemetryFromSamples } from './telemetry-load.js';
import { summarizeTelemetry } from './telemetry-summary.js';

describe('summarizeTelemetry', () => {
  it('gives peak and mean memory per GPU from NVML, with capacity, and the server’s peaks', () => {
    // Memory 20,480 + 51,200 * t/span (+512 per device index): readings at 0, 1/2 and 1 of the span.
    const t = telemetryFromSamples(
      fixtureGpuSamples({ spanMs: 1000, gpus: 2, gpuEveryMs: 500 }),
      fixtureServerSamples({ spanMs: 1000, scrapeEveryMs: 250, failEvery: 5, dcgmGpus: 2 }),
    );
    const s = summarizeTelemetry(t);
    expect(s.gpuMemory).toEqual([
      { gpu: 0, name: 'NVIDIA H100 80GB HBM3', source: 'nvml', metric: null, peakMiB: 71_680, meanMiB: 46_080, totalMiB: 81_559, readings: 3 },
      { gpu: 1, name: 'NVIDIA H100 80GB HBM3', source: 'nvml', metric: null, peakMiB: 72_192, meanMiB: 46_592, totalMiB: 81_559, readings: 3 },
    ]);
    expect(s.peakUtilizationPct).toBe(100);
    // Scrapes at 0, 250, 500, 750 ms (ok) and 1000 ms (failed: not a zero, not counted).
    expect(s.peakKvCacheUsage).toBeCloseTo(0.675, 10);
    expect(s.maxRunning).toBe(12);
    expect(s.maxWaiting).toBe(10);
    expect(s.scrapes).toEqual({ ok: 4, failed: 1 });
  });

  it("falls back to the server's DCGM memory, and has nothing to say about a run without telemetry", () => {
    const s = summarizeTelemetry(telemetryFromSamples([], fixtureServerSamples({ spanMs: 1000, scrapeEveryMs: 500, dcgmGpus: 1 })));
    expect(s.gpuMemory).toEqual([{ gpu: 0, name: null, source: 'server_metrics', metric: 'DCGM_FI_DEV_FB_USED', peakMiB: 50_000, meanMiB: 40_000, totalMiB: null, readings: 3 }]);
    expect(s.peakUtilizationPct).toBeNull();
    expect(summarizeTelemetry(emptyTelemetry())).toEqual({
      gpuMemory: [],
      peakUtilizationPct: null,
      peakKvCacheUsage: null,
      maxRunning: null,
      maxWaiting: null,
      scrapes: { ok: 0, failed: 0 },
    });
  });
});
