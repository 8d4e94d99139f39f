import type { Agent } from 'undici';
import type { ApiKind, ProtocolClient } from '../clients/protocol.js';
import { LlmloadError } from '../errors.js';
import { excerpt } from '../text-excerpt.js';
import { exchange, type RawExchange } from './transport.js';

const PREFLIGHT_TIMEOUT_MS = 10_000;

export interface PreflightResult {
  /** The server's answer to GET /v1/models (or Ollama's /api/tags), as JSON; null if it had none. */
  models: unknown;
  model: string | undefined;
}

/**
 * Before anything is timed: check that the target answers, find the model, and send one tiny request
 * down the real path, so that a wrong URL fails in seconds with a message naming it rather than as
 * a run of identical errors.
 */
export async function preflight(o: {
  agent: Agent;
  url: URL;
  api: ApiKind;
  protocol: ProtocolClient;
  headers: Record<string, string>;
  model: string | undefined;
  now(): number;
}): Promise<PreflightResult> {
  const modelsUrl = new URL(o.api.startsWith('ollama') ? '/api/tags' : '/v1/models', o.url.origin);
  const got = await exchange({
    agent: o.agent,
    url: modelsUrl,
    method: 'GET',
    headers: { accept: 'application/json', ...authOnly(o.headers) },
    timeoutMs: PREFLIGHT_TIMEOUT_MS,
    now: o.now,
    maxBodyBytes: 1 << 20,
  });
  if (got.failure) throw unreachable(o.url, got.failure.message);
  if (got.status === 401 || got.status === 403) {
    throw new LlmloadError(
      'LLMLOAD_TARGET_FORBIDDEN',
      `GET ${modelsUrl.href} answered HTTP ${got.status}: ${(excerpt(bodyText(got), 300) || '(empty body)')} (is the API key set in the variable --api-key-env names?)`,
    );
  }
  let models: unknown = null;
  if (got.status === 200) {
    try {
      models = JSON.parse(bodyText(got));
    } catch {
      models = null;
    }
  }
  const model = o.model ?? firstModel(models);
  if (model === undefined && o.api !== 'vllm-generate') {
    throw new LlmloadError(
      'LLMLOAD_NO_MODEL',
      `no --model given and ${modelsUrl.href} listed none (HTTP ${got.status}); pass --model NAME`,
    );
  }

  const probe = await exchange({
    agent: o.agent,
    url: o.url,
    method: 'POST',
    headers: o.headers,
    body: o.protocol.buildBody({ model: model ?? '', prompt: 'Hello', maxTokens: 1 }),
    timeoutMs: PREFLIGHT_TIMEOUT_MS,
    now: o.now,
  });
  if (probe.failure) {
    if (probe.failure.kind === 'connect_failed') throw unreachable(o.url, probe.failure.message);
    throw new LlmloadError(
      'LLMLOAD_TARGET_UNREACHABLE',
      `POST ${o.url.href} did not complete a 1-token test request: ${probe.failure.message}`,
    );
  }
  const status = probe.status ?? 0;
  if (status === 401 || status === 403) {
    throw new LlmloadError(
      'LLMLOAD_TARGET_FORBIDDEN',
      `POST ${o.url.href} answered HTTP ${status}: ${(excerpt(bodyText(probe), 300) || '(empty body)')} (is the API key set in the variable --api-key-env names?)`,
    );
  }
  if (status < 200 || status > 299) {
    const hint = status === 404 || status === 405 ? ' (check the path in --endpoint, or --model)' : '';
    throw new LlmloadError(
      'LLMLOAD_TARGET_REJECTED',
      `POST ${o.url.href} answered HTTP ${status} to a 1-token test request${hint}: ${(excerpt(bodyText(probe), 300) || '(empty body)')}`,
    );
  }
  return { models, model };
}

/**
 * Open one connection per concurrency slot before the clock starts, so no timed request pays for a
 * TCP handshake. Concurrent GETs make undici's pool open a socket each; their answers do not matter.
 */
export async function warmConnections(o: {
  agent: Agent;
  origin: string;
  headers: Record<string, string>;
  count: number;
  now(): number;
}): Promise<void> {
  const url = new URL('/v1/models', o.origin);
  await Promise.all(
    Array.from({ length: o.count }, () =>
      exchange({
        agent: o.agent,
        url,
        method: 'GET',
        headers: authOnly(o.headers),
        timeoutMs: PREFLIGHT_TIMEOUT_MS,
        now: o.now,
        maxBodyBytes: 0,
      }),
    ),
  );
}

function firstModel(models: unknown): string | undefined {
  const m = models as { data?: { id?: unknown }[]; models?: { name?: unknown; model?: unknown }[] } | null;
  const openai = m?.data?.[0]?.id;
  if (typeof openai === 'string' && openai) return openai;
  const ollama = m?.models?.[0]?.name ?? m?.models?.[0]?.model;
  if (typeof ollama === 'string' && ollama) return ollama;
  return undefined;
}

function unreachable(url: URL, why: string): LlmloadError {
  return new LlmloadError('LLMLOAD_TARGET_UNREACHABLE', `cannot reach ${url.href}: ${why}`);
}

function authOnly(h: Record<string, string>): Record<string, string> {
  return h.authorization ? { authorization: h.authorization } : {};
}

function bodyText(x: RawExchange): string {
  return Buffer.concat(x.chunks.map((c) => c.bytes)).toString('utf8');
}
