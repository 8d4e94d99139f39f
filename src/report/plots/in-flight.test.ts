import { describe, expect, it } from 'vitest';
import { inFlightSteps, maxPerBin } from './in-flight.js';

describe('inFlightSteps', () => {
  it('counts overlapping requests, one step per instant', () => {
    // a [0,10) b [5,15) c [5,8): 0->1, 5->3, 8->2, 10->1, 15->0
    const steps = inFlightSteps([
      { startMs: 0, endMs: 10 },
      { startMs: 5, endMs: 15 },
      { startMs: 5, endMs: 8 },
    ]);
    expect(steps).toEqual([
      { tMs: 0, count: 1 },
      { tMs: 5, count: 3 },
      { tMs: 8, count: 2 },
      { tMs: 10, count: 1 },
      { tMs: 15, count: 0 },
    ]);
  });

  it('hands a slot over without a spike when one ends as the next is sent', () => {
    const steps = inFlightSteps([
      { startMs: 0, endMs: 10 },
      { startMs: 10, endMs: 20 },
    ]);
    expect(steps).toEqual([
      { tMs: 0, count: 1 },
      { tMs: 10, count: 1 },
      { tMs: 20, count: 0 },
    ]);
    expect(Math.max(...steps.map((s) => s.count))).toBe(1);
  });

  it('is empty for no requests', () => {
    expect(inFlightSteps([])).toEqual([]);
  });
});

describe('maxPerBin', () => {
  it('keeps the highest count of each bin, including the one carried in', () => {
    const steps = [
      { tMs: 0, count: 1 },
      { tMs: 3, count: 4 },
      { tMs: 4, count: 2 },
      { tMs: 12, count: 0 },
      { tMs: 25, count: 3 },
    ];
    // bins of 10: [0,10) max 4; [10,20) starts at 2 (carried), drops to 0 -> 2; [20,30) carried 0, then 3 -> 3
    expect(maxPerBin(steps, 10)).toEqual([
      { tMs: 0, count: 4 },
      { tMs: 10, count: 2 },
      { tMs: 20, count: 3 },
    ]);
  });
});
