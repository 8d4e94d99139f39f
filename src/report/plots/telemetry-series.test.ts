import { describe, expect, it } from 'vitest';
import { fixtureGpuSamples, fixtureServerSamples } from '../../../test/helpers/telemetry-fixture.js';
import { gpuMemorySeries, gpuUtilizationSeries, serverFigureSeries } from './telemetry-series.js';

describe('telemetry series', () => {
  it('takes GPU memory from NVML per device, with its name and capacity, when there is NVML data', () => {
    const gpu = fixtureGpuSamples({ spanMs: 1000, gpus: 2, gpuEveryMs: 500 });
    const server = fixtureServerSamples({ spanMs: 1000, scrapeEveryMs: 500, dcgmGpus: 2 });
    const m = gpuMemorySeries(gpu, server);
    expect(m.source).toBe('nvml');
    expect(m.devices.map((d) => [d.gpu, d.name, d.totalMiB])).toEqual([
      [0, 'NVIDIA H100 80GB HBM3', 81_559],
      [1, 'NVIDIA H100 80GB HBM3', 81_559],
    ]);
    expect(m.devices[1]?.points).toEqual([
      { tMs: 0, value: 20_992 },
      { tMs: 500, value: 46_592 },
      { tMs: 1000, value: 72_192 },
    ]);
  });

  it("falls back to the server's DCGM_FI_DEV_FB_USED, a failed scrape being a gap for every device", () => {
    const server = fixtureServerSamples({ spanMs: 1000, scrapeEveryMs: 250, dcgmGpus: 2, failEvery: 2 });
    const m = gpuMemorySeries([], server);
    expect(m).toMatchObject({ source: 'server_metrics', metric: 'DCGM_FI_DEV_FB_USED' });
    expect(m.devices).toHaveLength(2);
    expect(m.devices[0]?.points.map((p) => p.value)).toEqual([30_000, null, 40_000, null, 50_000]);
    expect(m.devices[1]?.name).toBeNull();
    expect(gpuMemorySeries([], fixtureServerSamples({ spanMs: 1000, scrapeEveryMs: 250 }))).toEqual({ source: null, metric: null, devices: [] });
  });

  it('keeps utilisation per device, and server figures with failed scrapes as gaps, not zeros', () => {
    const util = gpuUtilizationSeries(fixtureGpuSamples({ spanMs: 500, gpus: 1, gpuEveryMs: 500 }));
    expect(util[0]?.points).toEqual([
      { tMs: 0, value: 100 },
      { tMs: 500, value: 50 },
    ]);
    const server = fixtureServerSamples({ spanMs: 1000, scrapeEveryMs: 250, failEvery: 3 });
    expect(serverFigureSeries(server, 'running')?.map((p) => p.value)).toEqual([0, 4, null, 12, 16]);
    // A figure no scrape had: the server does not expose it.
    expect(serverFigureSeries(server, 'preemptionsPerSec')).toBeNull();
  });
});
