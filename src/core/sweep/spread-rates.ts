/**
 * The offered rates of an automatic sweep, given the maximum throughput a closed-loop probe measured:
 * `count` rates spread evenly from a low rate up to just past the maximum (`overshoot`, default 10 %
 * past it), as GuideLLM's sweep and inference-benchmarker spread theirs between their synchronous and
 * throughput runs. The levels just below and past the maximum are the ones that show the knee.
 *
 * The low end is max/count (a tenth of the maximum at most): low enough that the server is idle most
 * of the time, so the first level shows the latency of an unloaded server.
 */
export function spreadRates(maxRatePerSec: number, count: number, overshoot = 0.1): number[] {
  if (!(maxRatePerSec > 0) || !Number.isFinite(maxRatePerSec)) throw new RangeError(`maximum rate must be a positive number, got ${maxRatePerSec}`);
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`count must be a whole number >= 1, got ${count}`);
  const hi = maxRatePerSec * (1 + overshoot);
  if (count === 1) return [roundRate(hi)];
  const lo = maxRatePerSec * Math.min(0.1, 1 / count);
  return Array.from({ length: count }, (_, i) => roundRate(lo + ((hi - lo) * i) / (count - 1)));
}

/** Rates as a user would type them: three significant figures. */
export function roundRate(r: number): number {
  return Number(r.toPrecision(3));
}
