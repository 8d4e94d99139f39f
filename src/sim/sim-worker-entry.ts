/**
 * Runs inside a worker thread: starts the simulator with the options it was handed, reports the
 * address, and closes it when told. See sim-worker.ts for why.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { startSimulator } from './sim-server.js';
import type { SimOptions } from './sim-options.js';

const port = parentPort;
if (!port) throw new Error('sim-worker-entry must run in a worker thread');
try {
  const sim = await startSimulator(workerData as Partial<SimOptions>);
  port.on('message', (msg: unknown) => {
    if (msg === 'close') void sim.close().then(() => port.close());
  });
  port.postMessage({ kind: 'ready', url: sim.url, port: sim.port, host: sim.host });
} catch (err) {
  port.postMessage({ kind: 'failed', message: err instanceof Error ? err.message : String(err), error: err });
  port.close();
}
