import { describe, expect, it } from 'vitest';
import { createMemoryTimeline } from './memory-timeline.js';

describe('createMemoryTimeline', () => {
  it('sums devices by their latest reading and finds the peak while a request was in flight', () => {
    const t = createMemoryTimeline();
    expect(t.peakBetween(0, 100)).toBeNull();
    t.add(0, 0, 1000);
    t.add(0.1, 1, 500); // total 1500
    t.add(100, 0, 3000); // total 3500
    t.add(100.1, 1, 500);
    t.add(200, 0, 1000); // total 1500
    t.add(200.1, 1, 200); // total 1200
    // Inside [50, 150]: the reading in effect at 50 (1500) and those at 100 (3500).
    expect(t.peakBetween(50, 150)).toBe(3500);
    // A short request between two readings gets the memory in effect when it was sent.
    expect(t.peakBetween(10, 20)).toBe(1500);
    expect(t.peakBetween(210, 230)).toBe(1200);
    expect(t.peakBetween(150, 250)).toBe(3500);
    // A request that ended before any reading has none.
    const u = createMemoryTimeline();
    u.add(100, 0, 10);
    expect(u.peakBetween(0, 50)).toBeNull();
    expect(u.peakBetween(0, 100)).toBe(10);
  });

  it('keeps working past its first buffer (grows) with the same answers', () => {
    const t = createMemoryTimeline();
    for (let i = 0; i < 5000; i++) t.add(i, 0, i % 1000 === 999 ? 9999 : 100);
    expect(t.peakBetween(1000, 1998)).toBe(100);
    expect(t.peakBetween(1000, 1999)).toBe(9999);
    expect(t.peakBetween(4990, 10_000)).toBe(9999);
  });
});
