/** From `tMs` on (until the next step), `count` requests were in flight. */
export interface Step {
  tMs: number;
  count: number;
}

/**
 * Requests in flight over time, as the client saw them: each request counts from the moment it was
 * handed to the connection (sentAtMs) until its response ended (endAtMs). A sweep over the 2n events
 * sorted by time, one step per distinct instant. When a request ends at the very instant another is
 * sent the end is taken first: the slot was handed over, the count did not briefly rise by one.
 */
export function inFlightSteps(intervals: readonly { startMs: number; endMs: number }[]): Step[] {
  const events: [number, number][] = [];
  for (const { startMs, endMs } of intervals) {
    events.push([startMs, +1], [Math.max(startMs, endMs), -1]);
  }
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const steps: Step[] = [];
  let count = 0;
  for (let i = 0; i < events.length; i++) {
    const [t, d] = events[i] as [number, number];
    count += d;
    const next = events[i + 1];
    if (next && next[0] === t) continue;
    steps.push({ tMs: t, count });
  }
  return steps;
}

/**
 * A long step series reduced to one point per bin of `binMs`: the highest count reached in the bin
 * (including the count carried in from before it), so a short burst stays visible however many steps
 * are folded. Bins run from 0 to the last step.
 */
export function maxPerBin(steps: readonly Step[], binMs: number): Step[] {
  if (steps.length === 0) return [];
  const last = (steps[steps.length - 1] as Step).tMs;
  const n = Math.floor(last / binMs) + 1;
  const out: Step[] = [];
  let s = 0;
  let carried = 0;
  for (let b = 0; b < n; b++) {
    const end = (b + 1) * binMs;
    let max = carried;
    while (s < steps.length && (steps[s] as Step).tMs < end) {
      const step = steps[s] as Step;
      max = Math.max(max, step.count);
      carried = step.count;
      s++;
    }
    out.push({ tMs: b * binMs, count: max });
  }
  return out;
}
