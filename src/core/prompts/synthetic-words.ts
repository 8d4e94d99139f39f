import type { Rng } from '../arrival/rng.js';

/** Settings of the seed prototype's prompt generator. */
export interface WordPromptOptions {
  /** Mean word count: words ~ Poisson(wordLambda), at least 1. */
  wordLambda: number;
  /** Mean and standard deviation of a word's length in letters (Gaussian, at least 1). */
  wordLengthMean?: number;
  wordLengthStd?: number;
}

export interface SyntheticPrompt {
  text: string;
  words: number;
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/**
 * The seed's prompt generator: a Poisson-distributed number of random-letter words whose lengths are
 * Gaussian. Random letters defeat prefix caching, as the seed intended, and make the token count per
 * word vary by tokenizer (roughly 1.5-3 tokens per word for BPE vocabularies): the record therefore
 * prefers the server's own token counts and marks when it fell back to words.
 */
export function makeWordPrompt(rng: Rng, options: WordPromptOptions): SyntheticPrompt {
  const mean = options.wordLengthMean ?? 5;
  const std = options.wordLengthStd ?? 2;
  const words = Math.max(1, samplePoisson(rng, options.wordLambda));
  const parts: string[] = new Array(words);
  for (let w = 0; w < words; w++) {
    const len = Math.max(1, Math.round(mean + std * sampleStandardNormal(rng)));
    let word = '';
    for (let k = 0; k < len; k++) word += LETTERS[rng.int(LETTERS.length)];
    parts[w] = word;
  }
  return { text: parts.join(' '), words };
}

/**
 * A Poisson(lambda) draw. Knuth's product-of-uniforms for small lambda (exact, O(lambda));
 * for large lambda, the sum of independent Poisson(<=30) draws, which is exact too
 * (Poisson variables add) and keeps the cost O(lambda / 30) multiplications of uniforms each.
 */
export function samplePoisson(rng: Rng, lambda: number): number {
  if (!(lambda >= 0) || !Number.isFinite(lambda)) throw new RangeError(`lambda must be finite and >= 0, got ${lambda}`);
  let total = 0;
  let remaining = lambda;
  while (remaining > 0) {
    const part = Math.min(remaining, 30);
    remaining -= part;
    const limit = Math.exp(-part);
    let k = 0;
    let p = rng.next();
    while (p > limit) {
      k++;
      p *= rng.next();
    }
    total += k;
  }
  return total;
}

/** A standard normal draw by Box-Muller (one of the pair; simplicity over speed, prompts are cheap). */
export function sampleStandardNormal(rng: Rng): number {
  const u1 = 1 - rng.next();
  const u2 = rng.next();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}
