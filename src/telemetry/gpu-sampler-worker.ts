import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError, type ConfigProblem } from '../errors.js';
import { newWorker } from '../new-worker.js';
import { checkGpuIndices, type GpuSelection } from './gpu-selection.js';
import { startGpuSession, type GpuTelemetryStatus } from './gpu-session.js';
import type { GpuSample } from './samples.js';

export type { GpuTelemetryStatus } from './gpu-session.js';

const ENTRY = new URL('./gpu-sampler-worker-entry.js', import.meta.url);

/** How long stop() waits for the worker to shut NVML down before ending the thread. */
const STOP_GRACE_MS = 1000;

export interface GpuTelemetryOptions {
  gpus: GpuSelection;
  intervalMs: number;
  /** process.hrtime.bigint() read at the instant the run clock read 0: the worker's time base. */
  originHrtimeNs: bigint;
  /** The run clock, used when sampling stays on this thread (no compiled worker entry). */
  now: () => number;
  /** Path of libnvidia-ml; default libnvidia-ml.so.1 from the loader path. */
  libraryPath?: string;
  onSample: (sample: GpuSample) => void;
  /** Called at most once, when sampling has stopped mid-run. */
  onProblem: (message: string) => void;
}

export interface GpuTelemetry {
  status: GpuTelemetryStatus;
  /** True when sampling runs on a worker thread, false when it fell back to this thread. */
  inWorker: boolean;
  /** Stop sampling and shut NVML down; every sample taken has reached onSample when it resolves. */
  stop(): Promise<void>;
}

/** What the main thread hands the worker. */
export interface GpuWorkerData {
  gpus: GpuSelection;
  intervalMs: number;
  originHrtimeNs: bigint;
  libraryPath?: string;
}

/** What the worker posts back. */
export type GpuWorkerMessage =
  | { kind: 'ready'; status: GpuTelemetryStatus }
  | { kind: 'config-error'; problems: ConfigProblem[] }
  | { kind: 'sample'; sample: GpuSample }
  | { kind: 'problem'; message: string }
  | { kind: 'stopped' };

/**
 * Sample GPU memory and utilisation on a thread of its own. An NVML call blocks the thread that
 * makes it for 0.1-0.2 ms (2-4 ms for the first); on the main thread that would sit between a
 * response chunk's arrival and its timestamp. On a worker it never touches the request path: the
 * main thread only receives a small message per reading.
 *
 * Readings are stamped in the worker on the main thread's run clock (see `originHrtimeNs`). The
 * worker runs the compiled entry (dist/telemetry/gpu-sampler-worker-entry.js); when that file is
 * absent (running from TypeScript sources, as the unit tests do) sampling falls back to this thread
 * with `now`, and `inWorker` says which happened.
 *
 * Never rejects for a machine without a GPU or NVML: the status is then 'off' with the reason.
 * Rejects with ConfigError for GPU indices that do not exist (`--gpus`) or a bad interval.
 */
export async function startGpuTelemetry(options: GpuTelemetryOptions): Promise<GpuTelemetry> {
  const problems = checkGpuIndices(options.gpus); // shape errors fail here, in the caller's thread
  if (!Number.isFinite(options.intervalMs) || options.intervalMs <= 0) {
    problems.push({ field: '--gpu-interval', message: `must be a positive number of milliseconds, got ${String(options.intervalMs)}` });
  }
  if (problems.length) throw new ConfigError(problems);

  if (!existsSync(fileURLToPath(ENTRY))) {
    const session = startGpuSession({
      gpus: options.gpus,
      intervalMs: options.intervalMs,
      now: options.now,
      onSample: options.onSample,
      onProblem: options.onProblem,
      ...(options.libraryPath === undefined ? {} : { libraryPath: options.libraryPath }),
    });
    return { status: session.status, inWorker: false, stop: async () => session.stop() };
  }
  return startInWorker(options);
}

async function startInWorker(options: GpuTelemetryOptions): Promise<GpuTelemetry> {
  const workerData: GpuWorkerData = {
    gpus: options.gpus,
    intervalMs: options.intervalMs,
    originHrtimeNs: options.originHrtimeNs,
    ...(options.libraryPath === undefined ? {} : { libraryPath: options.libraryPath }),
  };
  const worker = newWorker(ENTRY, workerData);

  let problemReported = false;
  const reportProblem = (message: string): void => {
    if (problemReported) return;
    problemReported = true;
    try {
      options.onProblem(message);
    } catch {
      // a failing hook must not become an uncaught exception from a worker event
    }
  };
  let delivering = true;
  let stopping = false;
  let stoppedMessage!: () => void;
  const stoppedReceived = new Promise<void>((resolve) => (stoppedMessage = resolve));
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));

  const starting = new Promise<GpuTelemetryStatus>((resolve, reject) => {
    let ready = false;
    worker.on('message', (msg: GpuWorkerMessage) => {
      switch (msg.kind) {
        case 'ready':
          ready = true;
          resolve(msg.status);
          break;
        case 'config-error':
          reject(new ConfigError(msg.problems));
          break;
        case 'sample':
          if (delivering) {
            try {
              options.onSample(msg.sample);
            } catch (err) {
              // As on one thread (gpu-sampler.ts): a failing hook ends sampling, it never throws
              // out of an event handler into the run.
              delivering = false;
              reportProblem(`GPU sampling stopped: ${err instanceof Error ? err.message : String(err)}`);
            }
          }
          break;
        case 'problem':
          reportProblem(msg.message);
          break;
        case 'stopped':
          stoppedMessage();
          break;
      }
    });
    worker.on('error', (err) => {
      const message = `GPU telemetry thread failed: ${err.message}`;
      if (!ready) resolve({ kind: 'off', reason: message });
      else reportProblem(message);
    });
    void exited.then(() => {
      if (!ready) resolve({ kind: 'off', reason: 'GPU telemetry thread exited before it started' });
      else if (!stopping) reportProblem('GPU sampling stopped: its thread exited');
    });
  });

  let status: GpuTelemetryStatus;
  try {
    status = await starting;
  } catch (err) {
    await worker.terminate();
    throw err;
  }

  // Once started, telemetry alone never keeps a process alive; stop() takes a reference while it
  // waits. Not before 'ready' (the caller awaits that), and not before the listeners are on: adding
  // a 'message' listener refs the worker's port again.
  worker.unref();

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      stopping = true;
      worker.ref();
      worker.postMessage('stop');
      const grace = new Promise<void>((resolve) => setTimeout(resolve, STOP_GRACE_MS).unref());
      // 'stopped' comes after every sample the worker posted (one port, in order), and Node delivers a
      // worker's pending messages before its 'exit' event: either way no reading is lost.
      await Promise.race([stoppedReceived, exited, grace]);
      await worker.terminate();
    })();
    return stopped;
  };
  if (status.kind === 'off') await stop();
  return { status, inWorker: true, stop };
}
