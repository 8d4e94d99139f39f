/**
 * The HTTP layer of the simulator: routes, body parsing, and keeping the engine's appointments.
 * Everything about a response is decided by the pure engine (sim-engine.ts) when the request
 * arrives; this file only writes each chunk when it falls due, on deadlines measured from the
 * request's arrival (see deadline-scheduler.ts).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { createRng } from '../core/arrival/rng.js';
import {
  createDeadlineScheduler,
  type DeadlineHandle,
  type DeadlineScheduler,
} from './deadline-scheduler.js';
import { deriveRequestSeed, planGeneration, type GenerationPlan } from './sim-engine.js';
import { parseSimOptions, type SimOptions } from './sim-options.js';
import { parseSimRequest, type SimApi } from './sim-request.js';
import {
  createSseRenderer,
  renderCompletionBody,
  renderErrorBody,
  SSE_DONE,
  type ResponseMeta,
} from './sim-response.js';

/** A running simulator. */
export interface SimulatorHandle {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:41234`; append `/v1/...`. */
  url: string;
  port: number;
  host: string;
  /** Stop listening, drop every connection (open streams included) and resolve once closed. */
  close(): Promise<void>;
}

/** Request bodies above this are refused: no benchmark prompt comes near it. */
const MAX_BODY_BYTES = 32 * 1024 * 1024;

interface SimContext {
  options: SimOptions;
  scheduler: DeadlineScheduler;
  startedSec: number;
}

function sendJson(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function sendError(res: ServerResponse, status: number, type: string, message: string): void {
  sendJson(res, status, renderErrorBody(status, type, message));
}

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (part: Buffer) => {
      size += part.length;
      if (size <= MAX_BODY_BYTES) parts.push(part);
    });
    req.on('end', () => resolve(size <= MAX_BODY_BYTES ? Buffer.concat(parts).toString('utf8') : undefined));
    req.on('error', reject);
  });
}

/** Write a plan's chunks as SSE events, each at its deadline; stop if the client goes away. */
function streamPlan(
  ctx: SimContext,
  res: ServerResponse,
  meta: ResponseMeta,
  plan: GenerationPlan,
  arrivedMs: number,
  usage: { final: boolean; continuous: boolean },
): void {
  // Headers go out now, as a real server's do; only the content waits for "prefill".
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
  res.flushHeaders();
  const render = createSseRenderer(meta);
  const { promptTokens } = plan;
  let next = 0;
  let handle: DeadlineHandle | undefined;
  const emit = (): void => {
    if (res.destroyed) return; // gone between the socket closing and 'close' reaching us
    const chunk = plan.chunks[next]!;
    const last = next === plan.chunks.length - 1;
    let out = '';
    // Design choice: chat's role-only delta goes out just before the first token, in one write.
    // vLLM sends it on its first engine output, which is the first token unless chunked prefill
    // splits a long prompt; either way no client should count it as content.
    if (next === 0 && meta.api === 'chat') {
      out += render.role(usage.continuous ? { promptTokens, completionTokens: 0 } : undefined);
    }
    const counts = { promptTokens, completionTokens: chunk.tokensSoFar };
    out += render.content(chunk.text, last ? plan.finishReason : null, usage.continuous ? counts : undefined);
    if (!last) {
      res.write(out);
      next++;
      handle = ctx.scheduler.at(arrivedMs + plan.chunks[next]!.dueMs, emit);
      return;
    }
    handle = undefined;
    if (usage.final) out += render.usage(counts);
    res.end(out + SSE_DONE);
  };
  handle = ctx.scheduler.at(arrivedMs + plan.chunks[0]!.dueMs, emit);
  res.once('close', () => {
    if (handle !== undefined) ctx.scheduler.cancel(handle);
  });
}

async function handleGenerate(
  ctx: SimContext,
  api: SimApi,
  req: IncomingMessage,
  res: ServerResponse,
  arrivedMs: number,
): Promise<void> {
  const text = await readBody(req);
  if (text === undefined) {
    return sendError(res, 413, 'BadRequestError', `request body exceeds ${MAX_BODY_BYTES} bytes`);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return sendError(res, 400, 'BadRequestError', `invalid JSON body: ${reason}`);
  }
  const parsed = parseSimRequest(api, body);
  if (!parsed.ok) return sendError(res, 400, 'BadRequestError', parsed.message);
  const request = parsed.request;
  const model = ctx.options.model;
  if (request.model !== undefined && request.model !== model) {
    return sendError(res, 404, 'NotFoundError', `The model \`${request.model}\` does not exist.`);
  }
  const rng = createRng(deriveRequestSeed(ctx.options.seed, request));
  const result = planGeneration(ctx.options, rng, request);
  if (result.kind === 'too-long') return sendError(res, 400, 'BadRequestError', result.message);
  if (res.destroyed) return; // the client left while the body was read
  const plan = result.plan;
  const meta: ResponseMeta = {
    api,
    id: `${api === 'chat' ? 'chatcmpl' : 'cmpl'}-${randomUUID().replaceAll('-', '')}`,
    created: Math.floor(Date.now() / 1000),
    model,
  };
  if (request.stream) {
    const usage = { final: request.includeUsage, continuous: request.continuousUsage };
    return streamPlan(ctx, res, meta, plan, arrivedMs, usage);
  }
  // Non-streaming: the whole answer when its last token is due.
  const doneMs = arrivedMs + plan.chunks[plan.chunks.length - 1]!.dueMs;
  const handle = ctx.scheduler.at(doneMs, () => sendJson(res, 200, renderCompletionBody(meta, plan)));
  res.once('close', () => ctx.scheduler.cancel(handle));
}

type RouteHandler = (
  ctx: SimContext,
  req: IncomingMessage,
  res: ServerResponse,
  arrivedMs: number,
) => void | Promise<void>;

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
  '/v1/models': {
    method: 'GET',
    handle: (ctx, _req, res) => {
      const { model, maxModelLen } = ctx.options;
      const card = {
        id: model,
        object: 'model',
        created: ctx.startedSec,
        owned_by: 'llmload-sim',
        root: model,
        parent: null,
        max_model_len: maxModelLen,
      };
      sendJson(res, 200, JSON.stringify({ object: 'list', data: [card] }));
    },
  },
  // vLLM answers its health check with 200 and an empty body.
  '/health': {
    method: 'GET',
    handle: (_ctx, _req, res) => void res.writeHead(200, { 'content-length': 0 }).end(),
  },
};

/**
 * Start the simulated OpenAI-compatible inference server (vLLM-shaped). Resolves once it listens;
 * with port 0 (the default) read the chosen port from the handle. Throws a ConfigError for invalid
 * options.
 */
export async function startSimulator(options: Partial<SimOptions> = {}): Promise<SimulatorHandle> {
  const parsed = parseSimOptions(options);
  const ctx: SimContext = {
    options: parsed,
    scheduler: createDeadlineScheduler(() => performance.now()),
    startedSec: Math.floor(Date.now() / 1000),
  };
  // requestTimeout 0: a long generation is not a slow client.
  const server = createServer({ noDelay: true, keepAlive: true, requestTimeout: 0 }, (req, res) => {
    const arrivedMs = performance.now();
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
        ctx.scheduler.close();
        server.close(() => resolve());
        // Keep-alive and mid-stream connections would otherwise hold close() open for seconds.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
