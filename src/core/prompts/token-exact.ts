/**
 * Synthetic prompts of an exact token count under a given tokenizer.
 *
 * Built from token ids, then checked the only way that counts: decode, re-encode, count. Random ids
 * do not survive that trip (a byte-level BPE merges neighbours differently, and ids of partial UTF-8
 * bytes decode to replacement characters), so the ids come from a pool of "word tokens": ids whose
 * text is a space and 3-10 lowercase letters and that re-encode to themselves alone. A pre-tokenizer
 * of the GPT / Llama 3 / Qwen / DeepSeek kind cuts text into pieces at exactly those " word"
 * boundaries before BPE runs, so a run of pool tokens re-encodes to the same ids, one per word, and
 * two such texts joined stay additive (prefix + body = P + N tokens). Where a tokenizer still merges
 * or splits at a boundary, the repair loop re-encodes, trims the ids to the target and decodes again,
 * or appends words, until the count is exact; a tokenizer where that never converges is an error,
 * not a prompt of roughly the right size.
 */
import type { Rng } from '../arrival/rng.js';

/** The functions a prompt builder needs; the server's tokenizer provides them over HTTP. */
export interface ExactTokenizer {
  encode(text: string): Promise<number[]>;
  decode(ids: readonly number[]): Promise<string>;
  count(text: string): Promise<number>;
}

/** Word-token texts (each with its leading space) to draw from. */
export interface WordPool {
  words: readonly string[];
}

const WORD_TOKEN = /^ [a-z]{3,10}$/;
const POOL_SIZE = 2048;

/**
 * The pool of a local vocabulary: up to 2,048 word tokens, found by walking the ids in a fixed
 * stride so the pool spreads over the whole vocabulary (frequent and rare words alike). Deterministic
 * per vocabulary, independent of the seed.
 */
export function buildWordPool(local: { encode(text: string): number[]; decode(ids: readonly number[]): string; vocabSize: number }): WordPool {
  const words: string[] = [];
  const n = local.vocabSize;
  // A stride coprime with n visits every id once; 7919 is prime, so it is coprime unless it divides n.
  const stride = n % 7919 === 0 ? 7907 : 7919;
  for (let k = 0, id = 0; k < n && words.length < POOL_SIZE; k++, id = (id + stride) % n) {
    let text: string;
    try {
      text = local.decode([id]);
    } catch {
      continue;
    }
    if (!WORD_TOKEN.test(text)) continue;
    const again = local.encode(text);
    if (again.length === 1 && again[0] === id) words.push(text);
  }
  if (words.length < 64) throw new Error(`the tokenizer has too few plain word tokens (${words.length}) to build synthetic prompts`);
  return { words };
}

/** `n` words drawn from the pool, joined (each keeps its leading space). */
export function drawWords(pool: WordPool, n: number, rng: Rng): string {
  let text = '';
  for (let i = 0; i < n; i++) text += pool.words[rng.int(pool.words.length)];
  return text;
}

const MAX_REPAIRS = 12;

/**
 * A text of exactly `target` tokens: `target` pool words, then repaired until re-encoding gives
 * `target` tokens. Returns the text (it starts with a space) and its count, which equals target.
 */
export async function buildExactText(tok: ExactTokenizer, pool: WordPool, target: number, rng: Rng): Promise<string> {
  let text = drawWords(pool, target, rng);
  for (let round = 0; round < MAX_REPAIRS; round++) {
    const count = await tok.count(text);
    if (count === target) return text;
    if (count > target) {
      const ids = await tok.encode(text);
      text = await tok.decode(ids.slice(0, target));
    } else {
      text += drawWords(pool, target - count, rng);
    }
  }
  throw new Error(`could not build a prompt of exactly ${target} tokens in ${MAX_REPAIRS} rounds (the tokenizer merges across word boundaries)`);
}

/**
 * `text` made exactly `target` tokens longer or shorter by words at its end: for joining a body to a
 * prefix when the join is not additive. Returns the adjusted body.
 */
export async function fitJoined(
  tok: ExactTokenizer,
  pool: WordPool,
  head: string,
  body: string,
  target: number,
  rng: Rng,
): Promise<string> {
  let tail = body;
  for (let round = 0; round < MAX_REPAIRS; round++) {
    const count = await tok.count(head + tail);
    if (count === target) return tail;
    if (count > target) {
      const ids = await tok.encode(head + tail);
      const full = await tok.decode(ids.slice(0, target));
      if (!full.startsWith(head)) break;
      tail = full.slice(head.length);
    } else {
      tail += drawWords(pool, target - count, rng);
    }
  }
  throw new Error(`could not join a prompt to its prefix at exactly ${target} tokens`);
}
