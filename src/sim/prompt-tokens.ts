/**
 * Prompt length in tokens, as the served model would count it, and the token ids the prefix cache
 * hashes. The tokenizer is real (gpt-tokenizer's offline BPE tables, shipped with the package);
 * the chat template's own tokens are added by count.
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
import type { SimRequest } from './sim-request.js';

export const TOKENIZER_NAMES = ['words', 'cl100k_base', 'o200k_base'] as const;
export type TokenizerName = (typeof TOKENIZER_NAMES)[number];

/** How the server wraps a prompt in special tokens. */
export type PromptFormat = 'none' | 'llama3';

export interface PromptTokenizer {
  readonly name: TokenizerName;
  /** Token ids of a text, no special tokens. */
  encode(text: string): ArrayLike<number>;
}

/** A prompt's length and ids, special tokens included (the ids of special tokens are stand-ins). */
export interface PromptTokens {
  count: number;
  ids: ArrayLike<number>;
}

/**
 * Llama 3.1's chat template, counted once with its special tokens as one token each:
 *   <|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n
 *   Cutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n{system text}<|eot_id|>  -> 26 + system text
 *   <|start_header_id|>{role}<|end_header_id|>\n\n{text}<|eot_id|>                         -> 5 + text, per message
 *   <|start_header_id|>assistant<|end_header_id|>\n\n                                      -> 4 (generation prompt)
 * (the date lines are 20 cl100k tokens). Completions get <|begin_of_text|> only, as vLLM adds it.
 */
const LLAMA3 = { bos: 128_000, preamble: 26, perMessage: 5, generationPrompt: 4 };

/** Stand-in ids for the template's fixed preamble: equal for every chat request, so it is a shared prefix. */
const PREAMBLE_IDS = Array.from({ length: LLAMA3.preamble }, (_, i) => LLAMA3.bos + i);

/** Load a tokenizer. The BPE tables load on first use (~0.2-0.4 s), once per process. */
export async function loadTokenizer(name: TokenizerName): Promise<PromptTokenizer> {
  if (name === 'words') return { name, encode: wordIds };
  const module =
    name === 'cl100k_base'
      ? await import('gpt-tokenizer/encoding/cl100k_base')
      : await import('gpt-tokenizer/encoding/o200k_base');
  const encode = module.encode;
  return { name, encode: (text) => encode(text) };
}

/** Count a request's prompt tokens the way the served model's server would. */
export function countPromptTokens(tokenizer: PromptTokenizer, format: PromptFormat, request: SimRequest): PromptTokens {
  const prompt = request.prompt;
  // Pre-tokenized prompts are taken as they are: vLLM adds no special tokens to them.
  if (prompt.kind === 'token-ids') return { count: prompt.ids.length, ids: prompt.ids };
  const content = tokenizer.encode(prompt.text);
  if (format === 'none') return { count: Math.max(1, content.length), ids: content };
  if (request.api === 'completions') return withPrefix([LLAMA3.bos], content, 0);
  // Chat texts arrive joined by newlines (one per message boundary), which the template does not have.
  const roles = request.messageRoles;
  const others = roles.filter((r) => r !== 'system').length;
  const overhead = LLAMA3.perMessage * others + LLAMA3.generationPrompt - Math.max(0, roles.length - 1);
  return withPrefix(PREAMBLE_IDS, content, overhead);
}

function withPrefix(prefix: readonly number[], content: ArrayLike<number>, extra: number): PromptTokens {
  const ids = new Array<number>(prefix.length + content.length);
  for (let i = 0; i < prefix.length; i++) ids[i] = prefix[i]!;
  for (let i = 0; i < content.length; i++) ids[prefix.length + i] = content[i]!;
  return { count: Math.max(1, ids.length + extra), ids };
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
