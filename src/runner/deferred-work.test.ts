import { describe, expect, it } from 'vitest';
import { createDeferredWork } from './deferred-work.js';

describe('createDeferredWork', () => {
  it('runs jobs in order and returns their results and errors', async () => {
    const work = createDeferredWork(() => performance.now());
    const order: number[] = [];
    const results = await Promise.allSettled([
      work.run(() => (order.push(1), 'a')),
      work.run(() => {
        order.push(2);
        throw new Error('bad job');
      }),
      work.run(() => (order.push(3), 'c')),
    ]);
    expect(order).toEqual([1, 2, 3]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual(['a', 'bad job', 'c']);
    expect(work.pending).toBe(0);
  });

  it('yields to the event loop between slices (a manual clock makes every job use up its slice)', async () => {
    let t = 0;
    const work = createDeferredWork(() => t, 1);
    const turns: number[] = [];
    let turn = 0;
    // Count event-loop turns with an immediate that re-arms itself while jobs remain.
    const counter = (): void => {
      turn++;
      if (work.pending > 0) setImmediate(counter);
    };
    const jobs = Array.from({ length: 5 }, (_, i) =>
      work.run(() => {
        turns.push(turn);
        t += 1; // each job takes the whole slice
        return i;
      }),
    );
    setImmediate(counter);
    expect(await Promise.all(jobs)).toEqual([0, 1, 2, 3, 4]);
    // One job per turn: five distinct turns, in increasing order.
    expect(new Set(turns).size).toBe(5);
    expect([...turns].sort((a, b) => a - b)).toEqual(turns);
  });
});
