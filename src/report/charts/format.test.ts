import { describe, expect, it } from 'vitest';
import { formatCount, formatMs, formatNumber, ordinal } from './format.js';

describe('chart number formats', () => {
  it('formats counts, numbers and milliseconds', () => {
    expect(formatCount(100_000)).toBe('100,000');
    expect(formatNumber(20)).toBe('20');
    expect(formatNumber(0.16249)).toBe('0.1625');
    expect(formatNumber(99.0512)).toBe('99.05');
    expect(formatMs(0.4213)).toBe('0.42 ms');
    expect(formatMs(51.73)).toBe('51.7 ms');
    expect(formatMs(12345.6)).toBe('12,346 ms');
  });

  it('writes ordinals', () => {
    expect([1, 2, 3, 4, 10, 11, 12, 13, 21, 22, 23, 101, 111].map(ordinal)).toEqual([
      '1st', '2nd', '3rd', '4th', '10th', '11th', '12th', '13th', '21st', '22nd', '23rd', '101st', '111th',
    ]);
  });
});
