import { describe, expect, it } from 'vitest';
import { createManualClock } from './clock.js';
import { runOpenLoop, type Dispatch } from './open-loop.js';

/** A send() whose requests finish only when the test says so. */
function controllableSend() {
  const pending = new Map<number, () => void>();
  const sent: Dispatch[] = [];
  let inFlight = 0;
  let peak = 0;
  return {
    sent,
    get inFlight() {
      return inFlight;
    },
    get peak() {
      return peak;
    },
    finish(seq: number) {
      pending.get(seq)?.();
      pending.delete(seq);
    },
    send(d: Dispatch): Promise<void> {
      sent.push(d);
      inFlight++;
      peak = Math.max(peak, inFlight);
      return new Promise<void>((resolve) =>
        pending.set(d.seq, () => {
          inFlight--;
          resolve();
        }),
      );
    },
  };
}

const flush = () => new Promise<void>((r) => setImmediate(r));

describe('runOpenLoop (manual clock)', () => {
  it('sends at the intended instants, queues past the cap and measures the wait', async () => {
    const clock = createManualClock(1000);
    const s = controllableSend();
    const done = runOpenLoop({
      clock,
      startMs: 1000,
      offsets: [0, 10, 10, 20, 30],
      maxConcurrency: 2,
      signal: new AbortController().signal,
      send: (d) => s.send(d),
    });
    await flush();
    expect(s.sent.map((d) => d.seq)).toEqual([0]);
    await clock.advance(10); // t=10: seq 1 and 2 arrive, only one slot left
    expect(s.sent.map((d) => d.seq)).toEqual([0, 1]);
    expect(s.inFlight).toBe(2);
    await clock.advance(5); // t=15: seq 0 ends -> seq 2 takes its slot after 5 ms in the queue
    s.finish(0);
    await flush();
    expect(s.sent[2]).toEqual({ seq: 2, intendedAtMs: 10, readyAtMs: 10, dispatchedAtMs: 15 });
    await clock.advance(15); // t=30: seq 3 (due 20) and 4 (due 30) are both queued
    expect(s.sent).toHaveLength(3);
    s.finish(1);
    s.finish(2);
    await flush();
    expect(s.sent.slice(3)).toEqual([
      { seq: 3, intendedAtMs: 20, readyAtMs: 20, dispatchedAtMs: 30 },
      { seq: 4, intendedAtMs: 30, readyAtMs: 30, dispatchedAtMs: 30 },
    ]);
    s.finish(3);
    s.finish(4);
    await expect(done).resolves.toEqual({ sent: 5, dropped: 0 });
    expect(s.peak).toBe(2);
  });

  it('stopping drops what is queued, keeps what is in flight, and sends nothing more', async () => {
    const clock = createManualClock(0);
    const s = controllableSend();
    const ac = new AbortController();
    const done = runOpenLoop({
      clock,
      startMs: 0,
      offsets: [0, 1, 2, 3, 100, 200],
      maxConcurrency: 1,
      signal: ac.signal,
      send: (d) => s.send(d),
    });
    await clock.advance(5); // seq 0 in flight, 1..3 queued
    expect(s.sent).toHaveLength(1);
    ac.abort();
    await flush();
    s.finish(0);
    await clock.advance(500);
    await expect(done).resolves.toEqual({ sent: 1, dropped: 3 });
    expect(s.sent).toHaveLength(1);
  });

  it('never exceeds the cap under a burst', async () => {
    const clock = createManualClock(0);
    const s = controllableSend();
    const done = runOpenLoop({
      clock,
      startMs: 0,
      offsets: Array.from({ length: 50 }, () => 0),
      maxConcurrency: 7,
      signal: new AbortController().signal,
      send: (d) => s.send(d),
    });
    for (let seq = 0; seq < 50; seq++) {
      await flush();
      expect(s.inFlight).toBeLessThanOrEqual(7);
      s.finish(seq);
    }
    await expect(done).resolves.toEqual({ sent: 50, dropped: 0 });
    expect(s.peak).toBe(7);
  });
});
