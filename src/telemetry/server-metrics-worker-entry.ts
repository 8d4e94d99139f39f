/**
 * Runs inside a worker thread: scrapes the server's metrics with the options it was handed and posts
 * each sample to the main thread, stamped on the main thread's clock. See server-metrics-worker.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createServerMetricsScraper, type ServerMetricsScraper } from './server-metrics-scraper.js';
import type { ServerMetricsWorkerData, ServerMetricsWorkerMessage } from './server-metrics-worker.js';

const port = parentPort;
if (!port) throw new Error('server-metrics-worker-entry must run in a worker thread');
const data = workerData as ServerMetricsWorkerData;
const post = (msg: ServerMetricsWorkerMessage): void => port.postMessage(msg);
const now = (): number => Number(process.hrtime.bigint() - data.originHrtimeNs) / 1e6;

let scraper: ServerMetricsScraper | undefined;
try {
  scraper = createServerMetricsScraper({
    url: data.url,
    intervalMs: data.intervalMs,
    now,
    onSample: (sample) => post({ kind: 'sample', sample }),
    onProblem: (message) => post({ kind: 'problem', message }),
  });
  scraper.start();
  post({ kind: 'ready' });
} catch (err) {
  post({ kind: 'config-error', message: err instanceof Error ? err.message : String(err) });
}

port.on('message', (msg: unknown) => {
  if (msg !== 'stop') return;
  void (async () => {
    await scraper?.scrapeNow();
    await scraper?.stop();
    post({ kind: 'stopped' });
    port.close();
  })();
});
