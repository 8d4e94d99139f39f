/**
 * `POST /v1/completions` and `POST /v1/chat/completions`: validate, count the prompt, plan the
 * answer, decide the fault, and hand the request to the engine. Everything about the answer is
 * decided here, when the request arrives; the driver (fixed or batching) only times it.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRng } from '../core/arrival/rng.js';
import type { DeadlineScheduler } from './deadline-scheduler.js';
import { chainBlockHashes } from './engine/prefix-cache.js';
import { FAULT_HEADER, type FaultKind, type FaultPicker } from './faults.js';
import type { GenerationDriver } from './generation-driver.js';
import { deriveRequestSeed, planGeneration } from './generation-plan.js';
import { readJson, sendError } from './http-reply.js';
import { countPromptTokens, type PromptTokenizer } from './prompt-tokens.js';
import { createResponseWriter } from './response-writer.js';
import type { SimConfig } from './sim-options.js';
import type { SimMetrics } from './sim-metrics.js';
import { parseSimRequest, type SimApi } from './sim-request.js';
import type { ResponseMeta } from './sim-response.js';

/** What the handler works with; one per server. */
export interface SimContext {
  config: SimConfig;
  scheduler: DeadlineScheduler;
  driver: GenerationDriver;
  tokenizer: PromptTokenizer;
  metrics: SimMetrics;
  faults: FaultPicker;
  now(): number;
  startedSec: number;
}

/** The faults that answer at once with an error status, and how. */
const STATUS_FAULTS: Partial<Record<FaultKind, { status: number; type: string; message: string; retry: boolean }>> = {
  '429': { status: 429, type: 'RateLimitError', message: 'simulated fault: rate limit reached', retry: true },
  '503': { status: 503, type: 'ServiceUnavailableError', message: 'simulated fault: server overloaded', retry: true },
  '500': { status: 500, type: 'InternalServerError', message: 'simulated fault: engine error', retry: false },
};

export async function handleGenerate(ctx: SimContext, api: SimApi, req: IncomingMessage, res: ServerResponse, arrivedMs: number): Promise<void> {
  const { options } = ctx.config;
  const read = await readJson(req, res);
  if (read === undefined) return;
  const parsed = parseSimRequest(api, read.body);
  if (!parsed.ok) return sendError(res, 400, 'BadRequestError', parsed.message);
  const request = parsed.request;
  if (request.model !== undefined && request.model !== options.model) {
    return sendError(res, 404, 'NotFoundError', `The model \`${request.model}\` does not exist.`);
  }
  const prompt = countPromptTokens(ctx.tokenizer, ctx.config.promptFormat, request);
  const generation = {
    outputTokens: options.outputTokens,
    meanOutputTokens: options.meanOutputTokens,
    maxModelLen: ctx.config.maxModelLen,
    reasoningTokens: options.reasoningTokens,
    ignoreLengthHints: options.ignoreLengthHints,
  };
  const result = planGeneration(generation, createRng(deriveRequestSeed(options.seed, request)), request, prompt.count);
  if (result.kind === 'too-long') return sendError(res, 400, 'BadRequestError', result.message);

  const header = req.headers[FAULT_HEADER];
  const fault = ctx.faults.pick(Array.isArray(header) ? header[0] : header);
  if (fault !== null && typeof fault === 'object') return sendError(res, 400, 'BadRequestError', fault.error);
  if (fault !== null) ctx.metrics.fault(fault);
  const status = fault === null ? undefined : STATUS_FAULTS[fault];
  if (status) {
    const retry: Record<string, string> = status.retry ? { 'retry-after': String(options.faultRetryAfterSec) } : {};
    return sendError(res, status.status, status.type, status.message, retry);
  }
  if (fault === 'reset') return void req.socket.destroy();
  if (res.destroyed) return; // the client left while the body was read

  const plan = result.plan;
  const meta: ResponseMeta = {
    api,
    id: `${api === 'chat' ? 'chatcmpl' : 'cmpl'}-${randomUUID().replaceAll('-', '')}`,
    created: Math.floor(Date.now() / 1000),
    model: options.model,
    reasoningField: options.reasoningField,
  };
  const latency = ctx.config.latency;
  const blockHashes =
    latency.kind === 'batched' && latency.engine.enablePrefixCaching ? chainBlockHashes(prompt.ids, latency.engine.blockSize) : [];
  const start = (): void => {
    const writer = createResponseWriter({
      res,
      meta,
      plan,
      stream: request.stream,
      usage: { final: request.includeUsage, continuous: request.continuousUsage },
      arrivedMs,
      tokensPerChunk: options.tokensPerChunk,
      fault: fault === 'cut' || fault === 'malformed' || fault === 'stall' ? fault : null,
      faultAfterTokens: options.faultAfterTokens,
      metrics: ctx.metrics,
      now: ctx.now,
    });
    ctx.driver.submit({ plan, writer, arrivedMs, stream: request.stream, blockHashes });
  };
  if (fault !== 'slow-first-byte') return start();
  // A slow first byte: a proxy or a cold worker holds the request before anything is sent.
  const handle = ctx.scheduler.at(arrivedMs + options.faultSlowFirstByteMs, () => {
    if (!res.destroyed) start();
  });
  res.once('close', () => ctx.scheduler.cancel(handle));
}
