/**
 * Hugging Face `tokenizer.json` files, read by @huggingface/tokenizers (pure JS, no native code).
 *
 * Chosen over @lenml/tokenizers by measurement on this class of machine (2,200 tokens of English,
 * code and CJK; load / encode / process RSS): Llama 3 1.5 s / 6.1 ms / 230 MB against 1.9 s / 7.9 ms /
 * 276 MB, Qwen3 1.3 s / 9.0 ms / 162 MB against 1.5 s / 9.5 ms / 211 MB, DeepSeek V3 comparable; both
 * gave identical ids. The built-in llama3, qwen3 and deepseek-v3 read the tokenizer.json shipped
 * inside the @lenml/tokenizer-* packages (nothing is downloaded).
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import type { LocalTokenizer } from './tokenizer.js';

/**
 * Load a tokenizer.json (and the tokenizer_config.json beside it, when there is one). Throws with a
 * message naming the file when it is missing or is not a tokenizer.
 */
export async function loadHfTokenizerFile(path: string): Promise<LocalTokenizer> {
  const json = await readJson(path, 'tokenizer.json');
  if (json === undefined) throw new Error(`${path}: file not found`);
  const configPath = join(dirname(path), 'tokenizer_config.json');
  const config = (await readJson(configPath, 'tokenizer_config.json')) ?? {};
  let tok: HfTokenizer;
  try {
    tok = new HfTokenizer(json, config);
  } catch (err) {
    throw new Error(`${path}: not a Hugging Face tokenizer.json (${(err as Error).message})`);
  }
  const vocab = tok.get_vocab(true);
  let vocabSize = 0;
  for (const id of vocab.values()) vocabSize = Math.max(vocabSize, id + 1);
  return {
    encode: (text) => tok.encode(text, { add_special_tokens: false }).ids,
    // Decoding keeps the text as the ids spell it: no clean-up of spaces before punctuation, which
    // would change the text and so its re-encoding.
    decode: (ids) => tok.decode(ids as number[], { skip_special_tokens: false, clean_up_tokenization_spaces: false }),
    vocabSize,
  };
}

async function readJson(path: string, what: string): Promise<object | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`${path}: cannot read ${what} (${(err as Error).message})`);
  }
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not a JSON object');
    return value;
  } catch (err) {
    throw new Error(`${path}: ${what} is not valid JSON (${(err as Error).message})`);
  }
}
