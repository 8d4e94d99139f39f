import { describe, expect, it } from 'vitest';
import { defaultRollingWindow, rollingMean } from './rolling-mean.js';

describe('rollingMean', () => {
  it('averages the trailing window, over what there is at the start', () => {
    expect(rollingMean([1, 2, 3, 4, 5], 3)).toEqual([1, 1.5, 2, 3, 4]);
  });

  it('skips gaps (failed requests) and is null where the window holds nothing', () => {
    // window 2: [2] [2] [-] [4] [4,6]
    expect(rollingMean([2, null, null, 4, 6], 2)).toEqual([2, 2, null, 4, 5]);
  });

  it('with a window of 1 is the series itself', () => {
    expect(rollingMean([3, null, 7], 1)).toEqual([3, null, 7]);
  });

  it('picks a window of about a twenty-fifth of the run, within 5..1000', () => {
    expect(defaultRollingWindow(20)).toBe(5);
    expect(defaultRollingWindow(200)).toBe(8);
    expect(defaultRollingWindow(1000)).toBe(40);
    expect(defaultRollingWindow(100_000)).toBe(1000);
  });
});
