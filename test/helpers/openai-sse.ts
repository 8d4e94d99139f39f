import type { ServerResponse } from 'node:http';

/**
 * Pieces of an OpenAI-compatible server, as test servers write them: the /v1/models answer and a
 * `/v1/completions` SSE stream, event by event, so a test can stop or spoil it at any point.
 */
export const TEST_MODEL = 'test-model';

export const MODELS_ANSWER = {
  object: 'list',
  data: [{ id: TEST_MODEL, object: 'model', created: 1_700_000_000, owned_by: 'test' }],
};

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** One SSE event carrying `payload` as JSON (or verbatim when it is a string). */
export function sseEvent(payload: unknown): string {
  return `data: ${typeof payload === 'string' ? payload : JSON.stringify(payload)}\n\n`;
}

/** A completions chunk with `text` and, optionally, a finish reason. */
export function textChunk(text: string, finishReason: string | null = null): unknown {
  return { id: 'cmpl-test', object: 'text_completion', model: TEST_MODEL, choices: [{ index: 0, text, finish_reason: finishReason }] };
}

export function startStream(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.flushHeaders();
}

/** Output tokens of a healthy stream: each content event is one token. */
export const HEALTHY_OUTPUT_TOKENS = 3;

/** A complete, well-formed stream: three tokens, a finish reason, usage, then [DONE]. */
export function writeHealthyStream(res: ServerResponse, promptTokens = 5): void {
  startStream(res);
  res.write(sseEvent(textChunk(' one')));
  res.write(sseEvent(textChunk(' two')));
  res.write(sseEvent(textChunk(' three', 'length')));
  res.write(sseEvent({ id: 'cmpl-test', object: 'text_completion', model: TEST_MODEL, choices: [], usage: { prompt_tokens: promptTokens, completion_tokens: HEALTHY_OUTPUT_TOKENS, total_tokens: promptTokens + HEALTHY_OUTPUT_TOKENS } }));
  res.end('data: [DONE]\n\n');
}
