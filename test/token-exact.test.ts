import { describe, expect, it } from 'vitest';
import { createRng } from '../src/core/arrival/rng.js';
import { buildExactText, buildWordPool, fitJoined } from '../src/core/prompts/token-exact.js';
import { BUILTIN_TOKENIZERS, loadTokenizer, parseTokenizerSpec } from '../src/tokenizers/load-tokenizer.js';

// Every built-in tokenizer, for real: the tables shipped in the packages, nothing mocked.
describe.each(Object.keys(BUILTIN_TOKENIZERS))('token-exact prompts under %s', (name) => {
  it('builds texts that re-encode to exactly the asked count, prefixes joining additively', async () => {
    const tok = await loadTokenizer(parseTokenizerSpec(name));
    const pool = buildWordPool(tok.local!);
    expect(pool.words.length).toBeGreaterThanOrEqual(64);
    const rng = createRng(7);
    for (const target of [1, 2, 7, 100, 1024]) {
      const text = await buildExactText(tok, pool, target, rng);
      expect(tok.local!.encode(text).length).toBe(target);
    }
    const prefix = await buildExactText(tok, pool, 300, rng);
    const body = await buildExactText(tok, pool, 50, rng);
    const joined = await fitJoined(tok, pool, prefix, body, 350, rng);
    expect(tok.local!.encode(prefix + joined).length).toBe(350);
  });

  it('is repeatable from the seed', async () => {
    const tok = await loadTokenizer(parseTokenizerSpec(name));
    const pool = buildWordPool(tok.local!);
    const a = await buildExactText(tok, pool, 64, createRng(3));
    const b = await buildExactText(tok, pool, 64, createRng(3));
    const c = await buildExactText(tok, pool, 64, createRng(4));
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });
});

describe('parseTokenizerSpec', () => {
  it('accepts built-ins, their aliases, server, and existing files; refuses the rest naming the flag', () => {
    expect(parseTokenizerSpec('cl100k_base')).toEqual({ kind: 'builtin', name: 'cl100k' });
    expect(parseTokenizerSpec('deepseek_v3')).toEqual({ kind: 'builtin', name: 'deepseek-v3' });
    expect(parseTokenizerSpec('server')).toEqual({ kind: 'server', name: 'server' });
    expect(() => parseTokenizerSpec('meta-llama/Llama-3.1-8B')).toThrow(/--tokenizer: "meta-llama\/Llama-3.1-8B" is neither a built-in/);
  });
});
