import { describe, expect, it } from 'vitest';
import { createRng } from '../arrival/rng.js';
import { formatLengthSpec, parseLengthSpec, rangeRatioSpec, sampleLength, type LengthSpec } from './length-spec.js';

const spec = (raw: string): LengthSpec => {
  const s = parseLengthSpec(raw);
  if ('error' in s) throw new Error(s.error);
  return s;
};

describe('parseLengthSpec', () => {
  it('reads each form and writes it back', () => {
    for (const raw of ['1024', '512:2048', 'normal:1024,256', 'lognormal:1024,0.5']) expect(formatLengthSpec(spec(raw))).toBe(raw);
    expect(spec('7:7')).toEqual({ kind: 'fixed', value: 7 });
  });
  it.each(['0', '-3', '10:5', 'abc', 'normal:10', 'lognormal:100,9', 'gamma:1,2', '1.5'])('refuses %s with a message', (raw) => {
    expect(parseLengthSpec(raw)).toHaveProperty('error');
  });
});

describe('sampleLength', () => {
  const n = 20_000;
  const draws = (s: LengthSpec, seed = 1): number[] => {
    const rng = createRng(seed);
    return Array.from({ length: n }, () => sampleLength(s, rng));
  };
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

  it('uniform covers both ends and nothing outside', () => {
    const xs = draws(spec('10:20'));
    expect(Math.min(...xs)).toBe(10);
    expect(Math.max(...xs)).toBe(20);
    // Mean 15, sd of a discrete uniform over 11 values sqrt(10): 4 standard errors.
    expect(Math.abs(mean(xs) - 15)).toBeLessThan(4 * Math.sqrt(10 / n));
  });
  it('normal has the asked mean and spread', () => {
    const xs = draws(spec('normal:1000,100'));
    const m = mean(xs);
    const sd = Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (n - 1));
    expect(Math.abs(m - 1000)).toBeLessThan(4 * (100 / Math.sqrt(n)));
    expect(Math.abs(sd - 100)).toBeLessThan(4 * (100 / Math.sqrt(2 * n)) + 0.5);
  });
  it('lognormal has the asked MEAN (not median) and clamps to >= 1', () => {
    const xs = draws(spec('lognormal:500,0.5'));
    // sd of the log-normal: mean * sqrt(exp(sigma^2) - 1).
    const sd = 500 * Math.sqrt(Math.exp(0.25) - 1);
    expect(Math.abs(mean(xs) - 500)).toBeLessThan(4 * (sd / Math.sqrt(n)));
    expect(Math.min(...draws(spec('normal:2,5')))).toBe(1);
  });
  it('fixed specs draw nothing from the rng', () => {
    const rng = createRng(5);
    sampleLength(spec('64'), rng);
    expect(rng.next()).toBe(createRng(5).next());
  });
});

describe('rangeRatioSpec (vLLM --random-range-ratio)', () => {
  it('is uniform over [L(1-R), L(1+R)]', () => {
    expect(rangeRatioSpec(1000, 0.1)).toEqual({ kind: 'uniform', min: 900, max: 1100 });
    expect(rangeRatioSpec(1000, 0)).toEqual({ kind: 'fixed', value: 1000 });
  });
});
