import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../src/errors.js';
import { createGpuSampler, type SetTimer } from '../src/telemetry/gpu-sampler.js';
import { startGpuSession } from '../src/telemetry/gpu-session.js';
import { openNvml, type NvmlBinding } from '../src/telemetry/nvml-binding.js';
import type { GpuSample } from '../src/telemetry/samples.js';
// The compiled module: only there does sampling get a thread of its own (npm test builds first).
import { startGpuTelemetry } from '../dist/telemetry/gpu-sampler-worker.js';
import { buildNvmlStub, haveCc, type NvmlStubBuild } from './helpers/nvml-stub.js';
import { tempDir } from './helpers/temp-dir.js';

/** A timer that fires only when the test says so. */
function manualTimer(): { setTimer: SetTimer; fire(): void; readonly armed: boolean } {
  let pending: (() => void) | null = null;
  return {
    setTimer: (_delayMs, fire) => {
      pending = fire;
      return () => (pending = null);
    },
    fire() {
      const f = pending;
      pending = null;
      f?.();
    },
    get armed() {
      return pending !== null;
    },
  };
}

function openStub(path: string): NvmlBinding {
  const opened = openNvml({ libraryPath: path });
  if (opened.kind !== 'ok') throw new Error(`stub did not open: ${opened.reason}`);
  return opened.nvml;
}

describe('without NVML', () => {
  it('openNvml reports a library that is not there, and throws nothing', () => {
    const missing = join(tempDir(), 'libnvidia-ml.so.1');
    const opened = openNvml({ libraryPath: missing });
    expect(opened).toEqual({ kind: 'unavailable', reason: expect.stringContaining(`could not load ${missing}`) });
  });

  it('the default library, when absent, is explained as a missing driver', (ctx) => {
    const opened = openNvml();
    if (opened.kind === 'ok') {
      opened.nvml.shutdown();
      ctx.skip(); // this machine has an NVIDIA driver
    }
    expect(opened).toEqual({ kind: 'unavailable', reason: 'libnvidia-ml.so.1 not found: no NVIDIA driver on this machine' });
  });

  it('startGpuTelemetry resolves with status off, in a worker and on this thread alike', async () => {
    const missing = join(tempDir(), 'libnvidia-ml.so.1');
    const problems: string[] = [];
    const common = { gpus: 'all' as const, intervalMs: 50, originHrtimeNs: process.hrtime.bigint(), now: () => 0, libraryPath: missing };
    const telemetry = await startGpuTelemetry({ ...common, onSample: () => {}, onProblem: (m) => problems.push(m) });
    expect(telemetry.inWorker).toBe(true);
    expect(telemetry.status).toEqual({ kind: 'off', reason: expect.stringContaining('could not load') });
    await telemetry.stop();
    const session = startGpuSession({ ...common, onSample: () => {}, onProblem: (m) => problems.push(m) });
    expect(session.status.kind).toBe('off');
    session.stop();
    expect(problems).toEqual([]);
  });
});

const cc = haveCc();
if (!cc) console.warn('gpu-telemetry: no C compiler `cc` on this machine: the NVML stub tests are skipped');

