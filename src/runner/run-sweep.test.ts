import { describe, expect, it } from 'vitest';
import { record } from '../../test/helpers/record-fixture.js';
import { completionRatePerSec } from './run-sweep.js';

describe('completionRatePerSec', () => {
  it('counts (n - 1) successful completions over the span from the first to the last, ignoring failures and warm-up', () => {
    const ends = [1000, 1100, 1200, 1300, 1400]; // 4 gaps of 100 ms: 10 per second
    const records = [
      ...ends.map((endAtMs, seq) => record({ seq, endAtMs })),
      record({ seq: 9, endAtMs: 5000, ok: false, error: { kind: 'timeout', message: 'x' } }),
      { ...record({ seq: 10, endAtMs: 100 }), warmup: true as const },
    ];
    expect(completionRatePerSec(records, -1)).toBeCloseTo(10, 9);
  });
  it('falls back when fewer than two requests completed', () => {
    expect(completionRatePerSec([record({ endAtMs: 5 })], 3.5)).toBe(3.5);
    expect(completionRatePerSec([], 0)).toBe(0);
  });
});
