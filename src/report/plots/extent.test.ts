import { describe, expect, it } from 'vitest';
import { extent } from './extent.js';

describe('extent', () => {
  it('finds the smallest and largest, skipping non-finite values', () => {
    expect(extent([3, -1, NaN, 7, Infinity], (v) => v)).toEqual({ min: -1, max: 7 });
    expect(extent([{ a: 2 }], (o) => o.a)).toEqual({ min: 2, max: 2 });
    expect(extent([], (v: number) => v)).toEqual({ min: NaN, max: NaN });
  });

  it('copes with more values than a function call takes as arguments', () => {
    const many = Float64Array.from({ length: 500_000 }, (_, i) => i);
    expect(() => Math.max(...many)).toThrow(RangeError);
    expect(extent(many, (v) => v)).toEqual({ min: 0, max: 499_999 });
  });
});
