import { describe, expect, it } from 'vitest';
import { createRng } from '../arrival/rng.js';
import { makeWordPrompt, samplePoisson } from './synthetic-words.js';

describe('samplePoisson', () => {
  it.each([0.5, 15, 120])('has mean and variance lambda (lambda=%s)', (lambda) => {
    const rng = createRng(3);
    const n = 20_000;
    const xs = Array.from({ length: n }, () => samplePoisson(rng, lambda));
    const mean = xs.reduce((a, b) => a + b, 0) / n;
    const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
    expect(Math.abs(mean - lambda)).toBeLessThan(4 * Math.sqrt(lambda / n));
    // Var of the sample variance of a Poisson is about (lambda + 2 lambda^2)/n.
    expect(Math.abs(variance - lambda)).toBeLessThan(4 * Math.sqrt((lambda + 2 * lambda ** 2) / n));
    expect(xs.every((x) => Number.isInteger(x) && x >= 0)).toBe(true);
  });
});

describe('makeWordPrompt', () => {
  it('makes at least one word of random letters, word count as reported', () => {
    const rng = createRng(11);
    for (let i = 0; i < 500; i++) {
      const p = makeWordPrompt(rng, { wordLambda: 0.2 });
      expect(p.words).toBeGreaterThanOrEqual(1);
      const words = p.text.split(' ');
      expect(words).toHaveLength(p.words);
      expect(words.every((w) => /^[a-z]+$/.test(w))).toBe(true);
    }
  });

  it('word lengths are Gaussian around the mean, clamped to at least 1', () => {
    const rng = createRng(12);
    const lengths: number[] = [];
    for (let i = 0; i < 300; i++) lengths.push(...makeWordPrompt(rng, { wordLambda: 15 }).text.split(' ').map((w) => w.length));
    const mean = lengths.reduce((a, b) => a + b, 0) / lengths.length;
    // Rounded N(5, 2) clamped at 1 has mean ~5.0; 4 standard errors of tolerance.
    expect(Math.abs(mean - 5)).toBeLessThan(4 * (2 / Math.sqrt(lengths.length)) + 0.05);
    expect(Math.min(...lengths)).toBe(1);
  });

  it('is repeatable from the seed', () => {
    const a = makeWordPrompt(createRng(99), { wordLambda: 15 });
    const b = makeWordPrompt(createRng(99), { wordLambda: 15 });
    expect(a).toEqual(b);
  });
});
