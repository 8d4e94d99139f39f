/**
 * The KV cache as vLLM's PagedAttention lays it out: a fixed pool of blocks of `blockSize` tokens,
 * handed to sequences one block at a time and shared by reference count. PURE.
 *
 * A freed block that holds a cached prompt prefix (it has a content hash) is not wiped: it goes to
 * the back of an LRU list, still findable by the prefix cache, and is evicted only when a fresh block
 * is needed and no never-cached block is left. That is vLLM's free-block queue: reuse is free, and
 * memory is never held back for it. Both kinds of free block count as free in the usage figure.
 */

/** Called when a cached block is evicted to make room, so the prefix index can forget its hash. */
export type EvictionListener = (hash: number, block: number) => void;

export interface KvBlockPool {
  readonly totalBlocks: number;
  /** Blocks no sequence holds: never used, or cached and evictable. */
  readonly freeBlocks: number;
  /** Append `count` fresh blocks to `into`; false (and nothing taken) when fewer are free. */
  allocate(count: number, into: number[]): boolean;
  /** Drop one reference to each block; a block nobody holds becomes free. */
  release(blocks: readonly number[]): void;
  /** Take a reference to a block found by its content (a prefix-cache hit). */
  retain(block: number): void;
  /** Record the content hash of a block that holds a full block of prompt tokens. */
  setHash(block: number, hash: number): void;
  /** Listen for evictions (one listener). */
  onEvict(listener: EvictionListener): void;
}

/** Create a pool of `totalBlocks` blocks. */
export function createKvBlockPool(totalBlocks: number): KvBlockPool {
  if (!Number.isInteger(totalBlocks) || totalBlocks < 1) throw new RangeError(`totalBlocks must be a positive integer, got ${totalBlocks}`);
  const refs = new Int32Array(totalBlocks);
  const hashes = new Map<number, number>(); // block -> hash, for blocks that hold a cached prefix
  // Never-cached free blocks, as a stack; cached free blocks in least-recently-freed-first order.
  const plain: number[] = [];
  for (let b = totalBlocks - 1; b >= 0; b--) plain.push(b);
  const cachedFree = new Map<number, number>(); // block -> hash; insertion order is LRU order
  let evicted: EvictionListener = () => undefined;

  const take = (): number => {
    const block = plain.pop();
    if (block !== undefined) return block;
    // Evict the least recently freed cached block: its content is the least likely to be asked for.
    const oldest = cachedFree.entries().next().value as [number, number];
    const [b, hash] = oldest;
    cachedFree.delete(b);
    hashes.delete(b);
    evicted(hash, b);
    return b;
  };

  return {
    totalBlocks,
    get freeBlocks() {
      return plain.length + cachedFree.size;
    },
    allocate(count, into) {
      if (count > plain.length + cachedFree.size) return false;
      for (let i = 0; i < count; i++) {
        const b = take();
        refs[b] = 1;
        into.push(b);
      }
      return true;
    },
    release(blocks) {
      for (const b of blocks) {
        const left = --refs[b]!;
        if (left > 0) continue;
        const hash = hashes.get(b);
        if (hash === undefined) plain.push(b);
        else cachedFree.set(b, hash);
      }
    },
    retain(block) {
      if (refs[block]! === 0) cachedFree.delete(block);
      refs[block]!++;
    },
    setHash(block, hash) {
      hashes.set(block, hash);
    },
    onEvict(listener) {
      evicted = listener;
    },
  };
}
