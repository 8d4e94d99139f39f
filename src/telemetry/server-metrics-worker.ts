import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { newWorker } from '../new-worker.js';
import type { ServerMetricsSample } from './samples.js';
import { checkScraperOptions, createServerMetricsScraper } from './server-metrics-scraper.js';

const ENTRY = new URL('./server-metrics-worker-entry.js', import.meta.url);

/** How long stop() waits for the worker's last scrape before ending the thread. */
const STOP_GRACE_MS = 12_000;

export interface ServerMetricsScrapingOptions {
  url: string;
  intervalMs: number;
  /** process.hrtime.bigint() at the caller's time 0: the worker stamps samples from it. */
  originHrtimeNs: bigint;
  /** The caller's clock (ms since time 0), used when scraping stays on this thread. */
  now: () => number;
  onSample: (sample: ServerMetricsSample) => void;
  onProblem: (message: string) => void;
}

export interface ServerMetricsScraping {
  inWorker: boolean;
  /** One last scrape (the final interval's counters), then stop; every sample has reached onSample when it resolves. */
  stop(): Promise<void>;
}

/** What the main thread hands the worker, and what the worker posts back. */
export interface ServerMetricsWorkerData {
  url: string;
  intervalMs: number;
  originHrtimeNs: bigint;
}
export type ServerMetricsWorkerMessage =
  | { kind: 'ready' }
  | { kind: 'config-error'; message: string }
  | { kind: 'sample'; sample: ServerMetricsSample }
  | { kind: 'problem'; message: string }
  | { kind: 'stopped' };

/**
 * Scrape the server's metrics on a thread of its own: the GET, and the parse of a page that can run
 * to thousands of lines, then never sit between a response chunk's arrival and its timestamp on the
 * benchmark's event loop. Samples are stamped in the worker on the caller's clock through
 * `originHrtimeNs` (process.hrtime is one monotonic clock for every thread).
 *
 * Options are validated here first, so a bad interval is a ConfigError in the caller's thread. Runs
 * the compiled entry (dist/telemetry/server-metrics-worker-entry.js); without it (TypeScript sources,
 * as the unit tests run) the scraper stays on this thread and `inWorker` says so.
 */
export async function startServerMetricsScraping(o: ServerMetricsScrapingOptions): Promise<ServerMetricsScraping> {
  // Bad options are a ConfigError here, in the caller's thread, whichever thread ends up scraping.
  checkScraperOptions(o);
  if (!existsSync(fileURLToPath(ENTRY))) {
    const local = createServerMetricsScraper({ url: o.url, intervalMs: o.intervalMs, now: o.now, onSample: o.onSample, onProblem: o.onProblem });
    local.start();
    return {
      inWorker: false,
      async stop() {
        await local.scrapeNow();
        await local.stop();
      },
    };
  }
  const data: ServerMetricsWorkerData = { url: o.url, intervalMs: o.intervalMs, originHrtimeNs: o.originHrtimeNs };
  const worker = newWorker(ENTRY, data);
  let stoppedMessage!: () => void;
  const stoppedReceived = new Promise<void>((resolve) => (stoppedMessage = resolve));
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  let stopping = false;
  // The caller's hooks run inside a worker event: one that throws must not become an uncaught
  // exception (it would end the process). It is reported once and no more samples are delivered.
  let hookFailed = false;
  const problem = (message: string): void => {
    try {
      o.onProblem(message);
    } catch {
      // nothing more can be done for a failing problem hook
    }
  };
  const deliver = (sample: ServerMetricsSample): void => {
    if (hookFailed) return;
    try {
      o.onSample(sample);
    } catch (err) {
      hookFailed = true;
      problem(`server metrics: no more samples: the onSample hook threw (${err instanceof Error ? err.message : String(err)})`);
    }
  };
  await new Promise<void>((resolve, reject) => {
    let ready = false;
    worker.on('message', (msg: ServerMetricsWorkerMessage) => {
      if (msg.kind === 'ready') {
        ready = true;
        resolve();
      } else if (msg.kind === 'config-error') reject(new Error(msg.message));
      else if (msg.kind === 'sample') deliver(msg.sample);
      else if (msg.kind === 'problem') problem(msg.message);
      else stoppedMessage();
    });
    worker.on('error', (err) => {
      if (!ready) reject(err);
      else problem(`server metrics: the scraping thread failed: ${err.message}`);
    });
    void exited.then(() => {
      if (!ready) reject(new Error('the scraping thread exited before it started'));
      else if (!stopping) problem('server metrics: scraping stopped: its thread exited');
    });
  }).catch(async (err: unknown) => {
    await worker.terminate();
    throw err;
  });
  // Scraping alone never keeps a process alive; stop() takes a reference while it waits.
  worker.unref();
  let stopped: Promise<void> | undefined;
  return {
    inWorker: true,
    stop() {
      stopped ??= (async () => {
        stopping = true;
        worker.ref();
        worker.postMessage('stop');
        const grace = new Promise<void>((resolve) => setTimeout(resolve, STOP_GRACE_MS).unref());
        // 'stopped' follows every sample on the same port: none is lost.
        await Promise.race([stoppedReceived, exited, grace]);
        await worker.terminate();
      })();
      return stopped;
    },
  };
}
