import { describe, expect, it } from 'vitest';
import { createMonotonicClock } from './clock.js';

describe('createMonotonicClock().sleepUntil', () => {
  it('never wakes before the deadline', async () => {
    const clock = createMonotonicClock();
    for (const delay of [0, 0.3, 1, 2.5, 5]) {
      const target = clock.now() + delay;
      await clock.sleepUntil(target);
      expect(clock.now()).toBeGreaterThanOrEqual(target);
    }
  });

  it('rejects with the signal reason when aborted mid-wait, and at once when already aborted', async () => {
    const clock = createMonotonicClock();
    const ac = new AbortController();
    const p = clock.sleepUntil(clock.now() + 60_000, ac.signal);
    ac.abort(new Error('stop'));
    await expect(p).rejects.toThrow('stop');
    await expect(clock.sleepUntil(clock.now() + 1, ac.signal)).rejects.toThrow('stop');
  });
});
