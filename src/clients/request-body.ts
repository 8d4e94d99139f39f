/**
 * The parts of a request body every protocol builds alike: the prompt in the shape the protocol takes,
 * the length fields that hold a server to `maxTokens`, and the user's extra fields merged around the
 * protocol's own.
 */
import type { ApiKind, ChatMessage, GenerationRequest } from './protocol.js';

/**
 * The prompt of a text-only protocol. Messages are refused rather than flattened: joining them would
 * need a chat template, and the server's own is the one a benchmark means to measure.
 *
 * @throws TypeError when `prompt` is a message list (the runner refuses that combination first).
 */
export function textPrompt(kind: ApiKind, prompt: GenerationRequest['prompt']): string {
  if (typeof prompt === 'string') return prompt;
  throw new TypeError(`the ${kind} protocol takes a text prompt, not chat messages`);
}

/**
 * The messages of a chat protocol: a text prompt is one user message, a list is sent as given. Only
 * role and content are copied, so nothing else an object happens to carry reaches the wire.
 */
export function chatMessages(prompt: GenerationRequest['prompt']): ChatMessage[] {
  if (typeof prompt === 'string') return [{ role: 'user', content: prompt }];
  return prompt.map(({ role, content }) => ({ role, content }));
}

/**
 * The fields that make a vLLM, SGLang or llama.cpp server generate exactly `maxTokens`. `ignore_eos`
 * alone still lets a model's other stop token ids (Llama 3's `<|eot_id|>`, taken from its generation
 * config) end generation on vLLM; `min_tokens` holds those back until the length is reached. A server
 * that knows only one of the two ignores the other. Nothing is sent unless `ignoreEos` comes with a
 * length: without one there is no length to hold the server to.
 */
export function exactLengthFields(req: GenerationRequest): { ignore_eos?: true; min_tokens?: number } {
  if (req.ignoreEos !== true || req.maxTokens === undefined) return {};
  return { ignore_eos: true, min_tokens: req.maxTokens };
}

/**
 * `own` with the fields of `extraBody` that it does not set itself added after its own. The protocol's
 * fields win, even those it leaves undefined: a key it reserves is the protocol's to set or omit.
 * Spread and Object.fromEntries define properties rather than assign them, so a `__proto__` key
 * parsed from the user's JSON stays a plain field and never changes the object's prototype.
 */
export function withExtraBody(
  own: Record<string, unknown>,
  extraBody: Readonly<Record<string, unknown>> | undefined,
): Record<string, unknown> {
  if (extraBody === undefined) return own;
  const extra = Object.entries(extraBody).filter(([key]) => !Object.hasOwn(own, key));
  return { ...own, ...Object.fromEntries(extra) };
}
