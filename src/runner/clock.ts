import { performance } from 'node:perf_hooks';

/**
 * Time as the runner sees it: a monotonic reading in milliseconds and a way to wait for an absolute
 * instant. Injected so schedulers can be tested with a manual clock instead of real sleeps.
 */
export interface Clock {
  now(): number;
  /** Resolve at or just after `atMs` (never before); reject with the signal's reason if it aborts. */
  sleepUntil(atMs: number, signal?: AbortSignal): Promise<void>;
}

/**
 * How long before a deadline the coarse timer hands over to the fine wait. Node's timers fire on
 * 1 ms ticks and often a millisecond late; the last stretch is covered by yielding to the event loop
 * (setImmediate) until the deadline, which lets I/O run and lands within tens of microseconds.
 */
const SPIN_WINDOW_MS = 1.5;

/**
 * The real clock: performance.now(), monotonic and sub-microsecond. On Linux it reads CLOCK_MONOTONIC,
 * the clock `process.hrtime` and the mockllm reference server use, up to a constant offset.
 */
export function createMonotonicClock(): Clock {
  const now = (): number => performance.now();
  return {
    now,
    sleepUntil(atMs, signal) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      if (atMs <= now()) return Promise.resolve();
      // Plain callbacks rather than awaiting timers/promises with a signal: the fine wait may turn the
      // event loop hundreds of times, and each awaited, signal-carrying turn allocates (and costs GC).
      return new Promise<void>((resolve, reject) => {
        let timer: NodeJS.Timeout | undefined;
        let settled = false;
        const onAbort = (): void => {
          settled = true;
          if (timer) clearTimeout(timer);
          reject(signal?.reason);
        };
        const tick = (): void => {
          if (settled) return;
          timer = undefined;
          const remaining = atMs - now();
          if (remaining <= 0) {
            settled = true;
            signal?.removeEventListener('abort', onAbort);
            resolve();
          } else if (remaining > SPIN_WINDOW_MS) timer = setTimeout(tick, remaining - SPIN_WINDOW_MS);
          else setImmediate(tick);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        tick();
      });
    },
  };
}

/** A clock that moves only when told: for tests of schedulers. */
export interface ManualClock extends Clock {
  /** Move time forward, waking every sleeper whose deadline has come, in deadline order. */
  advance(ms: number): Promise<void>;
  /** Jump to the next pending deadline, if any; returns whether one existed. */
  advanceToNext(): Promise<boolean>;
  readonly pending: number;
}

export function createManualClock(startMs = 0): ManualClock {
  let t = startMs;
  const sleepers: { atMs: number; resolve: () => void }[] = [];
  const flush = async (): Promise<void> => {
    // Let woken tasks run (and register new sleepers) before returning control to the test.
    for (let i = 0; i < 20; i++) await Promise.resolve();
    await new Promise<void>((r) => setImmediate(r));
  };
  const wake = async (): Promise<void> => {
    sleepers.sort((a, b) => a.atMs - b.atMs);
    while (sleepers.length && (sleepers[0] as { atMs: number }).atMs <= t) {
      sleepers.shift()?.resolve();
      await flush();
      sleepers.sort((a, b) => a.atMs - b.atMs);
    }
  };
  return {
    now: () => t,
    sleepUntil(atMs, signal) {
      signal?.throwIfAborted();
      if (atMs <= t) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const entry = { atMs, resolve };
        sleepers.push(entry);
        signal?.addEventListener(
          'abort',
          () => {
            const i = sleepers.indexOf(entry);
            if (i >= 0) sleepers.splice(i, 1);
            reject(signal.reason);
          },
          { once: true },
        );
      });
    },
    async advance(ms) {
      const target = t + ms;
      sleepers.sort((a, b) => a.atMs - b.atMs);
      while (sleepers.length && (sleepers[0] as { atMs: number }).atMs <= target) {
        t = Math.max(t, (sleepers[0] as { atMs: number }).atMs);
        await wake();
      }
      t = target;
      await flush();
    },
    async advanceToNext() {
      if (!sleepers.length) return false;
      sleepers.sort((a, b) => a.atMs - b.atMs);
      t = Math.max(t, (sleepers[0] as { atMs: number }).atMs);
      await wake();
      return true;
    },
    get pending() {
      return sleepers.length;
    },
  };
}