describe.skipIf(!cc)('against a stub libnvidia-ml', () => {
  let stub: NvmlStubBuild;
  beforeAll(() => {
    stub = buildNvmlStub();
  });
  afterAll(() => stub?.remove());

  it('reads names, memory in exact MiB (v2) and utilisation', () => {
    const lib = stub.library({ name0: 'NVIDIA H100 80GB HBM3', total_mib: 81559, used_start_mib: 1000, used_extra_bytes: 2 ** 19 });
    const nvml = openStub(lib.path);
    expect(nvml.deviceCount()).toBe(2);
    expect(nvml.device(0).name).toBe('NVIDIA H100 80GB HBM3');
    expect(nvml.device(1).name).toBe('Stub GPU 1');
    expect(nvml.sample(0)).toEqual({ memoryUsedMiB: 1000.5, memoryTotalMiB: 81559, memoryReservedMiB: 480, utilizationPct: 40, memoryApi: 'v2' });
    expect(nvml.sample(1).utilizationPct).toBe(41);
    expect(nvml.sample(0).memoryUsedMiB).toBe(2024.5); // the stub steps 1024 MiB per call to a device
    nvml.shutdown();
    nvml.shutdown();
    expect(lib.callCount('nvmlShutdown')).toBe(1);
    expect(() => nvml.sample(0)).toThrow(/shut down/);
  });

  it('falls back to nvmlDeviceGetMemoryInfo when _v2 is missing: reserved memory counts as used', () => {
    const lib = stub.library({ used_start_mib: 1024 }, 'no-v2');
    const nvml = openStub(lib.path);
    expect(nvml.memoryApi).toBe('v1');
    expect(nvml.sample(1)).toEqual({ memoryUsedMiB: 1024 + 480, memoryTotalMiB: 81559, memoryReservedMiB: null, utilizationPct: 41, memoryApi: 'v1' });
    nvml.shutdown();
  });

  it('falls back to v1 for good when _v2 answers NOT_SUPPORTED, and asks _v2 only once', () => {
    const lib = stub.library({ v2_code: 3 });
    const nvml = openStub(lib.path);
    expect(nvml.memoryApi).toBe('v2');
    expect(nvml.sample(0).memoryApi).toBe('v1');
    expect(nvml.sample(1).memoryApi).toBe('v1');
    expect(nvml.memoryApi).toBe('v1');
    expect(lib.callCount('nvmlDeviceGetMemoryInfo_v2')).toBe(1);
    expect(lib.callCount('nvmlDeviceGetMemoryInfo')).toBe(2);
    nvml.shutdown();
  });

  it('utilisation NOT_SUPPORTED is null, not an error', () => {
    const nvml = openStub(stub.library({ util_not_supported: 1 }).path);
    expect(nvml.sample(0).utilizationPct).toBeNull();
    nvml.shutdown();
  });

  it('nvmlInit_v2 failing is unavailable, with NVML name and phrase', () => {
    const opened = openNvml({ libraryPath: stub.library({ init_fail: 9 }).path });
    expect(opened).toEqual({ kind: 'unavailable', reason: 'nvmlInit_v2 failed: NVML_ERROR_DRIVER_NOT_LOADED (Driver Not Loaded)' });
  });

  it('samples only the GPUs selected', () => {
    const nvml = openStub(stub.library({ devices: 4 }).path);
    const samples: GpuSample[] = [];
    const sampler = createGpuSampler({ nvml, gpus: [3, 1], intervalMs: 100, now: () => 7, onSample: (s) => samples.push(s), onProblem: () => {}, setTimer: manualTimer().setTimer });
    expect(sampler.devices).toEqual([{ index: 1, name: 'Stub GPU 1' }, { index: 3, name: 'Stub GPU 3' }]);
    sampler.start();
    expect(samples.map((s) => [s.gpu, s.name, s.tMs])).toEqual([[1, 'Stub GPU 1', 7], [3, 'Stub GPU 3', 7]]);
    sampler.stop();
  });

  it('GPU indices that do not exist are a ConfigError naming --gpus, and NVML is shut down', () => {
    const lib = stub.library({ devices: 2 });
    const start = (): unknown => startGpuSession({ gpus: [0, 2, 5], intervalMs: 100, libraryPath: lib.path, now: () => 0, onSample: () => {}, onProblem: () => {} });
    expect(start).toThrow(ConfigError);
    try {
      start();
    } catch (err) {
      expect((err as ConfigError).problems).toEqual([
        { field: '--gpus', message: 'GPU 2 does not exist: NVML sees 2 GPUs (0-1)' },
        { field: '--gpus', message: 'GPU 5 does not exist: NVML sees 2 GPUs (0-1)' },
      ]);
    }
    expect(lib.callCount('nvmlInit_v2')).toBe(2);
    expect(lib.callCount('nvmlShutdown')).toBe(2);
  });

  it('a call failing mid-run: one problem, sampling stops, shutdown still comes at stop()', () => {
    // 2 devices, memory calls 1-5 succeed: rounds 1 and 2 complete, round 3 fails at its 2nd call.
    const lib = stub.library({ fail_memory_after: 5, fail_code: 15 });
    const timer = manualTimer();
    const samples: GpuSample[] = [];
    const problems: string[] = [];
    let t = 0;
    const session = startGpuSession({ gpus: 'all', intervalMs: 100, libraryPath: lib.path, now: () => t, onSample: (s) => samples.push(s), onProblem: (m) => problems.push(m), setTimer: timer.setTimer });
    expect(session.status).toEqual({ kind: 'on', devices: [{ index: 0, name: 'Stub GPU 0', memoryTotalMiB: 81559 }, { index: 1, name: 'Stub GPU 1', memoryTotalMiB: 81559 }], memoryApi: 'v2' });
    for (let round = 1; round <= 4; round++) {
      t += 100;
      timer.fire();
    }
    expect(samples.map((s) => [s.tMs, s.gpu, s.memoryUsedMiB])).toEqual([[0, 0, 1024], [0, 1, 1024], [100, 0, 2048], [100, 1, 2048], [200, 0, 3072]]);
    expect(problems).toEqual(['GPU sampling stopped: nvmlDeviceGetMemoryInfo_v2 failed: NVML_ERROR_GPU_IS_LOST (GPU is lost)']);
    expect(timer.armed).toBe(false);
    expect(lib.callCount('nvmlShutdown')).toBe(0);
    session.stop();
    session.stop();
    expect(lib.callCount('nvmlShutdown')).toBe(1);
  });

  it('a first round that fails makes the status off with the reason, and shuts NVML down', () => {
    const lib = stub.library({ fail_memory_after: 1 });
    const samples: GpuSample[] = [];
    const session = startGpuSession({ gpus: 'all', intervalMs: 100, libraryPath: lib.path, now: () => 0, onSample: (s) => samples.push(s), onProblem: () => {} });
    expect(session.status).toEqual({ kind: 'off', reason: expect.stringContaining('NVML_ERROR_GPU_IS_LOST') });
    expect(samples).toEqual([]);
    expect(lib.callCount('nvmlShutdown')).toBe(1);
  });

  it('on a worker thread: readings on the caller clock, in order, every one delivered by stop()', async () => {
    const lib = stub.library({ devices: 2, used_start_mib: 0 });
    const originHrtimeNs = process.hrtime.bigint();
    const runNow = (): number => Number(process.hrtime.bigint() - originHrtimeNs) / 1e6;
    const samples: GpuSample[] = [];
    const problems: string[] = [];
    let enough!: () => void;
    const gotEnough = new Promise<void>((resolve) => (enough = resolve));
    const startedAtMs = runNow();
    const telemetry = await startGpuTelemetry({
      gpus: 'all',
      intervalMs: 10,
      originHrtimeNs,
      now: () => Number.NaN, // must not be used: the worker keeps time itself
      libraryPath: lib.path,
      onSample: (s) => {
        samples.push(s);
        if (samples.length >= 10) enough();
      },
      onProblem: (m) => problems.push(m),
    });
    expect(telemetry.inWorker).toBe(true);
    expect(telemetry.status).toMatchObject({ kind: 'on', memoryApi: 'v2', devices: [{ index: 0 }, { index: 1 }] });
    await gotEnough;
    await telemetry.stop();
    const stoppedAtMs = runNow();
    const count = samples.length;
    expect(lib.callCount('nvmlShutdown')).toBe(1);
    // Every reading the stub gave reached us, and in the order taken.
    expect(count).toBe(lib.callCount('nvmlDeviceGetMemoryInfo_v2'));
    for (const gpu of [0, 1]) {
      const mine = samples.filter((s) => s.gpu === gpu);
      expect(mine.map((s) => s.memoryUsedMiB)).toEqual(mine.map((_, k) => k * 1024));
      for (let k = 1; k < mine.length; k++) expect(mine[k]!.tMs).toBeGreaterThan(mine[k - 1]!.tMs);
    }
    // Stamped on our clock: inside the span in which we saw telemetry running.
    for (const s of samples) {
      expect(s.tMs).toBeGreaterThanOrEqual(startedAtMs);
      expect(s.tMs).toBeLessThanOrEqual(stoppedAtMs);
    }
    expect(problems).toEqual([]);
    await telemetry.stop();
    expect(samples.length).toBe(count);
  });

  it('on a worker thread: a mid-run failure is one problem; stop() still shuts NVML down', async () => {
    const lib = stub.library({ devices: 1, fail_memory_after: 3 });
    const problems: string[] = [];
    let failed!: () => void;
    const gotProblem = new Promise<void>((resolve) => (failed = resolve));
    const telemetry = await startGpuTelemetry({
      gpus: [0],
      intervalMs: 5,
      originHrtimeNs: process.hrtime.bigint(),
      now: () => 0,
      libraryPath: lib.path,
      onSample: () => {},
      onProblem: (m) => {
        problems.push(m);
        failed();
      },
    });
    expect(telemetry.status.kind).toBe('on');
    await gotProblem;
    await telemetry.stop();
    expect(problems).toEqual(['GPU sampling stopped: nvmlDeviceGetMemoryInfo_v2 failed: NVML_ERROR_GPU_IS_LOST (GPU is lost)']);
    expect(lib.callCount('nvmlDeviceGetMemoryInfo_v2')).toBe(4); // 3 good, 1 failed, none after
    expect(lib.callCount('nvmlShutdown')).toBe(1);
  });

  it('on a worker thread: an onSample that throws is one problem, not an uncaught exception', async () => {
    const lib = stub.library({ devices: 1 });
    const problems: string[] = [];
    let calls = 0;
    let reported!: () => void;
    const gotProblem = new Promise<void>((resolve) => (reported = resolve));
    const telemetry = await startGpuTelemetry({
      gpus: 'all',
      intervalMs: 5,
      originHrtimeNs: process.hrtime.bigint(),
      now: () => 0,
      libraryPath: lib.path,
      onSample: () => {
        calls++;
        throw new Error('disk full');
      },
      onProblem: (m) => {
        problems.push(m);
        reported();
      },
    });
    await gotProblem;
    await telemetry.stop();
    expect(problems).toEqual(['GPU sampling stopped: disk full']);
    expect(calls).toBe(1);
  });

  it('on a worker thread: a GPU that does not exist rejects with a ConfigError naming --gpus', async () => {
    const lib = stub.library({ devices: 1 });
    const start = startGpuTelemetry({ gpus: [1], intervalMs: 50, originHrtimeNs: 0n, now: () => 0, libraryPath: lib.path, onSample: () => {}, onProblem: () => {} });
    // The compiled ConfigError is another class than the one under src/: compare by name and code.
    await expect(start).rejects.toMatchObject({ name: 'ConfigError', code: 'LLMLOAD_CONFIG_INVALID', problems: [{ field: '--gpus', message: 'GPU 1 does not exist: NVML sees 1 GPU (0)' }] });
    expect(lib.callCount('nvmlShutdown')).toBe(1);
  });

  it('on a worker thread: telemetry left running does not keep the process alive', () => {
    const lib = stub.library({ devices: 1 });
    const module = new URL('../dist/telemetry/gpu-sampler-worker.js', import.meta.url).href;
    const script = `
      const { startGpuTelemetry } = await import(${JSON.stringify(module)});
      let samples = 0;
      const t = await startGpuTelemetry({ gpus: 'all', intervalMs: 5, originHrtimeNs: process.hrtime.bigint(), now: () => 0,
        libraryPath: ${JSON.stringify(lib.path)}, onSample: () => samples++, onProblem: () => {} });
      console.log(t.status.kind, t.inWorker, samples > 0);`;
    // Never stopped: the process must still end once its own work is done (the generous timeout only
    // turns a hang into a failure instead of a stuck suite).
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
    expect(run.signal, 'the process had to be killed: telemetry kept it alive').toBeNull();
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe('on true true');
  });

  it('the device check\'s node part (scripts/gpu-check/sample.mjs) runs against the stub', () => {
    const lib = stub.library({ devices: 1 });
    const out = tempDir();
    const script = fileURLToPath(new URL('../scripts/gpu-check/sample.mjs', import.meta.url));
    const args = [script, '--out', out, '--interval-ms', '20', '--max-ms', '150', '--no-smi'];
    const run = spawnSync(process.execPath, args, { env: { ...process.env, LLMLOAD_NVML_LIBRARY: lib.path }, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const meta = JSON.parse(readFileSync(join(out, 'meta.json'), 'utf8')) as { status: { kind: string }; inWorker: boolean; sampleCount: number; nvmlCallCost: { calls: number } };
    expect(meta).toMatchObject({ status: { kind: 'on' }, inWorker: true, nvmlCallCost: { calls: 500 } });
    const lines = readFileSync(join(out, 'gpu.jsonl'), 'utf8').trim().split('\n');
    expect(lines.length).toBe(meta.sampleCount);
    expect(lines.length).toBeGreaterThan(0);
    expect(JSON.parse(lines[0]!)).toMatchObject({ gpu: 0, name: 'Stub GPU 0', memoryApi: 'v2' });
  });
});
