import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chartFontPath } from './font.js';
import { parseFontMetrics } from './font-metrics.js';

describe('parseFontMetrics (bundled Roboto Regular)', () => {
  const metrics = parseFontMetrics(readFileSync(chartFontPath()));

  it("reads Roboto's em and advance widths", () => {
    expect(metrics.unitsPerEm).toBe(2048);
    // Read independently with a few lines of Python over the same tables: '0' is glyph 20, advance
    // 1151 units; ' ' 508; 'm' 1796. Roboto's digits are tabular: all share the advance of '0'.
    const digit = metrics.width('0', 2048);
    expect(digit).toBe(1151);
    expect(metrics.width(' ', 2048)).toBe(508);
    expect(metrics.width('m', 2048)).toBe(1796);
    for (const d of '123456789') expect(metrics.width(d, 2048)).toBe(digit);
    // A space is narrower than an "m", and "W" wider than "i".
    expect(metrics.width(' ', 12)).toBeLessThan(metrics.width('m', 12));
    expect(metrics.width('W', 12)).toBeGreaterThan(metrics.width('i', 12));
  });

  it('scales with the font size and adds up along the string', () => {
    expect(metrics.width('latency (s)', 24)).toBeCloseTo(2 * metrics.width('latency (s)', 12), 9);
    expect(metrics.width('ab', 12)).toBeCloseTo(metrics.width('a', 12) + metrics.width('b', 12), 9);
    // About half an em a character: well under vega's 0.8 em guess.
    const w = metrics.width('output tokens/s of the request', 12);
    expect(w / (30 * 12)).toBeGreaterThan(0.4);
    expect(w / (30 * 12)).toBeLessThan(0.6);
  });

  it('measures a character the font lacks as the missing-glyph box, not zero', () => {
    expect(metrics.width('\u2196', 12)).toBeGreaterThan(0);
    expect(metrics.width('😀', 12)).toBeGreaterThan(0);
  });
});
