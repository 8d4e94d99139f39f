/**
 * Work that must happen but must not delay a timestamp: parsing a finished response, summarising and
 * writing its record. Jobs run on the event loop's check phase in slices of at most `sliceMs`, so
 * between slices the loop returns to I/O and stamps the chunks that arrived meanwhile.
 *
 * Why: when many streams end together (a burst of equal-length requests does that), parsing them all
 * in one go blocks the loop for hundreds of milliseconds, and every chunk of every other stream that
 * arrives during that time would be stamped late. Sliced, the same work costs the same CPU but no
 * stamp waits more than about one slice.
 */
export interface DeferredWork {
  /** Queue a job; it runs in FIFO order. Errors are returned through the promise. */
  run<T>(job: () => T): Promise<T>;
  readonly pending: number;
}

export function createDeferredWork(now: () => number, sliceMs = 1): DeferredWork {
  let jobs: (() => void)[] = [];
  let head = 0;
  let scheduled = false;
  const drain = (): void => {
    scheduled = false;
    const until = now() + sliceMs;
    // At least one job per slice, however long it takes, so the queue always moves.
    do {
      const job = jobs[head] as () => void;
      jobs[head++] = undefined as never;
      job();
    } while (head < jobs.length && now() < until);
    if (head >= jobs.length) {
      jobs = [];
      head = 0;
    } else schedule();
  };
  const schedule = (): void => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(drain);
  };
  return {
    run<T>(job: () => T): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        jobs.push(() => {
          try {
            resolve(job());
          } catch (err) {
            reject(err);
          }
        });
        schedule();
      });
    },
    get pending() {
      return jobs.length - head;
    },
  };
}
