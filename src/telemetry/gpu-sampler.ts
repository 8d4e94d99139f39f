import { ConfigError } from '../errors.js';
import type { NvmlBinding } from './nvml-binding.js';
import { resolveGpuSelection, type GpuSelection } from './gpu-selection.js';
import type { GpuSample } from './samples.js';

/** Arm a one-shot timer; returns its cancel. */
export type SetTimer = (delayMs: number, fire: () => void) => () => void;

export interface GpuSamplerOptions {
  /** An open NVML; the sampler owns it from here on and shuts it down at stop(). */
  nvml: NvmlBinding;
  gpus: GpuSelection;
  intervalMs: number;
  /** Milliseconds on the run's clock (the clock of RequestRecord.sentAtMs). */
  now: () => number;
  onSample: (sample: GpuSample) => void;
  /** Called at most once, when sampling has stopped because a call failed. */
  onProblem: (message: string) => void;
  /** Injected for tests; default: an unref'd setTimeout, so telemetry never holds a process open. */
  setTimer?: SetTimer;
}

export interface GpuSampler {
  readonly devices: readonly { index: number; name: string }[];
  /** Sample every device now, then at start + k * intervalMs. Does nothing a second time. */
  start(): void;
  /** Stop sampling and shut NVML down. Idempotent; never throws. */
  stop(): void;
}

const FLAG = '--gpu-interval';

const realTimer: SetTimer = (delayMs, fire) => {
  const timer = setTimeout(fire, Math.max(0, delayMs));
  timer.unref();
  return () => clearTimeout(timer);
};

/**
 * Sample GPU memory and utilisation on a timer, off the request path: readings are a timeline on
 * the run's clock, not before/after pairs around requests (meaningless once requests overlap).
 *
 * Ticks fall on absolute deadlines start + k * intervalMs, each timer armed for the time left to
 * the next deadline, so a late tick does not push the ones after it (chained setInterval-style
 * sleeps would drift by every tick's lateness). A tick that is later than a whole interval skips
 * the deadlines it missed rather than sampling in a burst; one that fires early counts as its
 * deadline's tick.
 *
 * A failing NVML call mid-run (GPU lost, driver unloaded) ends sampling: onProblem is called once
 * with NVML's error, nothing is thrown into the caller, and stop() still shuts NVML down.
 *
 * Throws ConfigError at creation for indices that do not exist (`--gpus`) or a bad interval
 * (`--gpu-interval`), and NvmlCallError when NVML cannot name a selected device.
 */
export function createGpuSampler(options: GpuSamplerOptions): GpuSampler {
  const { nvml, intervalMs, now, onSample, onProblem } = options;
  if (!Number.isFinite(intervalMs) || intervalMs <= 0) {
    throw new ConfigError([{ field: FLAG, message: `must be a positive number of milliseconds, got ${String(intervalMs)}` }]);
  }
  const setTimer = options.setTimer ?? realTimer;
  const devices = resolveGpuSelection(options.gpus, nvml.deviceCount()).map((index) => ({ index, name: nvml.device(index).name }));

  let state: 'idle' | 'running' | 'failed' | 'stopped' = 'idle';
  let cancel: (() => void) | undefined;
  let deadlineMs = 0; // the deadline the pending (or running) tick serves

  const fail = (err: unknown): void => {
    state = 'failed';
    cancel?.();
    cancel = undefined;
    try {
      onProblem(`GPU sampling stopped: ${err instanceof Error ? err.message : String(err)}`);
    } catch {
      // the caller's hook failing must not escape from a timer callback and end the process
    }
  };

  const tick = (): void => {
    cancel = undefined;
    if (state !== 'running') return;
    try {
      for (const { index, name } of devices) {
        // Stamped when the question is asked: the first call of a run can take a few ms.
        const tMs = now();
        onSample({ tMs, gpu: index, name, ...nvml.sample(index) });
      }
    } catch (err) {
      fail(err);
      return;
    }
    if (state !== 'running') return; // onSample may have stopped the sampler
    // This tick served `deadlineMs` even if the timer fired a little early (Node's timers count
    // from a cached loop time and can fire ~1 ms before the instant asked for): aiming at the next
    // deadline from the clock alone would sample twice around every early one.
    const tNow = now();
    deadlineMs += intervalMs;
    if (deadlineMs <= tNow) deadlineMs += (Math.floor((tNow - deadlineMs) / intervalMs) + 1) * intervalMs;
    cancel = setTimer(deadlineMs - tNow, tick);
  };

  return {
    devices,
    start() {
      if (state !== 'idle') return;
      state = 'running';
      deadlineMs = now();
      tick();
    },
    stop() {
      if (state === 'stopped') return;
      state = 'stopped';
      cancel?.();
      cancel = undefined;
      nvml.shutdown();
    },
  };
}
