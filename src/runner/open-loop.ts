import type { Clock } from './clock.js';

/** A request the scheduler has released: its times, relative to the run's start. */
export interface Dispatch {
  seq: number;
  intendedAtMs: number;
  readyAtMs: number;
  /** When it got a concurrency slot and was handed to the HTTP client. */
  dispatchedAtMs: number;
}

export interface OpenLoopOptions {
  clock: Clock;
  /** Clock reading that is offset 0 of the schedule. */
  startMs: number;
  /** Intended send offsets in ms from the start, non-decreasing (lazy: may be huge). */
  offsets: Iterable<number>;
  maxConcurrency: number;
  /** Aborting stops the arrivals; requests not yet sent are dropped, in-flight ones are awaited. */
  signal: AbortSignal;
  /** Sends one request; must not reject (a failed request is data, recorded by the caller). */
  send(d: Dispatch): Promise<void>;
}

export interface OpenLoopResult {
  /** Requests handed to `send`. */
  sent: number;
  /** Requests that had arrived but were still waiting for a slot when the run was stopped. */
  dropped: number;
}

/** How many already-due arrivals are queued between two turns of the event loop. */
const DUE_BATCH = 64;

/**
 * The open-loop scheduler: arrivals happen at their intended instants whatever the server does, which
 * is what makes queueing visible (a closed loop would slow down with the server and hide it).
 *
 * Each arrival waits for its absolute offset (never a chained sleep, so lateness does not accumulate),
 * then joins a FIFO queue. A request leaves the queue when fewer than `maxConcurrency` are in flight.
 * Both waits are measured: readyAtMs - intendedAtMs is the timer's lateness, dispatchedAtMs - readyAtMs
 * the client-side queueing for a slot. Nothing is hidden: a saturated cap shows up as queue time.
 */
export async function runOpenLoop(o: OpenLoopOptions): Promise<OpenLoopResult> {
  const { clock, startMs, signal } = o;
  const queue: Omit<Dispatch, 'dispatchedAtMs'>[] = [];
  let head = 0;
  let inFlight = 0;
  let sent = 0;
  let settleAll: (() => void) | undefined;
  let arrivalsDone = false;

  const pump = (): void => {
    while (inFlight < o.maxConcurrency && head < queue.length && !signal.aborted) {
      const next = queue[head] as Omit<Dispatch, 'dispatchedAtMs'>;
      queue[head++] = undefined as never; // release for GC; the queue only ever grows at the tail
      if (head > 4096 && head * 2 > queue.length) {
        queue.splice(0, head);
        head = 0;
      }
      inFlight++;
      sent++;
      const d: Dispatch = { ...next, dispatchedAtMs: clock.now() - startMs };
      void o.send(d).finally(() => {
        inFlight--;
        pump();
        if (arrivalsDone && inFlight === 0 && (head >= queue.length || signal.aborted)) settleAll?.();
      });
    }
  };

  let seq = 0;
  let dueInARow = 0;
  try {
    for (const offset of o.offsets) {
      if (signal.aborted) break;
      if (startMs + offset > clock.now()) {
        dueInARow = 0;
        await clock.sleepUntil(startMs + offset, signal);
      } else if (++dueInARow % DUE_BATCH === 0) {
        // Arrivals already due (a burst, or rate inf) would otherwise be queued in one unbroken run of
        // microtasks: 100,000 of them starve the sockets for a third of a second. Let I/O in between.
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (signal.aborted) break;
      }
      queue.push({ seq: seq++, intendedAtMs: offset, readyAtMs: clock.now() - startMs });
      pump();
    }
  } catch (err) {
    if (!signal.aborted) throw err;
  }
  arrivalsDone = true;
  if (inFlight > 0 || (head < queue.length && !signal.aborted)) {
    await new Promise<void>((resolve) => {
      settleAll = resolve;
      // The queue may still hold requests if the signal fired while they waited: those are dropped.
      signal.addEventListener('abort', () => inFlight === 0 && resolve(), { once: true });
    });
  }
  return { sent, dropped: queue.length - head };
}
