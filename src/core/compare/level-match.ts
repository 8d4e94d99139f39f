/**
 * Pairing the levels of two sweeps by the load they offered, not by position: a sweep that skipped
 * or added a level must not shift every comparison after it by one.
 */

/** A level's offered load, as sweep.json records it. */
export type OfferedLoad = { kind: 'rate'; ratePerSec: number } | { kind: 'concurrency'; maxConcurrency: number };

/** "rate 5 req/s", "concurrency 16". */
export function describeOffered(o: OfferedLoad): string {
  return o.kind === 'rate' ? `rate ${o.ratePerSec} req/s` : `concurrency ${o.maxConcurrency}`;
}

/** The same load, allowing for the last bits of a rate that went through arithmetic and JSON. */
export function sameOffered(x: OfferedLoad, y: OfferedLoad): boolean {
  if (x.kind === 'rate' && y.kind === 'rate') {
    return x.ratePerSec === y.ratePerSec || Math.abs(x.ratePerSec - y.ratePerSec) <= 1e-9 * Math.max(x.ratePerSec, y.ratePerSec);
  }
  if (x.kind === 'concurrency' && y.kind === 'concurrency') return x.maxConcurrency === y.maxConcurrency;
  return false;
}

export interface LevelMatch<T> {
  /** Pairs in the baseline's level order. */
  matched: { a: T; b: T }[];
  onlyA: T[];
  onlyB: T[];
}

/** Pair each baseline level with the other sweep's level of the same offered load (first match wins). */
export function matchLevels<T extends { offered: OfferedLoad }>(a: readonly T[], b: readonly T[]): LevelMatch<T> {
  const unused = [...b];
  const matched: { a: T; b: T }[] = [];
  const onlyA: T[] = [];
  for (const la of a) {
    const i = unused.findIndex((lb) => sameOffered(la.offered, lb.offered));
    if (i < 0) onlyA.push(la);
    else matched.push({ a: la, b: unused.splice(i, 1)[0]! });
  }
  return { matched, onlyA, onlyB: unused };
}
