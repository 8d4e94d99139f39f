import { describe, expect, it } from 'vitest';
import { record } from '../../test/helpers/record-fixture.js';
import { summarizeRecords } from '../core/metrics/summary.js';
import { parseSlo } from '../core/slo/parse-slo.js';
import { deriveSloResult } from '../core/slo/slo-accumulator.js';
import type { SweepLevel } from '../core/sweep/sweep-result.js';
import { completionRatePerSec, levelHeld, sendRatePerSec } from './run-sweep.js';

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

describe('levelHeld', () => {
  const spec = parseSlo('ttft_p99_ms=1000');
  const level = (o: { failed: number; held?: boolean; stopped?: boolean }): SweepLevel => {
    const records = [
      ...Array.from({ length: 10 - o.failed }, (_, seq) => record({ seq })),
      ...Array.from({ length: o.failed }, (_, i) => record({ seq: 100 + i, ok: false, contentTimesMs: [], error: { kind: 'http_status', message: '503' }, status: 503 })),
    ];
    const summary = summarizeRecords(records);
    const slo = deriveSloResult(records, spec, summary.durationS);
    return {
      index: 0, dir: 'x', offered: { kind: 'rate', ratePerSec: 1 }, summary, achievedRatePerSec: 1, sentRatePerSec: 1,
      steadyState: { reached: true, reason: '' }, stoppedEarly: o.stopped ? { reason: 'r' } : null,
      slo: o.held === false ? { ...slo, allObjectivesHeld: false } : slo,
    };
  };
  it('holds when the objectives held and enough requests succeeded', () => {
    expect(levelHeld(level({ failed: 0 }), spec, 0.9)).toBe(true);
    expect(levelHeld(level({ failed: 1 }), spec, 0.9)).toBe(true);
  });
  it('does not hold when too many requests failed, even with only percentile objectives (they see successes only)', () => {
    expect(levelHeld(level({ failed: 6 }), spec, 0.9)).toBe(false);
    expect(levelHeld(level({ failed: 2 }), spec, 0.9)).toBe(false);
  });
  it('does not hold when an objective broke or the level was stopped early', () => {
    expect(levelHeld(level({ failed: 0, held: false }), spec, 0.9)).toBe(false);
    expect(levelHeld(level({ failed: 0, stopped: true }), spec, 0.9)).toBe(false);
  });
});

describe('sendRatePerSec', () => {
  it('counts intended send times (the drawn schedule), not actual sends, which a binding cap ties to completions', () => {
    // Due every 10 ms, but sent (one slot) only as each 100 ms request ends.
    const records = Array.from({ length: 11 }, (_, seq) => record({ seq, intendedAtMs: seq * 10, readyAtMs: seq * 10, dispatchedAtMs: seq * 100, sentAtMs: seq * 100, contentTimesMs: [seq * 100 + 50], endAtMs: seq * 100 + 100 }));
    expect(sendRatePerSec(records)).toBeCloseTo(100, 9);
    expect(completionRatePerSec(records, -1)).toBeCloseTo(10, 9);
    // A closed loop has no schedule: its actual sends.
    expect(sendRatePerSec(records.map((r) => ({ ...r, intendedAtMs: 0 })), true)).toBeCloseTo(10, 9);
  });
});
