/**
 * The HTTP layer of the simulator: routes, and the wiring of tokenizer, engine, metrics and faults.
 * Generation requests are handled in generate-handler.ts, /tokenize and /detokenize in
 * tokenize-handler.ts; tokens are timed by a driver (the fixed latency model or the
 * continuous-batching engine) and written by response-writer.ts.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { createDeadlineScheduler } from './deadline-scheduler.js';
import { createEngineLoop } from './engine-loop.js';
import { createFaultPicker } from './faults.js';
import { handleGenerate, type SimContext } from './generate-handler.js';
import { createFixedDriver } from './generation-driver.js';
import { sendError, sendJson } from './http-reply.js';
import { loadTokenizer } from './prompt-tokens.js';
import { createSimMetrics } from './sim-metrics.js';
import { parseSimOptions, resolveSimConfig, type SimOptions } from './sim-options.js';
import { handleDetokenize, handleTokenize } from './tokenize-handler.js';

/** A running simulator. */
export interface SimulatorHandle {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:41234`; append `/v1/...`. */
  url: string;
  port: number;
  host: string;
  /** Stop listening, drop every connection (open streams included) and resolve once closed. */
  close(): Promise<void>;
}

type RouteHandler = (ctx: SimContext, req: IncomingMessage, res: ServerResponse, arrivedMs: number) => void | Promise<void>;

/** Static route table: path -> the one method it answers and its handler. */
const ROUTES: Record<string, { method: string; handle: RouteHandler }> = {
  '/v1/completions': {
    method: 'POST',
    handle: (ctx, req, res, t) => handleGenerate(ctx, 'completions', req, res, t),
  },
  '/v1/chat/completions': {
    method: 'POST',
    handle: (ctx, req, res, t) => handleGenerate(ctx, 'chat', req, res, t),
  },
  // vLLM serves these two at the root, not under /v1.
  '/tokenize': { method: 'POST', handle: (ctx, req, res) => handleTokenize(ctx, req, res) },
  '/detokenize': { method: 'POST', handle: (ctx, req, res) => handleDetokenize(ctx, req, res) },
  '/v1/models': {
    method: 'GET',
    handle: (ctx, _req, res) => {
      const model = ctx.config.options.model;
      const card = {
        id: model,
        object: 'model',
        created: ctx.startedSec,
        owned_by: 'llmload-sim',
        root: model,
        parent: null,
        max_model_len: ctx.config.maxModelLen,
      };
      sendJson(res, 200, JSON.stringify({ object: 'list', data: [card] }));
    },
  },
  // vLLM answers its health check with 200 and an empty body.
  '/health': {
    method: 'GET',
    handle: (_ctx, _req, res) => void res.writeHead(200, { 'content-length': 0 }).end(),
  },
  '/metrics': {
    method: 'GET',
    handle: (ctx, _req, res) => {
      const text = ctx.metrics.render();
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    },
  },
};

/**
 * Start the simulated OpenAI-compatible inference server (vLLM-shaped). Resolves once it listens;
 * with port 0 (the default) read the chosen port from the handle. Throws a ConfigError for invalid
 * options.
 */
export async function startSimulator(options: Partial<SimOptions> = {}): Promise<SimulatorHandle> {
  const config = resolveSimConfig(parseSimOptions(options));
  const parsed = config.options;
  const now = (): number => performance.now();
  const scheduler = createDeadlineScheduler(now);
  const latency = config.latency;
  const driver =
    latency.kind === 'fixed'
      ? createFixedDriver({ ttftMs: latency.ttftMs, itlMs: latency.itlMs, tokensPerChunk: parsed.tokensPerChunk, scheduler })
      : createEngineLoop({ engine: latency.engine, scheduler, now });
  const ctx: SimContext = {
    config,
    scheduler,
    driver,
    tokenizer: await loadTokenizer(config.tokenizer),
    metrics: createSimMetrics({
      model: parsed.model,
      maxModelLen: config.maxModelLen,
      engine: driver.gauges,
      gpu: latency.kind === 'batched' ? latency.gpu : undefined,
    }),
    faults: createFaultPicker({ rate: parsed.faultRate, kinds: parsed.faults, seed: parsed.seed }),
    now,
    startedSec: Math.floor(Date.now() / 1000),
  };
  // requestTimeout 0: a long generation is not a slow client.
  const server = createServer({ noDelay: true, keepAlive: true, requestTimeout: 0 }, (req, res) => {
    const arrivedMs = now();
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const route = ROUTES[q === -1 ? url : url.slice(0, q)];
    if (route === undefined) return sendJson(res, 404, '{"detail":"Not Found"}');
    // FastAPI's (so vLLM's) bodies for these two, so clients see what they would from the real thing.
    if (req.method !== route.method) {
      res.setHeader('allow', route.method);
      return sendJson(res, 405, '{"detail":"Method Not Allowed"}');
    }
    Promise.resolve(route.handle(ctx, req, res, arrivedMs)).catch((err: unknown) => {
      // A body cut off by the client (nobody left to answer) or a fault of ours: say so if we can.
      if (res.headersSent || res.destroyed) return void res.destroy();
      sendError(res, 500, 'InternalServerError', err instanceof Error ? err.message : String(err));
    });
  });
  server.on('connection', (socket) => socket.setNoDelay(true));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // A deep accept queue: a benchmark may open thousands of connections at once, and a SYN dropped
    // from a full queue is retried only after a second, which would show up as a fake TTFT outlier.
    server.listen({ port: parsed.port, host: parsed.host, backlog: 4096 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${address.port}`,
    port: address.port,
    host: address.address,
    close() {
      closing ??= new Promise<void>((resolve) => {
        driver.close();
        scheduler.close();
        server.close(() => resolve());
        // Keep-alive and mid-stream connections would otherwise hold close() open for seconds.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
