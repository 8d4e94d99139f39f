/**
 * A step function of total GPU memory over run time, for the CSV's `gpu_memory_mb`: the peak memory
 * sampled while a request was in flight. Readings of several devices arrive one by one; the total is
 * the sum of each device's latest reading. Pure (no clock): time comes with the readings.
 *
 * "While in flight" is [sentAtMs, endAtMs] plus the reading in effect when the request was sent (the
 * last one before it): a request shorter than the sampling interval still gets the memory of its time
 * rather than nothing.
 */
export interface MemoryTimeline {
  /** One device's reading, in time order (readings of different devices interleave). */
  add(tMs: number, device: number, usedMiB: number): void;
  /** Peak total MiB over [fromMs, toMs] and the reading in effect at fromMs; null before any reading. */
  peakBetween(fromMs: number, toMs: number): number | null;
}

export function createMemoryTimeline(): MemoryTimeline {
  let times = new Float64Array(1024);
  let totals = new Float64Array(1024);
  let n = 0;
  const latest = new Map<number, number>();
  let total = 0;
  return {
    add(tMs, device, usedMiB) {
      total += usedMiB - (latest.get(device) ?? 0);
      latest.set(device, usedMiB);
      if (n === times.length) {
        const grow = (a: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> => {
          const b = new Float64Array(a.length * 2);
          b.set(a);
          return b;
        };
        times = grow(times);
        totals = grow(totals);
      }
      // Out-of-order stamps (two threads' readings) are clamped: the series stays sorted for search.
      times[n] = n > 0 ? Math.max(tMs, times[n - 1] as number) : tMs;
      totals[n] = total;
      n++;
    },
    peakBetween(fromMs, toMs) {
      if (n === 0) return null;
      // Last reading at or before fromMs (binary search); the first one if all are later.
      let lo = 0;
      let hi = n - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if ((times[mid] as number) <= fromMs) lo = mid;
        else hi = mid - 1;
      }
      if ((times[lo] as number) > toMs) return null;
      let peak = totals[lo] as number;
      for (let i = lo + 1; i < n && (times[i] as number) <= toMs; i++) peak = Math.max(peak, totals[i] as number);
      return peak;
    },
  };
}
