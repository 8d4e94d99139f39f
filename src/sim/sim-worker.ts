import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { newWorker } from '../new-worker.js';
import { parseSimOptions, type SimOptions } from './sim-options.js';
import { startSimulator, type SimulatorHandle } from './sim-server.js';

const ENTRY = new URL('./sim-worker-entry.js', import.meta.url);

/**
 * Start the simulator on a thread of its own, so the load it serves does not share the benchmark
 * client's event loop. In one thread, writing thousands of chunks a second would delay the client's
 * timestamps and timers, and the tool would be measuring itself. With a worker, server and client
 * run on separate cores of this 2-core class of machine.
 *
 * The worker runs the compiled entry (dist/sim/sim-worker-entry.js). When that file is absent —
 * running from TypeScript sources, as the unit tests do — it falls back to the same process, and
 * `inWorker` says which happened.
 */
export async function startSimulatorWorker(options: Partial<SimOptions> = {}): Promise<SimulatorHandle & { inWorker: boolean }> {
  const parsed = parseSimOptions(options); // invalid options fail here, in the caller's thread
  if (!existsSync(fileURLToPath(ENTRY))) return { ...(await startSimulator(parsed)), inWorker: false };
  const worker = newWorker(ENTRY, parsed);
  const ready = await new Promise<{ url: string; port: number; host: string }>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (msg: { kind: string; url: string; port: number; host: string; message?: string }) => {
      worker.off('error', reject);
      if (msg.kind === 'ready') resolve(msg);
      else reject(msg.kind === 'failed' ? new Error(`simulator failed to start: ${msg.message}`) : new Error('simulator worker: unexpected message'));
    });
  }).catch(async (err: unknown) => {
    await worker.terminate();
    throw err;
  });
  let closing: Promise<void> | undefined;
  return {
    ...ready,
    inWorker: true,
    close() {
      closing ??= new Promise<void>((resolve) => {
        worker.once('exit', () => resolve());
        worker.postMessage('close');
        // A worker that does not answer within a second is ended: closing must not hang a run's end.
        setTimeout(() => void worker.terminate(), 1000).unref();
      });
      return closing;
    },
  };
}
