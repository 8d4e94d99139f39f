/** Which slice of a trace to replay, and how fast. */
export interface TraceScheduleOptions {
  /**
   * Multiplies the trace's gaps: 2 replays twice as slow (half the request rate), 0.5 twice as
   * fast. Must be > 0.
   */
  timeScale: number;
  /** Seconds into the trace (from its first entry) where the replayed slice begins; default 0. */
  startS?: number;
  /** Length of the slice in trace seconds (before scaling); default: to the end of the trace. */
  windowS?: number;
}

/**
 * The send offset of one trace entry, in ms from the start of the replayed slice; null for an entry
 * before the slice (skip it); 'stop' for one at or past its end (timestamps never go backwards, so
 * no later entry is in it either: the reader can stop).
 */
export type TraceSendOffset = number | null | 'stop';

/**
 * Maps raw trace timestamps to send offsets: offset = (t - first - start) * timeScale, where
 * `first` is the timestamp of the trace's first entry (not of the slice's). The slice is the
 * half-open [start, start + window) in trace time, so consecutive windows neither overlap nor leave
 * a gap. The offset of the slice's first entry is 0 only if an entry sits exactly at its start.
 */
export function traceSchedule(o: TraceScheduleOptions): (rawTimestampMs: number, firstTimestampMs: number) => TraceSendOffset {
  if (!(o.timeScale > 0 && Number.isFinite(o.timeScale))) throw new RangeError(`timeScale must be a number > 0, got ${o.timeScale}`);
  const startMs = (o.startS ?? 0) * 1000;
  if (!(startMs >= 0 && Number.isFinite(startMs))) throw new RangeError(`startS must be a number >= 0, got ${o.startS}`);
  const endMs = o.windowS === undefined ? Infinity : startMs + o.windowS * 1000;
  if (!(endMs > startMs)) throw new RangeError(`windowS must be a number > 0, got ${o.windowS}`);
  return (rawTimestampMs, firstTimestampMs) => {
    const sinceFirst = rawTimestampMs - firstTimestampMs;
    if (sinceFirst < startMs) return null;
    if (sinceFirst >= endMs) return 'stop';
    return (sinceFirst - startMs) * o.timeScale;
  };
}
