import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { createGpuSampler, type GpuSamplerOptions } from './gpu-sampler.js';
import type { NvmlBinding, NvmlReading } from './nvml-binding.js';
import type { GpuSample } from './samples.js';

/** An in-memory NVML: the timing logic under test does not care where readings come from. */
function fakeNvml(devices: number, failOnCall = Infinity): NvmlBinding & { calls: number; shutdowns: number } {
  const nvml = {
    calls: 0,
    shutdowns: 0,
    memoryApi: 'v2' as const,
    deviceCount: () => devices,
    device: (i: number) => ({ name: `GPU ${i}` }),
    sample(): NvmlReading {
      nvml.calls++;
      if (nvml.calls >= failOnCall) throw new Error('nvmlDeviceGetMemoryInfo_v2 failed: NVML_ERROR_GPU_IS_LOST (GPU is lost)');
      return { memoryUsedMiB: nvml.calls, memoryTotalMiB: 100, memoryReservedMiB: 1, utilizationPct: 50, memoryApi: 'v2' };
    },
    shutdown() {
      nvml.shutdowns++;
    },
  };
  return nvml;
}

/** A clock and timer moved by hand; records each delay the sampler asks for. */
function handClock() {
  let t = 1000;
  let pending: (() => void) | null = null;
  const delays: number[] = [];
  return {
    now: () => t,
    delays,
    setTimer: (delayMs: number, fire: () => void) => {
      delays.push(delayMs);
      pending = fire;
      return () => (pending = null);
    },
    fireAt(atMs: number) {
      t = atMs;
      const f = pending;
      pending = null;
      f?.();
    },
    get armed() {
      return pending !== null;
    },
  };
}

function sampler(nvml: NvmlBinding, clock: ReturnType<typeof handClock>, over: Partial<GpuSamplerOptions> = {}) {
  const samples: GpuSample[] = [];
  const problems: string[] = [];
  const s = createGpuSampler({
    nvml,
    gpus: 'all',
    intervalMs: 100,
    now: clock.now,
    setTimer: clock.setTimer,
    onSample: (x) => samples.push(x),
    onProblem: (m) => problems.push(m),
    ...over,
  });
  return { s, samples, problems };
}

describe('createGpuSampler', () => {
  it('ticks on absolute deadlines: a late tick does not delay the next, missed ones are skipped', () => {
    const clock = handClock();
    const { s, samples } = sampler(fakeNvml(1), clock);
    s.start();
    expect(clock.delays).toEqual([100]); // deadline 1100
    clock.fireAt(1130); // 30 ms late
    expect(clock.delays.at(-1)).toBe(70); // still aiming at 1200
    clock.fireAt(1420); // 1300 and 1400 missed: no burst, next is 1500
    expect(clock.delays.at(-1)).toBe(80);
    clock.fireAt(1499); // a timer 1 ms early still serves 1500: the next aim is 1600, not 1500 again
    expect(clock.delays.at(-1)).toBe(101);
    expect(samples.map((x) => x.tMs)).toEqual([1000, 1130, 1420, 1499]);
    s.stop();
    expect(clock.armed).toBe(false);
  });

  it('one sample per device per tick, named and stamped', () => {
    const clock = handClock();
    const { s, samples } = sampler(fakeNvml(2), clock);
    s.start();
    s.start(); // a second start changes nothing
    expect(samples).toEqual([
      { tMs: 1000, gpu: 0, name: 'GPU 0', memoryUsedMiB: 1, memoryTotalMiB: 100, memoryReservedMiB: 1, utilizationPct: 50, memoryApi: 'v2' },
      { tMs: 1000, gpu: 1, name: 'GPU 1', memoryUsedMiB: 2, memoryTotalMiB: 100, memoryReservedMiB: 1, utilizationPct: 50, memoryApi: 'v2' },
    ]);
    s.stop();
  });

  it('a failing call reports one problem and stops; stop() shuts NVML down once', () => {
    const clock = handClock();
    const nvml = fakeNvml(2, 4);
    const { s, samples, problems } = sampler(nvml, clock);
    s.start();
    clock.fireAt(1100);
    expect(samples).toHaveLength(3);
    expect(problems).toEqual(['GPU sampling stopped: nvmlDeviceGetMemoryInfo_v2 failed: NVML_ERROR_GPU_IS_LOST (GPU is lost)']);
    expect(clock.armed).toBe(false);
    clock.fireAt(1200);
    expect(nvml.calls).toBe(4);
    expect(nvml.shutdowns).toBe(0);
    s.stop();
    s.stop();
    expect(nvml.shutdowns).toBe(1);
  });

  it('a hook that throws is a problem, not an exception out of a timer', () => {
    const clock = handClock();
    const problems: string[] = [];
    const s = createGpuSampler({
      nvml: fakeNvml(1),
      gpus: 'all',
      intervalMs: 100,
      now: clock.now,
      setTimer: clock.setTimer,
      onSample: () => {
        throw new Error('disk full');
      },
      onProblem: (m) => {
        problems.push(m);
        throw new Error('and the hook too');
      },
    });
    expect(() => s.start()).not.toThrow();
    expect(problems).toEqual(['GPU sampling stopped: disk full']);
    expect(clock.armed).toBe(false);
  });

  it('stop() from within onSample leaves no timer behind', () => {
    const clock = handClock();
    let s!: ReturnType<typeof createGpuSampler>;
    s = createGpuSampler({ nvml: fakeNvml(1), gpus: 'all', intervalMs: 100, now: clock.now, setTimer: clock.setTimer, onSample: () => s.stop(), onProblem: () => {} });
    s.start();
    expect(clock.armed).toBe(false);
  });

  it('validates the interval and the selection when created', () => {
    const clock = handClock();
    for (const intervalMs of [0, -5, Number.NaN]) {
      expect(() => sampler(fakeNvml(1), clock, { intervalMs })).toThrow(/--gpu-interval/);
    }
    expect(() => sampler(fakeNvml(1), clock, { gpus: [1] })).toThrow(ConfigError);
  });

  it('uses a real timer by default and keeps sampling until stopped', async () => {
    const nvml = fakeNvml(1);
    let t = 0;
    let resolveThird!: () => void;
    const third = new Promise<void>((r) => (resolveThird = r));
    const s = createGpuSampler({ nvml, gpus: 'all', intervalMs: 1, now: () => t++, onSample: () => nvml.calls === 3 && resolveThird(), onProblem: () => {} });
    // The default timer is unref'd; a pending promise alone would let vitest's worker idle, so hold a ref'd one.
    const keepAlive = setInterval(() => {}, 1000);
    s.start();
    await third;
    s.stop();
    clearInterval(keepAlive);
    const calls = nvml.calls;
    await new Promise((r) => setTimeout(r, 10));
    expect(nvml.calls).toBe(calls);
  });
});
