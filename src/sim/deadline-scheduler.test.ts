import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDeadlineScheduler, type DeadlineScheduler } from './deadline-scheduler.js';

// Node's timers are faked and the scheduler reads a manual clock, so nothing here depends on how
// busy the machine is. `tick` moves both together, 1 ms at a time, like a healthy event loop;
// `stall` moves the clock in one jump, like a loop blocked by other work.
let clockMs = 0;
let s: DeadlineScheduler;

function tick(ms: number): void {
  for (let i = 0; i < ms; i++) {
    clockMs += 1;
    vi.advanceTimersByTime(1);
  }
}

function stall(ms: number): void {
  clockMs += ms;
  vi.advanceTimersByTime(ms);
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate'] });
  clockMs = 1000;
  s = createDeadlineScheduler(() => clockMs);
});
afterEach(() => {
  s.close();
  vi.useRealTimers();
});

describe('createDeadlineScheduler', () => {
  it('runs callbacks in deadline order, each as soon as it is due', () => {
    const ran: [number, number][] = [];
    // Made out of order, with a tie (ids 1 and 4 share a deadline: the first made runs first).
    for (const [id, offset] of [
      [3, 9],
      [1, 3],
      [2, 6],
      [4, 3],
      [0, 1],
    ] as const) {
      s.at(1000 + offset, () => ran.push([id, clockMs - 1000]));
    }
    expect(s.pending).toBe(5);
    tick(12);
    expect(ran).toEqual([
      [0, 1],
      [1, 3],
      [4, 3],
      [2, 6],
      [3, 9],
    ]);
    expect(s.pending).toBe(0);
  });

  it('never runs a callback early, even when the Node timer fires early', () => {
    let ran = false;
    s.at(1005, () => (ran = true));
    vi.advanceTimersByTime(50); // timers fire, but the clock still reads 1000
    expect(ran).toBe(false);
    tick(4);
    expect(ran).toBe(false);
    tick(1);
    expect(ran).toBe(true);
  });

  it('keeps chained appointments on absolute deadlines, so a stall does not shift later ones', () => {
    const ranAt: number[] = [];
    let k = 0;
    const step = (): void => {
      ranAt.push(clockMs);
      k++;
      if (k < 10) s.at(1000 + k * 5, step);
    };
    s.at(1000, step);
    stall(22);
    // Steps due at 1000..1020 all run the moment the loop wakes ...
    expect(ranAt).toEqual([1022, 1022, 1022, 1022, 1022]);
    tick(30);
    // ... and the rest are back on their original schedule, not 22 ms behind it.
    expect(ranAt.slice(5)).toEqual([1025, 1030, 1035, 1040, 1045]);
  });

  it('runs an appointment already due on the next turn, without a timer delay', () => {
    let ran = false;
    s.at(990, () => (ran = true));
    expect(ran).toBe(false);
    vi.advanceTimersByTime(0);
    expect(ran).toBe(true);
  });

  it('forgets cancelled appointments, and everything on close', () => {
    const ran: string[] = [];
    const a = s.at(1002, () => ran.push('a'));
    s.at(1002, () => ran.push('b'));
    s.cancel(a);
    s.cancel(a); // twice is harmless
    expect(s.pending).toBe(1);
    tick(5);
    expect(ran).toEqual(['b']);
    s.at(1010, () => ran.push('c'));
    s.close();
    s.at(1000, () => ran.push('d'));
    tick(20);
    expect(ran).toEqual(['b']);
    expect(s.pending).toBe(0);
  });

  it('gives the event loop a turn every few ms when more is due than it can run', () => {
    // 100 callbacks all due now, each taking 1 ms (the clock moves as they run).
    const ran: number[] = [];
    for (let i = 0; i < 100; i++) {
      s.at(clockMs, () => {
        clockMs += 1;
        ran.push(i);
      });
    }
    let ioTurnAfter = -1;
    setImmediate(() => {
      ioTurnAfter = ran.length;
    });
    vi.advanceTimersByTime(0);
    vi.runAllTimers();
    expect(ran).toHaveLength(100);
    expect(ran).toEqual([...Array(100).keys()]); // still in deadline order
    // The other immediate ran after the first slice, not after all 100.
    expect(ioTurnAfter).toBeGreaterThan(0);
    expect(ioTurnAfter).toBeLessThan(100);
  });
});
