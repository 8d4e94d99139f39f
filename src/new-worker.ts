import { Worker } from 'node:worker_threads';

/**
 * Start one of llmload's worker threads (the simulator, GPU sampling) on a compiled entry file.
 *
 * A worker inherits the process's Node flags, and some flags a worker refuses: `--input-type` ("can
 * only be used with string input") and process-wide V8 options such as `--expose-gc` or
 * `--max-semi-space-size` (ERR_WORKER_INVALID_EXEC_ARGV, thrown by the constructor). A benchmark run
 * with such flags must not fail for it: the worker is started with the inherited flags minus
 * `--input-type`, and, when the constructor refuses them, again with none (our entries need none).
 */
export function newWorker(entry: URL, workerData: unknown): Worker {
  try {
    return new Worker(entry, { workerData, execArgv: workerExecArgv(process.execArgv) });
  } catch (err) {
    if ((err as { code?: string }).code !== 'ERR_WORKER_INVALID_EXEC_ARGV') throw err;
    return new Worker(entry, { workerData, execArgv: [] });
  }
}

/** The process's Node flags minus --input-type and its value. */
export function workerExecArgv(execArgv: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i] as string;
    if (arg === '--input-type') i++; // and its value
    else if (!arg.startsWith('--input-type=')) kept.push(arg);
  }
  return kept;
}
