import { describe, expect, it } from 'vitest';
import { createKvBlockPool } from './kv-cache.js';
import { chainBlockHashes, createPrefixCache } from './prefix-cache.js';

describe('KV block pool', () => {
  it('hands out blocks until none is left, all or nothing', () => {
    const pool = createKvBlockPool(4);
    const a: number[] = [];
    expect(pool.allocate(3, a)).toBe(true);
    expect(pool.freeBlocks).toBe(1);
    expect(pool.allocate(2, a)).toBe(false);
    expect(a).toHaveLength(3);
    pool.release(a);
    expect(pool.freeBlocks).toBe(4);
  });

  it('keeps freed cached blocks findable, and evicts the least recently freed first', () => {
    const pool = createKvBlockPool(3);
    const cache = createPrefixCache(pool);
    const held: number[] = [];
    pool.allocate(3, held);
    held.forEach((b, i) => cache.register(b, 100 + i));
    pool.release([held[0]!]);
    pool.release([held[1]!]);
    expect(pool.freeBlocks).toBe(2);
    // A hit on a free cached block takes it back out of the free list.
    expect(cache.match([100], 8)).toEqual([held[0]]);
    expect(pool.freeBlocks).toBe(1);
    // Allocating now evicts the only free one (hash 101); 100 stays findable.
    const fresh: number[] = [];
    expect(pool.allocate(1, fresh)).toBe(true);
    expect(fresh).toEqual([held[1]]);
    expect(cache.match([100, 101], 8)).toHaveLength(1);
    expect(cache.match([101], 8)).toEqual([]);
  });
});

describe('chained block hashes', () => {
  it('name a whole prefix: equal blocks after different beginnings differ', () => {
    const a = chainBlockHashes([...Array(48).keys()], 16);
    const b = chainBlockHashes([7, ...Array.from({ length: 47 }, (_, i) => i + 1)], 16);
    expect(a).toHaveLength(3);
    expect(chainBlockHashes([...Array(40).keys()], 16)).toEqual(a.slice(0, 2));
    expect(b[0]).not.toBe(a[0]);
    expect(b[1]).not.toBe(a[1]);
    for (const h of a) expect(Number.isSafeInteger(h)).toBe(true);
  });
});
