/**
 * Prompt length in tokens, as the served model would count it, and the token ids the prefix cache
 * hashes. The tokenizer is real (gpt-tokenizer's offline BPE tables, shipped with the package);
 * chat prompts are wrapped in Llama 3.1's template (chat-template.ts).
 *
 * Which tokenizer stands in for which model: Llama 3's tokenizer is a 128K-token tiktoken BPE
 * whose first 100K tokens are cl100k_base's, so for English text cl100k_base counts within a few
 * percent of it. o200k_base (GPT-4o) is offered for OpenAI-like models; `words` (whitespace-separated
 * words) is the simple model's count, kept for the fixed profile and its tests.
 *
 * Cost: encoding is ~15-150 us for a 15-word prompt and ~0.2 ms for 2,000 tokens of English on
 * this class of machine (gpt-tokenizer caches merges, so repeated words are cheap; random letters
 * are its worst case, ~5 ms per 2,500 tokens). It runs once per request, before the engine sees it.
 */
import { createLlama3Template, type Llama3Template } from './chat-template.js';
import type { SimPrompt, SimRequest } from './sim-request.js';

export const TOKENIZER_NAMES = ['words', 'cl100k_base', 'o200k_base'] as const;
export type TokenizerName = (typeof TOKENIZER_NAMES)[number];

/** How the server wraps a prompt in special tokens. */
export type PromptFormat = 'none' | 'llama3';

export interface PromptTokenizer {
  readonly name: TokenizerName;
  /** Token ids of a text, no special tokens. */
  encode(text: string): ArrayLike<number>;
  /**
   * The text of ordinary token ids (no special tokens); throws for an id outside the vocabulary.
   * Undefined for `words`, whose ids are hashes of words and cannot be turned back.
   */
  readonly decode: ((ids: readonly number[]) => string) | undefined;
  /** Llama 3.1's chat template and special tokens over this tokenizer. */
  readonly template: Llama3Template;
}

/** A prompt's length and ids, special tokens included. */
export interface PromptTokens {
  count: number;
  ids: ArrayLike<number>;
}

/** vLLM's two tokenization switches (see SimRequest). */
export interface EncodeOptions {
  addSpecialTokens: boolean;
  addGenerationPrompt: boolean;
}

/** Load a tokenizer. The BPE tables load on first use (~0.2-0.4 s), once per process. */
export async function loadTokenizer(name: TokenizerName): Promise<PromptTokenizer> {
  if (name === 'words') return { name, encode: wordIds, decode: undefined, template: createLlama3Template(name, wordIds) };
  const module =
    name === 'cl100k_base'
      ? await import('gpt-tokenizer/encoding/cl100k_base')
      : await import('gpt-tokenizer/encoding/o200k_base');
  const { encode, decode } = module;
  // Text that spells an OpenAI special token ("<|endoftext|>") is ordinary text to Llama 3's
  // tokenizer; gpt-tokenizer would throw on it by default.
  const plain = { disallowedSpecial: new Set<string>() };
  const encodeText = (text: string): number[] => encode(text, plain);
  return { name, encode: encodeText, decode: (ids) => decode(ids), template: createLlama3Template(name, encodeText) };
}

/**
 * A prompt's token ids as the served model's server would make them: the one function behind both
 * `usage.prompt_tokens` and `/tokenize`, so the two always agree.
 */
export function encodePrompt(tokenizer: PromptTokenizer, format: PromptFormat, prompt: SimPrompt, options: EncodeOptions): ArrayLike<number> {
  // Pre-tokenized prompts are taken as they are: vLLM adds no special tokens to them.
  if (prompt.kind === 'token-ids') return prompt.ids;
  if (format === 'none') return tokenizer.encode(prompt.text);
  const bos = options.addSpecialTokens ? [tokenizer.template.bos] : [];
  if (prompt.kind === 'text') return concat(bos, tokenizer.encode(prompt.text));
  // The template begins with BOS itself; add_special_tokens on a chat prompt gives a second one,
  // as in vLLM (which warns about it), hence its default of false there.
  return concat(bos, tokenizer.template.render(prompt.messages, options));
}

/** Count a request's prompt tokens the way the served model's server would (at least one). */
export function countPromptTokens(tokenizer: PromptTokenizer, format: PromptFormat, request: SimRequest): PromptTokens {
  const ids = encodePrompt(tokenizer, format, request.prompt, request);
  return { count: Math.max(1, ids.length), ids };
}

function concat(prefix: readonly number[], rest: ArrayLike<number>): ArrayLike<number> {
  if (prefix.length === 0) return rest;
  const ids = new Array<number>(prefix.length + rest.length);
  for (let i = 0; i < prefix.length; i++) ids[i] = prefix[i]!;
  for (let i = 0; i < rest.length; i++) ids[prefix.length + i] = rest[i]!;
  return ids;
}

/**
 * The `words` tokenizer: one id per whitespace-separated word (a 32-bit FNV-1a hash of it), at
 * least one token even for an empty prompt, as a real tokenizer's BOS would make it.
 */
function wordIds(text: string): number[] {
  const ids: number[] = [];
  let h = 0x811c9dc5;
  let inWord = false;
  // A hand loop, not split(/\s+/): prompts can be long and this runs once per request.
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const space = c === 32 || (c >= 9 && c <= 13) || c === 160 || c === 0x3000;
    if (!space) {
      h = Math.imul(h ^ c, 0x01000193);
    } else if (inWord) {
      ids.push(h >>> 0);
      h = 0x811c9dc5;
    }
    inWord = !space;
  }
  if (inWord) ids.push(h >>> 0);
  return ids;
}
