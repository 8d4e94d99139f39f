/**
 * Automatic prefix caching, as vLLM does it: every full block of prompt tokens is identified by a
 * hash of its tokens chained with the hash of the block before it, so a hash names a whole prefix,
 * not just 16 tokens. A new request looks its block hashes up in order and reuses the blocks of the
 * longest cached prefix instead of computing them. PURE.
 *
 * Only prompt blocks are cached here (vLLM caches generated blocks too); a multi-turn conversation
 * whose next prompt repeats the previous answer therefore hits on the earlier prompt only.
 */
import type { KvBlockPool } from './kv-cache.js';

export interface PrefixCache {
  /**
   * The blocks of the longest cached prefix of `hashes`, each retained for the caller. At most
   * `maxBlocks`: vLLM always computes at least the prompt's last token, so a fully cached prompt
   * still leaves one block to compute.
   */
  match(hashes: readonly number[], maxBlocks: number): number[];
  /** Make a just-computed full prompt block findable by its hash (a no-op if the hash is known). */
  register(block: number, hash: number): void;
  /** Blocks currently findable. */
  readonly size: number;
}

/** Create the prefix index over a block pool; evicted blocks drop out of it. */
export function createPrefixCache(pool: KvBlockPool): PrefixCache {
  const byHash = new Map<number, number>();
  pool.onEvict((hash, block) => {
    if (byHash.get(hash) === block) byHash.delete(hash);
  });
  return {
    match(hashes, maxBlocks) {
      const blocks: number[] = [];
      const limit = Math.min(hashes.length, maxBlocks);
      for (let i = 0; i < limit; i++) {
        const block = byHash.get(hashes[i]!);
        if (block === undefined) break;
        pool.retain(block);
        blocks.push(block);
      }
      return blocks;
    },
    register(block, hash) {
      // Two requests with the same prompt prefilled at once: the first block registered wins and
      // the second stays private, as in vLLM.
      if (byHash.has(hash)) return;
      byHash.set(hash, block);
      pool.setHash(block, hash);
    },
    get size() {
      return byHash.size;
    },
  };
}

/**
 * Chained block hashes of a token sequence: one per full block of `blockSize` tokens. A 53-bit
 * FNV/murmur-style mix, not cryptographic: a collision would only make the simulated cache hit
 * where it should not, and at 2^53 that does not happen in a benchmark's lifetime.
 */
export function chainBlockHashes(tokens: ArrayLike<number>, blockSize: number): number[] {
  const out: number[] = [];
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  const full = Math.floor(tokens.length / blockSize);
  for (let b = 0; b < full; b++) {
    // Chaining: the state carries over from the previous block, so equal blocks after different
    // prefixes get different hashes.
    for (let i = b * blockSize; i < (b + 1) * blockSize; i++) {
      const t = tokens[i]! >>> 0;
      h1 = Math.imul(h1 ^ t, 2654435761);
      h2 = Math.imul(h2 ^ t, 1597334677);
    }
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    out.push(4294967296 * (2097151 & h2) + (h1 >>> 0));
  }
  return out;
}
