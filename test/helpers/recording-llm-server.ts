import { encode } from 'gpt-tokenizer/encoding/cl100k_base';
import { MODELS_ANSWER, sendJson, sseEvent, startStream, TEST_MODEL } from './openai-sse.js';
import { startHttpServer, type TestHttpServer } from './http-server.js';

/** How the recording server answers. */
export interface RecordingServerOptions {
  /** Tokens the server adds to every prompt in its usage (a BOS: 1; a chat template: more). */
  addedPromptTokens?: number;
  /** Stop after this share of max_tokens whatever ignore_eos says (a server that ignores it). */
  stopAtShare?: number;
  /** Count prompt tokens this way instead of cl100k (a server whose tokenizer differs). */
  countPrompt?: (text: string) => number;
}

/**
 * An OpenAI-compatible test server that keeps every request body and answers completions and chat
 * with one token per event: max_tokens tokens (16 when unset), usage counted with cl100k (the
 * prompt, or every message's content) plus `addedPromptTokens`. Also serves vLLM's /tokenize.
 */
export async function startRecordingServer(o: RecordingServerOptions = {}): Promise<TestHttpServer & { bodies(): Record<string, unknown>[] }> {
  const count = o.countPrompt ?? ((t: string) => encode(t, { disallowedSpecial: new Set() }).length);
  const server = await startHttpServer((req, res) => {
    if (req.method === 'GET' && req.url === '/v1/models') return sendJson(res, 200, MODELS_ANSWER);
    if (req.method === 'POST' && req.url === '/tokenize') {
      const body = JSON.parse(req.body) as { prompt: string };
      const tokens = encode(body.prompt, { disallowedSpecial: new Set() });
      return sendJson(res, 200, { count: tokens.length, max_model_len: 8192, tokens, token_strs: null });
    }
    if (req.method !== 'POST' || (req.url !== '/v1/completions' && req.url !== '/v1/chat/completions')) return sendJson(res, 404, { error: 'no' });
    const body = JSON.parse(req.body) as { prompt?: string; messages?: { content: string }[]; max_tokens?: number };
    const chat = req.url === '/v1/chat/completions';
    const promptTokens =
      (body.prompt !== undefined ? count(body.prompt) : (body.messages ?? []).reduce((a, m) => a + count(m.content), 0)) + (o.addedPromptTokens ?? 0);
    const asked = body.max_tokens ?? 16;
    const n = o.stopAtShare === undefined ? asked : Math.max(1, Math.floor(asked * o.stopAtShare));
    startStream(res);
    for (let i = 0; i < n; i++) {
      const choice = chat ? { index: 0, delta: { content: ' tok' }, finish_reason: i === n - 1 ? 'length' : null } : { index: 0, text: ' tok', finish_reason: i === n - 1 ? 'length' : null };
      res.write(sseEvent({ id: 'x', model: TEST_MODEL, choices: [choice] }));
    }
    res.write(sseEvent({ id: 'x', model: TEST_MODEL, choices: [], usage: { prompt_tokens: promptTokens, completion_tokens: n, total_tokens: promptTokens + n } }));
    res.end('data: [DONE]\n\n');
  });
  return Object.assign(server, {
    bodies: () =>
      server.received
        .filter((r) => r.method === 'POST' && r.path.startsWith('/v1/') && r.body.includes('"stream":true'))
        .map((r) => JSON.parse(r.body) as Record<string, unknown>)
        .filter((b) => !isPreflightProbe(b)),
  });
}

/** The 1-token "Hello" request every run sends before its clock starts (src/runner/preflight.ts). */
export function isPreflightProbe(body: Record<string, unknown>): boolean {
  if (body.max_tokens !== 1) return false;
  if (body.prompt === 'Hello') return true;
  const m = body.messages as { role?: string; content?: unknown }[] | undefined;
  return Array.isArray(m) && m.length === 1 && m[0]?.content === 'Hello';
}
