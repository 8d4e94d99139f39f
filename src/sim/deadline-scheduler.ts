/**
 * Runs callbacks at absolute deadlines on a monotonic clock, from one min-heap driven by a single
 * timer. The simulator keeps one entry per live stream (its next chunk), so with thousands of
 * streams there is still one Node timer, re-armed for the earliest deadline, instead of one
 * setTimeout per token; each firing drains every entry that has come due.
 *
 * Deadlines are absolute (arrival + offset), never "sleep itl after the last write", so a late
 * firing delays one chunk but never shifts the ones after it. A callback never runs before its
 * deadline: Node may fire a timer up to ~1 ms early (its loop clock is cached and whole-ms), so
 * the due check is made against the clock we were given, and an early firing just re-arms. The
 * price is lateness: up to about 1 ms from timer granularity, plus whatever the event loop is busy
 * with.
 */

/** An appointment; pass it to `cancel`. Opaque apart from its deadline. */
export interface DeadlineHandle {
  readonly atMs: number;
}

export interface DeadlineScheduler {
  /** Run `fn` once the clock reads `atMs` or later (a deadline in the past runs on the next turn). */
  at(atMs: number, fn: () => void): DeadlineHandle;
  /** Forget an appointment; a no-op if it already ran. */
  cancel(handle: DeadlineHandle): void;
  /** Appointments waiting to run. */
  readonly pending: number;
  /** Drop every appointment and stop the timer; later `at` calls are ignored. */
  close(): void;
}

interface Entry extends DeadlineHandle {
  seq: number;
  fn: (() => void) | null;
}

/** Longest run of callbacks before the event loop gets a turn, when more are already due. */
const DRAIN_SLICE_MS = 5;

/** Earlier deadline first; equal deadlines in the order they were made, so no stream starves. */
function before(a: Entry, b: Entry): boolean {
  return a.atMs < b.atMs || (a.atMs === b.atMs && a.seq < b.seq);
}

/** Create a scheduler reading time (ms) from `now`, e.g. `performance.now`. */
export function createDeadlineScheduler(now: () => number): DeadlineScheduler {
  const heap: Entry[] = [];
  let seq = 0;
  let live = 0;
  let closed = false;
  let draining = false;
  let timer: NodeJS.Timeout | undefined;
  let timerAtMs = Infinity;
  let immediate: NodeJS.Immediate | undefined;

  const push = (e: Entry): void => {
    let i = heap.push(e) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent]!;
      if (!before(e, p)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = e;
  };

  const pop = (): Entry | undefined => {
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= heap.length) break;
      const r = l + 1;
      const c = r < heap.length && before(heap[r]!, heap[l]!) ? r : l;
      const child = heap[c]!;
      if (!before(child, last)) break;
      heap[i] = child;
      i = c;
    }
    heap[i] = last;
    return top;
  };

  const disarm = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    if (immediate !== undefined) clearImmediate(immediate);
    timer = undefined;
    immediate = undefined;
    timerAtMs = Infinity;
  };

  // Make sure something wakes us for the earliest deadline. An armed timer that fires earlier than
  // needed is left alone: it costs one spurious wake-up, cheaper than clearing and re-creating it.
  const arm = (): void => {
    const top = heap[0];
    if (closed || draining || top === undefined || immediate !== undefined) return;
    if (timer !== undefined && timerAtMs <= top.atMs) return;
    disarm();
    const waitMs = top.atMs - now();
    if (waitMs <= 0) {
      immediate = setImmediate(drain);
    } else {
      timerAtMs = top.atMs;
      timer = setTimeout(drain, Math.ceil(waitMs));
    }
  };

  function drain(): void {
    timer = undefined;
    immediate = undefined;
    timerAtMs = Infinity;
    draining = true;
    try {
      let t = now();
      const sliceEndMs = t + DRAIN_SLICE_MS;
      let ran = 0;
      for (let top = heap[0]; top !== undefined && !closed; top = heap[0]) {
        if (top.atMs > t || (++ran & 63) === 0) {
          // Writing a batch takes time: look at the clock again before going back to sleep.
          t = now();
          if (top.atMs > t) break;
          // Overloaded: more is due than can be written. Let the event loop read its sockets (new
          // requests, a /metrics scrape, closed connections) every few ms, or they would starve.
          if (t > sliceEndMs) break;
        }
        pop();
        const fn = top.fn;
        if (fn === null) continue; // cancelled: dropped lazily, here
        top.fn = null;
        live--;
        fn();
      }
    } finally {
      draining = false;
      arm();
    }
  }

  return {
    at(atMs, fn) {
      const entry: Entry = { atMs, seq: seq++, fn: closed ? null : fn };
      if (closed) return entry;
      live++;
      push(entry);
      if (heap[0] === entry) arm();
      return entry;
    },
    cancel(handle) {
      const entry = handle as Entry;
      if (entry.fn === null) return;
      entry.fn = null;
      live--;
    },
    get pending() {
      return live;
    },
    close() {
      closed = true;
      disarm();
      for (const e of heap) e.fn = null;
      heap.length = 0;
      live = 0;
    },
  };
}
