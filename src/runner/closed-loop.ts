import type { Clock } from './clock.js';
import type { Dispatch, OpenLoopResult } from './open-loop.js';

export interface ClosedLoopOptions {
  clock: Clock;
  /** Clock reading that is offset 0. */
  startMs: number;
  /** Users, each with at most one request in flight. */
  users: number;
  /** Requests in all, across users. */
  maxCount: number;
  /** Aborting stops new requests; in-flight ones are awaited. */
  signal: AbortSignal;
  /** Think time after request `seq` ends, before its user sends again (ms; 0: at once). */
  thinkMs(seq: number): number;
  /** Sends one request; must not reject (a failed request is data). */
  send(d: Dispatch): Promise<void>;
}

/**
 * Closed-loop users (--users): N users, each sending its next request when its last one has ended and
 * its think time has passed, so at most N requests are ever in flight and the offered rate is whatever
 * the server's speed allows. A request's intended time is the instant its user became ready (start,
 * or end of think time); it is also its ready and dispatch time, since a user never queues for a slot.
 * Schedule lag is then the timer's lateness after think time, and send delay as in the open loop.
 * Sequence numbers are taken in dispatch order, so request k's prompt is the source's k-th, as in the
 * open loop.
 */
export async function runClosedLoop(o: ClosedLoopOptions): Promise<OpenLoopResult> {
  const { clock, startMs, signal } = o;
  let seq = 0;
  const user = async (): Promise<void> => {
    let readyAt = clock.now() - startMs;
    while (!signal.aborted && seq < o.maxCount) {
      const now = clock.now() - startMs;
      const d: Dispatch = { seq: seq++, intendedAtMs: readyAt, readyAtMs: now, dispatchedAtMs: now };
      await o.send(d);
      const think = o.thinkMs(d.seq);
      const end = clock.now() - startMs;
      readyAt = end + think;
      if (think > 0 && !signal.aborted && seq < o.maxCount) {
        try {
          await clock.sleepUntil(startMs + readyAt, signal);
        } catch {
          return; // stopped while thinking
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.users, o.maxCount) }, user));
  return { sent: seq, dropped: 0 };
}
