/**
 * Llama 3.1's chat template, rendered straight to token ids. vLLM renders the template to text and
 * tokenizes that; here each piece is encoded on its own (the template's text, then each message's),
 * which gives the same ids wherever the pieces' boundaries are also BPE boundaries, as they are at
 * the template's newlines and special tokens. The template, from the model's tokenizer_config.json:
 *
 *   <|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n
 *   Cutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n{system text|trim}<|eot_id|>
 *   <|start_header_id|>{role}<|end_header_id|>\n\n{text|trim}<|eot_id|>        (each other message)
 *   <|start_header_id|>assistant<|end_header_id|>\n\n                           (the generation prompt)
 *
 * In cl100k_base (and o200k_base) that is 26 tokens before the system text, 5 around each other
 * message and 4 for the generation prompt. The first message is the system text only if its role
 * is `system`; a later system message is rendered like any other.
 *
 * Every chat prompt starts with the same 26 ids followed by the same system text, so requests that
 * share a system prompt share a prefix, and the prefix cache sees it.
 */
import type { TokenizerName } from './prompt-tokens.js';
import type { ChatMessage } from './sim-request.js';

export interface Llama3Template {
  /** `<|begin_of_text|>`, which vLLM's Llama 3 tokenizer prepends when add_special_tokens is on. */
  readonly bos: number;
  /** A chat prompt's ids, special tokens included. */
  render(messages: readonly ChatMessage[], options: { addGenerationPrompt: boolean }): number[];
  /** The text of a special token's id (`<|eot_id|>`), or undefined for an ordinary token. */
  specialText(id: number): string | undefined;
}

/** Llama 3's special tokens, by their offset from <|begin_of_text|> (128000 in Llama 3's vocabulary). */
const SPECIAL_OFFSETS = {
  '<|begin_of_text|>': 0,
  '<|end_of_text|>': 1,
  '<|start_header_id|>': 6,
  '<|end_header_id|>': 7,
  '<|eot_id|>': 9,
} as const;

/**
 * Where the special tokens sit. cl100k_base's ids are Llama 3's below 100K, so Llama 3's own
 * special ids (128000...) fit after them. o200k_base uses ids up to ~200K, so its stand-ins go
 * past its vocabulary, where no ordinary token can be mistaken for one.
 */
const SPECIAL_BASE: Record<TokenizerName, number> = { words: 128_000, cl100k_base: 128_000, o200k_base: 201_000 };

/** The template's fixed text in cl100k_base (Llama 3's ids): `\n\n` and the two date lines. */
const CL100K_NEWLINES = [271];
const CL100K_DATE_LINES = [38766, 1303, 33025, 2696, 25, 6790, 220, 2366, 18, 198, 15724, 2696, 25, 220, 1627, 10263, 220, 2366, 19, 271];

/** The system block's date lines, as the template writes them. */
const DATE_LINES = 'Cutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n';

/** Build the template over a tokenizer's encoder; the fixed pieces are encoded once, here. */
export function createLlama3Template(name: TokenizerName, encode: (text: string) => ArrayLike<number>): Llama3Template {
  const base = SPECIAL_BASE[name];
  const special = (token: keyof typeof SPECIAL_OFFSETS): number => base + SPECIAL_OFFSETS[token];
  const [bos, start, end, eot] = [special('<|begin_of_text|>'), special('<|start_header_id|>'), special('<|end_header_id|>'), special('<|eot_id|>')];
  const names = new Map<number, string>(Object.entries(SPECIAL_OFFSETS).map(([token, offset]) => [base + offset, token]));
  // The words tokenizer would count "\n\n" as nothing and the date lines as 9 words: it takes
  // Llama 3's counts (and ids) for the template's own text, so only the messages count by words.
  const words = name === 'words';
  const newlines = words ? CL100K_NEWLINES : Array.from(encode('\n\n'));
  const dateLines = words ? CL100K_DATE_LINES : Array.from(encode(DATE_LINES));
  const roles = new Map<string, number[]>();
  const roleIds = (role: string): number[] => {
    let ids = roles.get(role);
    if (ids === undefined) roles.set(role, (ids = Array.from(encode(role))));
    return ids;
  };
  const append = (ids: number[], more: ArrayLike<number>): void => {
    for (let i = 0; i < more.length; i++) ids.push(more[i]!);
  };
  const header = (ids: number[], role: string): void => {
    ids.push(start);
    append(ids, roleIds(role));
    ids.push(end);
    append(ids, newlines);
  };
  return {
    bos,
    render(messages, options) {
      const ids: number[] = [bos];
      const hasSystem = messages[0]?.role === 'system';
      header(ids, 'system');
      append(ids, dateLines);
      if (hasSystem) append(ids, encode(messages[0]!.text.trim()));
      ids.push(eot);
      for (let i = hasSystem ? 1 : 0; i < messages.length; i++) {
        const m = messages[i]!;
        header(ids, m.role);
        append(ids, encode(m.text.trim()));
        ids.push(eot);
      }
      if (options.addGenerationPrompt) header(ids, 'assistant');
      return ids;
    },
    specialText: (id) => names.get(id),
  };
}
