/**
 * A small, fast, seeded pseudo-random generator (sfc32, seeded through splitmix32). Every random
 * choice in llmload goes through one of these so that a run is repeatable from its seed alone.
 * Math.random is never used: it cannot be seeded.
 */
export interface Rng {
  /** Uniform in [0, 1) with 53 bits of precision. */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
}

function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** Create a generator from an integer seed (any safe integer; the high bits are folded in). */
export function createRng(seed: number): Rng {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
  const hi = Math.floor(seed / 2 ** 32) >>> 0;
  const init = splitmix32((seed >>> 0) ^ Math.imul(hi, 0x27d4eb2d));
  let a = init();
  let b = init();
  let c = init();
  let d = init() | 1;
  const u32 = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t;
  };
  // Discard the first outputs: sfc32 mixes its state over its first few rounds.
  for (let i = 0; i < 12; i++) u32();
  const next = (): number => (u32() * 2 ** 21 + (u32() >>> 11)) / 2 ** 53;
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
  };
}

/** Derive an independent seed for a named sub-stream (arrivals, prompts, ...) from the run seed. */
export function deriveSeed(seed: number, stream: string): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  const all = `${Math.floor(seed / 2 ** 32)}:${stream}`;
  for (let i = 0; i < all.length; i++) {
    h ^= all.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return splitmix32(h)();
}
