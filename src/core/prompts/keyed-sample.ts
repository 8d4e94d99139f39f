import type { Rng } from '../arrival/rng.js';

/**
 * Seeded sampling of dataset rows in one streaming pass. Every row gets a key that depends only on the
 * seed and the row's index; the sample is the `size` usable rows with the smallest keys, in key order.
 * That is a uniform draw without replacement (every key order is equally likely), the same for the
 * same seed and file however the file is chunked, and it needs memory for `size` rows only: a row
 * whose key cannot enter the sample is dropped before anything expensive (tokenizing) is done to it.
 */

function mix32(x: number): number {
  let z = x >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

/** A row's key in [0, 2^53): a hash of (seed, index), independent between rows. */
export function rowKey(seed: number, index: number): number {
  const lo = (index >>> 0) ^ mix32(seed >>> 0);
  const hi = Math.floor(index / 2 ** 32) ^ mix32(Math.floor(seed / 2 ** 32) + 0x9e3779b9);
  const a = mix32(lo ^ mix32(hi + 0x632be5ab));
  const b = mix32(a ^ 0x5bd1e995 ^ mix32(lo + 0x27d4eb2d));
  return a * 2 ** 21 + (b >>> 11);
}

/** The `size` entries with the smallest keys seen so far (a max-heap on the key). */
export class KeyedSample<T> {
  private readonly heap: { key: number; item: T }[] = [];

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 0) throw new RangeError(`sample size must be a whole number >= 0, got ${size}`);
  }

  /** Whether an entry with this key would enter the sample now (check before doing costly work). */
  wouldKeep(key: number): boolean {
    if (this.size === 0) return false;
    return this.heap.length < this.size || key < this.heap[0]!.key;
  }

  /** Offer an entry; it enters if its key is among the `size` smallest so far. */
  offer(key: number, item: T): void {
    if (!this.wouldKeep(key)) return;
    const h = this.heap;
    if (h.length < this.size) {
      h.push({ key, item });
      this.siftUp(h.length - 1);
    } else {
      h[0] = { key, item };
      this.siftDown(0);
    }
  }

  get length(): number {
    return this.heap.length;
  }

  /** The entries, smallest key first. */
  sorted(): T[] {
    return [...this.heap].sort((x, y) => x.key - y.key).map((e) => e.item);
  }

  private siftUp(i: number): void {
    const h = this.heap;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p]!.key >= h[i]!.key) return;
      [h[p], h[i]] = [h[i]!, h[p]!];
      i = p;
    }
  }

  private siftDown(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && h[l]!.key > h[m]!.key) m = l;
      if (r < h.length && h[r]!.key > h[m]!.key) m = r;
      if (m === i) return;
      [h[m], h[i]] = [h[i]!, h[m]!];
      i = m;
    }
  }
}

/**
 * `count` draws from `rows`: each row once, in the order given, while they last; past that, rows drawn
 * with replacement from `rng` (order 'random') or repeated from the start (order 'file').
 */
export function extendDraws<T>(rows: readonly T[], count: number, order: 'random' | 'file', rng: Rng): T[] {
  if (rows.length === 0) return [];
  const out = rows.slice(0, count);
  for (let i = out.length; i < count; i++) out.push(order === 'random' ? rows[rng.int(rows.length)]! : rows[i % rows.length]!);
  return out;
}
