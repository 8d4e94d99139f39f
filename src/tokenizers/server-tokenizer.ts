/**
 * The target server's own tokenizer: vLLM's (and SGLang's) `POST /tokenize` and `POST /detokenize`
 * at the server's root. Counting with the server's tokenizer is the one way to make an N-token prompt
 * N tokens for whatever model is served, whatever its vocabulary: see docs/workloads.md.
 *
 * Requests:  /tokenize {model, prompt, add_special_tokens: false} -> {count, tokens, max_model_len}
 *            /detokenize {model, tokens} -> {prompt}
 * Special tokens are left out so the count is the prompt's own, as with the built-in tokenizers; the
 * server adds its BOS and chat template to each request, recorded per request as templateTokens.
 */
import { request, type Dispatcher } from 'undici';
import { LlmloadError } from '../errors.js';
import { excerpt } from '../text-excerpt.js';
import type { Tokenizer } from './tokenizer.js';

export interface ServerTokenizerOptions {
  /** The server's origin (scheme, host and port), e.g. http://127.0.0.1:8000. */
  origin: string;
  /** The model the run targets; sent in each call as vLLM expects. */
  model: string | undefined;
  dispatcher: Dispatcher;
  /** The run's headers (authorization included); never logged. */
  headers: Record<string, string>;
  timeoutMs?: number;
}

/** A tokenizer that asks the server. Each call is one HTTP exchange; failures throw naming the URL. */
export function createServerTokenizer(o: ServerTokenizerOptions): Tokenizer {
  const call = async (path: string, body: Record<string, unknown>): Promise<Record<string, unknown>> => {
    const url = `${o.origin}${path}`;
    let res;
    try {
      res = await request(url, {
        method: 'POST',
        dispatcher: o.dispatcher,
        headers: { ...o.headers, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(o.model === undefined ? body : { model: o.model, ...body }),
        headersTimeout: o.timeoutMs ?? 30_000,
        bodyTimeout: o.timeoutMs ?? 30_000,
      });
    } catch (err) {
      throw new LlmloadError('LLMLOAD_TARGET_UNREACHABLE', `--tokenizer server: POST ${url} failed: ${(err as Error).message}`);
    }
    const text = await res.body.text();
    if (res.statusCode < 200 || res.statusCode > 299) {
      const hint = res.statusCode === 404 ? ' (the server has no tokenizer endpoint: vLLM and SGLang do; pick a built-in --tokenizer)' : '';
      throw new LlmloadError('LLMLOAD_TARGET_REJECTED', `--tokenizer server: POST ${url} answered HTTP ${res.statusCode}${hint}: ${excerpt(text, 300)}`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new LlmloadError('LLMLOAD_TARGET_REJECTED', `--tokenizer server: POST ${url} did not answer JSON: ${excerpt(text, 300)}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new LlmloadError('LLMLOAD_TARGET_REJECTED', `--tokenizer server: POST ${url} did not answer a JSON object`);
    }
    return parsed as Record<string, unknown>;
  };
  const encode = async (text: string): Promise<number[]> => {
    const out = await call('/tokenize', { prompt: text, add_special_tokens: false });
    const tokens = out.tokens;
    if (!Array.isArray(tokens) || !tokens.every((t) => Number.isInteger(t))) {
      throw new LlmloadError('LLMLOAD_TARGET_REJECTED', `--tokenizer server: ${o.origin}/tokenize answered no "tokens" list of ids`);
    }
    return tokens as number[];
  };
  return {
    name: 'server',
    description: `the server's own tokenizer (${o.origin}/tokenize, /detokenize)`,
    encode,
    async decode(ids) {
      const out = await call('/detokenize', { tokens: ids });
      if (typeof out.prompt !== 'string') {
        throw new LlmloadError('LLMLOAD_TARGET_REJECTED', `--tokenizer server: ${o.origin}/detokenize answered no "prompt" text`);
      }
      return out.prompt;
    },
    async count(text) {
      return (await encode(text)).length;
    },
  };
}
