import { describe, expect, it } from 'vitest';
import { createRng } from '../arrival/rng.js';
import { extendDraws, KeyedSample, rowKey } from './keyed-sample.js';

function draw(seed: number, n: number, size: number): number[] {
  const s = new KeyedSample<number>(size);
  for (let i = 0; i < n; i++) s.offer(rowKey(seed, i), i);
  return s.sorted();
}

describe('keyed sampling', () => {
  it('keeps exactly the entries with the smallest keys, smallest first', () => {
    const keys = Array.from({ length: 500 }, (_, i) => rowKey(3, i));
    const expected = keys
      .map((k, i) => ({ k, i }))
      .sort((a, b) => a.k - b.k)
      .slice(0, 20)
      .map((e) => e.i);
    expect(draw(3, 500, 20)).toEqual(expected);
  });

  it('is the same for the same seed, different for another, and never repeats a row', () => {
    const a = draw(7, 1000, 50);
    expect(draw(7, 1000, 50)).toEqual(a);
    expect(draw(8, 1000, 50)).not.toEqual(a);
    expect(new Set(a).size).toBe(50);
  });

  it('wouldKeep says no to a key that cannot enter, so costly work can be skipped', () => {
    const s = new KeyedSample<string>(2);
    s.offer(10, 'a');
    s.offer(20, 'b');
    expect(s.wouldKeep(30)).toBe(false);
    expect(s.wouldKeep(5)).toBe(true);
    s.offer(5, 'c');
    expect(s.sorted()).toEqual(['c', 'a']);
    expect(new KeyedSample(0).wouldKeep(0)).toBe(false);
  });

  it('draws every row with equal probability (chi-square over 2,000 seeds)', () => {
    const n = 40;
    const size = 8;
    const seeds = 2000;
    const hits = new Array<number>(n).fill(0);
    for (let seed = 0; seed < seeds; seed++) for (const i of draw(seed, n, size)) hits[i]!++;
    const expected = (seeds * size) / n;
    const chi2 = hits.reduce((a, h) => a + (h - expected) ** 2 / expected, 0);
    // 39 degrees of freedom: P(chi2 > 80) is below 1e-4 for a uniform draw.
    expect(chi2).toBeLessThan(80);
  });

  it('extends past the rows: with replacement for random order, from the start for file order', () => {
    expect(extendDraws(['a', 'b'], 5, 'file', createRng(1))).toEqual(['a', 'b', 'a', 'b', 'a']);
    const r = extendDraws(['a', 'b', 'c'], 10, 'random', createRng(1));
    expect(r.slice(0, 3)).toEqual(['a', 'b', 'c']);
    expect(r).toHaveLength(10);
    expect(r.every((x) => ['a', 'b', 'c'].includes(x))).toBe(true);
    expect(extendDraws(['a', 'b', 'c'], 2, 'random', createRng(1))).toEqual(['a', 'b']);
  });
});
