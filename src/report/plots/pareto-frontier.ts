/**
 * The Pareto frontier of a latency / throughput scatter: the points no other point beats on both
 * counts (lower-or-equal x and higher-or-equal y, one of them strictly). Joined in order of x, it is
 * the best trade-off the run achieved: to go faster you must give up throughput, and the reverse.
 *
 * Sort by x ascending (ties: best y first), then sweep keeping the best y seen so far; a point is on
 * the frontier exactly when its y beats every point with smaller x. O(n log n). Along the result both
 * x and y increase strictly. Among points that coincide only the first (lowest index) is kept, so the
 * joining line has no zero-length segments. Points with a non-finite coordinate are ignored.
 *
 * @param x the coordinate to minimise (latency)
 * @param y the coordinate to maximise (throughput)
 */
export function paretoFrontier<T>(items: readonly T[], x: (item: T) => number, y: (item: T) => number): T[] {
  const order: number[] = [];
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as T;
    if (Number.isFinite(x(item)) && Number.isFinite(y(item))) order.push(i);
  }
  const xs = order.map((i) => x(items[i] as T));
  const ys = order.map((i) => y(items[i] as T));
  const rank = order.map((_, k) => k);
  rank.sort((a, b) => (xs[a] as number) - (xs[b] as number) || (ys[b] as number) - (ys[a] as number) || a - b);
  const frontier: T[] = [];
  let bestY = -Infinity;
  for (const k of rank) {
    if ((ys[k] as number) > bestY) {
      bestY = ys[k] as number;
      frontier.push(items[order[k] as number] as T);
    }
  }
  return frontier;
}
