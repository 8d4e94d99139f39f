/**
 * Runs inside a worker thread: samples the GPUs with the options it was handed and posts each
 * reading to the main thread, stamped on the main thread's run clock. See gpu-sampler-worker.ts
 * for why a thread of its own.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ConfigError } from '../errors.js';
import { startGpuSession, type GpuSession } from './gpu-session.js';
import type { GpuWorkerData, GpuWorkerMessage } from './gpu-sampler-worker.js';

const port = parentPort;
if (!port) throw new Error('gpu-sampler-worker-entry must run in a worker thread');
const data = workerData as GpuWorkerData;
const post = (msg: GpuWorkerMessage): void => port.postMessage(msg);

// process.hrtime is one monotonic clock for the whole process, all threads included: the main
// thread read it when its run clock read 0, so the difference is the run clock, here.
const now = (): number => Number(process.hrtime.bigint() - data.originHrtimeNs) / 1e6;

let session: GpuSession | undefined;
try {
  session = startGpuSession({
    gpus: data.gpus,
    intervalMs: data.intervalMs,
    ...(data.libraryPath === undefined ? {} : { libraryPath: data.libraryPath }),
    now,
    onSample: (sample) => post({ kind: 'sample', sample }),
    onProblem: (message) => post({ kind: 'problem', message }),
  });
  post({ kind: 'ready', status: session.status });
} catch (err) {
  if (err instanceof ConfigError) post({ kind: 'config-error', problems: err.problems });
  else post({ kind: 'ready', status: { kind: 'off', reason: `GPU telemetry could not start: ${err instanceof Error ? err.message : String(err)}` } });
}

port.on('message', (msg: unknown) => {
  if (msg !== 'stop') return;
  session?.stop();
  post({ kind: 'stopped' });
  port.close();
});
