import { describe, expect, it } from 'vitest';
import { traceSchedule } from './trace-window.js';

describe('traceSchedule', () => {
  it('gives offsets from the first entry, scaled: 2 is twice as slow', () => {
    const at = traceSchedule({ timeScale: 2 });
    expect(at(1000, 1000)).toBe(0);
    expect(at(1750, 1000)).toBe(1500);
    const fast = traceSchedule({ timeScale: 0.5 });
    expect(fast(5000, 1000)).toBe(2000);
  });

  it('replays the half-open slice [start, start + window): before it null, from its end on stop', () => {
    const at = traceSchedule({ timeScale: 1, startS: 10, windowS: 5 });
    const first = 1_700_000_000_000;
    expect(at(first + 9_999, first)).toBeNull();
    expect(at(first + 10_000, first)).toBe(0);
    expect(at(first + 12_500, first)).toBe(2_500);
    expect(at(first + 14_999, first)).toBe(4_999);
    expect(at(first + 15_000, first)).toBe('stop');
    expect(at(first + 99_000, first)).toBe('stop');
  });

  it('offsets inside the slice are relative to its start, then scaled', () => {
    const at = traceSchedule({ timeScale: 3, startS: 2 });
    expect(at(2_500, 0)).toBe(1_500);
    expect(at(1e12, 0)).toBe((1e12 - 2_000) * 3);
  });

  it('refuses a scale, start or window that cannot be meant', () => {
    expect(() => traceSchedule({ timeScale: 0 })).toThrow(RangeError);
    expect(() => traceSchedule({ timeScale: Number.NaN })).toThrow(RangeError);
    expect(() => traceSchedule({ timeScale: 1, startS: -1 })).toThrow(RangeError);
    expect(() => traceSchedule({ timeScale: 1, windowS: 0 })).toThrow(RangeError);
  });
});
