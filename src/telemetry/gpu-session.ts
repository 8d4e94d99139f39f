import { ConfigError } from '../errors.js';
import { createGpuSampler, type GpuSampler, type SetTimer } from './gpu-sampler.js';
import type { GpuSelection } from './gpu-selection.js';
import { openNvml } from './nvml-binding.js';
import type { GpuSample } from './samples.js';

/** Whether GPU telemetry runs, on which devices, or why not. */
export type GpuTelemetryStatus =
  | { kind: 'on'; devices: { index: number; name: string; memoryTotalMiB: number }[]; memoryApi: 'v2' | 'v1' }
  | { kind: 'off'; reason: string };

export interface GpuSessionOptions {
  gpus: GpuSelection;
  intervalMs: number;
  /** Path of libnvidia-ml; default libnvidia-ml.so.1 from the loader path. */
  libraryPath?: string;
  now: () => number;
  onSample: (sample: GpuSample) => void;
  onProblem: (message: string) => void;
  setTimer?: SetTimer;
}

export interface GpuSession {
  status: GpuTelemetryStatus;
  /** Stop sampling and shut NVML down; nothing to do when the status is 'off'. */
  stop(): void;
}

/**
 * Open NVML, check the selection and start sampling, in the thread that calls it: the one piece of
 * logic behind both the worker thread and the same-thread fallback (gpu-sampler-worker.ts).
 *
 * The first round of readings is taken here, synchronously: it gives the status its total memory
 * and memory API, and it proves that sampling works before a run relies on it. A first round that
 * fails makes the status 'off' with NVML's error; its readings reach onSample only once the status
 * is known to be 'on'.
 *
 * Returns 'off' (never throws) when there is no usable NVML or no GPU; throws ConfigError when the
 * selection or interval is wrong for this machine.
 */
export function startGpuSession(options: GpuSessionOptions): GpuSession {
  const opened = openNvml(options.libraryPath === undefined ? {} : { libraryPath: options.libraryPath });
  if (opened.kind === 'unavailable') return off(opened.reason);
  const { nvml } = opened;

  let firstRound: GpuSample[] | null = [];
  let startProblem: string | null = null;
  let sampler: GpuSampler;
  try {
    if (nvml.deviceCount() === 0) {
      nvml.shutdown();
      return off('NVML is loaded but sees no GPU');
    }
    sampler = createGpuSampler({
      nvml,
      gpus: options.gpus,
      intervalMs: options.intervalMs,
      now: options.now,
      ...(options.setTimer ? { setTimer: options.setTimer } : {}),
      onSample(sample) {
        if (firstRound) firstRound.push(sample);
        else options.onSample(sample);
      },
      onProblem(message) {
        if (firstRound) startProblem = message;
        else options.onProblem(message);
      },
    });
  } catch (err) {
    nvml.shutdown();
    if (err instanceof ConfigError) throw err;
    return off(err instanceof Error ? err.message : String(err));
  }

  sampler.start();
  const first = firstRound;
  firstRound = null;
  if (startProblem !== null) {
    sampler.stop();
    return off(startProblem);
  }
  const totals = new Map(first.map((s) => [s.gpu, s.memoryTotalMiB]));
  const status: GpuTelemetryStatus = {
    kind: 'on',
    devices: sampler.devices.map((d) => ({ ...d, memoryTotalMiB: totals.get(d.index) ?? 0 })),
    memoryApi: nvml.memoryApi,
  };
  for (const sample of first) options.onSample(sample);
  return { status, stop: () => sampler.stop() };
}

function off(reason: string): GpuSession {
  return { status: { kind: 'off', reason }, stop() {} };
}
