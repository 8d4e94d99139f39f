import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { startHttpServer } from './http-server.js';
import { MODELS_ANSWER, sendJson, sseEvent, startStream, textChunk, writeHealthyStream } from './openai-sse.js';

/** Every way the fault server can spoil a generation request, each named after what it does. */
export const FAULTS = {
  /** HTTP 500 with an OpenAI-style JSON error body. */
  http_500(res: ServerResponse): void {
    sendJson(res, 500, { error: { message: 'engine overloaded: KV cache exhausted', type: 'InternalServerError', code: 500 } });
  },
  /** HTTP 429 with Retry-After, as a rate-limiting gateway answers. */
  http_429(res: ServerResponse): void {
    sendJson(res, 429, { error: { message: 'rate limit reached, slow down', type: 'RateLimitError' } }, { 'retry-after': '2' });
  },
  /** The connection is dropped before any byte of the response. */
  reset_before_headers(_res: ServerResponse, socket: Socket): void {
    socket.destroy();
  },
  /** Headers and two tokens, then the connection is dropped mid-stream. */
  cut_mid_stream(res: ServerResponse, socket: Socket): void {
    startStream(res);
    res.write(sseEvent(textChunk(' one')));
    res.write(sseEvent(textChunk(' two')), () => socket.destroy());
  },
  /** Two tokens and a cleanly ended body, but neither [DONE] nor a finish reason. */
  no_done(res: ServerResponse): void {
    startStream(res);
    res.write(sseEvent(textChunk(' one')));
    res.end(sseEvent(textChunk(' two')));
  },
  /** One good token, then an event whose data is not JSON. */
  malformed_chunk(res: ServerResponse): void {
    startStream(res);
    res.write(sseEvent(textChunk(' one')));
    res.write('data: {"choices": [{"text": " two", tru\n\n');
    res.end('data: [DONE]\n\n');
  },
  /** One good token, then an error object in the stream, as vLLM sends when the engine dies. */
  error_event(res: ServerResponse): void {
    startStream(res);
    res.write(sseEvent(textChunk(' one')));
    res.end(sseEvent({ error: { message: 'CUDA out of memory', type: 'InternalServerError', code: 500 } }));
  },
  /** Headers and one token, then nothing more, ever (until the client gives up). */
  stall(res: ServerResponse): void {
    startStream(res);
    res.write(sseEvent(textChunk(' one')));
  },
  /** A complete, well-formed stream that carries no generated text. */
  no_content(res: ServerResponse): void {
    startStream(res);
    res.write(sseEvent(textChunk('', 'stop')));
    res.write(sseEvent({ choices: [], usage: { prompt_tokens: 5, completion_tokens: 0, total_tokens: 5 } }));
    res.end('data: [DONE]\n\n');
  },
} satisfies Record<string, (res: ServerResponse, socket: Socket) => void>;

export type FaultName = keyof typeof FAULTS;

export interface FaultServer {
  url: string;
  /** The generation endpoint, `<url>/v1/completions`. */
  endpoint: string;
  /** Generation requests received (not counting llmload's 1-token preflight). */
  readonly generationRequests: number;
  /** Every request received: preflight, warm-up and generation. */
  readonly requests: number;
  close(): Promise<void>;
}

/**
 * An OpenAI-compatible completions server that passes llmload's preflight (GET /v1/models, then a
 * POST with max_tokens 1) and then spoils the n-th generation request (0-based, in arrival order)
 * with `faultFor(n)`, or answers it with a healthy three-token stream when that returns null.
 */
export async function startFaultServer(faultFor: (n: number) => FaultName | null): Promise<FaultServer> {
  let generation = 0;
  const server = await startHttpServer((req, res, socket) => {
    if (req.method === 'GET' && req.url === '/v1/models') return sendJson(res, 200, MODELS_ANSWER);
    if (req.method !== 'POST' || req.url !== '/v1/completions') return sendJson(res, 404, { detail: 'Not Found' });
    const body = JSON.parse(req.body) as { max_tokens?: number };
    if (body.max_tokens === 1) return writeHealthyStream(res);
    const fault = faultFor(generation++);
    if (fault === null) return writeHealthyStream(res);
    FAULTS[fault](res, socket);
  });
  return {
    url: server.url,
    endpoint: `${server.url}/v1/completions`,
    get generationRequests() {
      return generation;
    },
    get requests() {
      return server.received.length;
    },
    close: () => server.close(),
  };
}
