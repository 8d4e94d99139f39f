/**
 * Sweeps against the realistic simulator, over real loopback HTTP: the knee is where the simulator's
 * model puts it, --find-max-rate agrees with a dense manual sweep to within its stated precision, and
 * a level far past saturation is stopped early with its reason.
 *
 * The simulator runs Llama 3.1 8B on an H100 with at most 2 sequences per batch and 16-token outputs:
 * a server of about 19 requests/s, small enough that every level takes two seconds.
 */
import { describe, expect, it } from 'vitest';
import { parseRunConfig } from '../src/config/parse-run-config.js';
import { parseSlo } from '../src/core/slo/parse-slo.js';
import type { SweepResult } from '../src/core/sweep/sweep-result.js';
import { levelHeld, runSweep, type SweepPlan } from '../src/runner/run-sweep.js';
import { simulateEngine } from '../src/sim/engine/simulate.js';
import { parseSimOptions, resolveSimConfig } from '../src/sim/sim-options.js';

const SIM = { maxNumSeqs: 2, outputTokens: 16, stepJitter: 0 };

/** The model's own maximum throughput: a burst far larger than the batch, in virtual time. */
function modelCapacityPerSec(): number {
  const resolved = resolveSimConfig(parseSimOptions(SIM));
  if (resolved.latency.kind !== 'batched') throw new Error('expected the batched engine');
  const n = 400;
  // Prompts of ~15 words are ~20-30 cl100k tokens; the decode steps dominate either way.
  const r = simulateEngine(resolved.latency.engine, Array.from({ length: n }, () => ({ atMs: 0, promptTokens: 25, outputTokens: 16 })));
  return (n / r.endMs) * 1000;
}

function sweep(plan: SweepPlan, o: { durationSec?: number; slo?: string; seed?: number } = {}): Promise<SweepResult> {
  return runSweep({
    config: parseRunConfig({ seed: o.seed ?? 3, durationSec: o.durationSec ?? 2, totalRequests: 100_000, maxConcurrency: 1000, maxTokens: 16, graceSec: 1 }),
    plan,
    slo: o.slo ? parseSlo(o.slo) : null,
    minAttainment: 0.9,
    stopOverSaturated: true,
    simulator: SIM,
  });
}

describe('llmload sweep against the simulator', () => {
  const capacity = modelCapacityPerSec();

  it('finds the knee where the model puts it: the probe measures the capacity, the rates past it plateau and queue', async () => {
    expect(capacity).toBeGreaterThan(10);
    expect(capacity).toBeLessThan(40);
    const s = await sweep({ kind: 'auto', levels: 4, probeConcurrency: 8 });
    expect(s.maxThroughput).not.toBeNull();
    const probe = s.maxThroughput?.requestsPerSec as number;
    // Never above the model's capacity; below it by what HTTP, timers and the last requests' tail cost,
    // and by CPU: the simulator's steps are real timers, late when the machine is busy (on an idle
    // machine the probe measured 2.6 % under the model; under a load average of 15, 20 %).
    expect(probe).toBeLessThan(capacity * 1.05);
    expect(probe).toBeGreaterThan(capacity * 0.7);
    expect(s.levels).toHaveLength(4);
    const offered = s.levels.map((l) => (l.offered.kind === 'rate' ? l.offered.ratePerSec : NaN));
    expect(offered.at(-1)).toBeCloseTo(probe * 1.1, 0);
    const top = s.levels.at(-1) as SweepResult['levels'][number];
    const bottom = s.levels[0] as SweepResult['levels'][number];
    // Past the knee the server cannot do more than its capacity...
    expect(top.achievedRatePerSec).toBeLessThan(capacity * 1.08);
    // ...and requests queue: the first token comes far later than on the idle server.
    expect(top.summary.ttftMs?.p90 as number).toBeGreaterThan(3 * (bottom.summary.ttftMs?.p90 as number));
    // Every level's requests are accounted for.
    for (const l of s.levels) expect(l.summary.requests.total).toBeGreaterThan(0);
  }, 120_000);

  it('--find-max-rate lands within its precision of the answer of a dense manual sweep', async () => {
    const slo = 'ttft_p90_ms=120';
    const precision = 1.5;
    const found = await sweep({ kind: 'find-max-rate', probeConcurrency: 8, precisionPerSec: precision, maxTrials: 8 }, { slo });
    const m = found.maxRate;
    expect(m).not.toBeNull();
    expect(m?.rate).not.toBeNull();
    const answer = m?.rate as number;
    expect((m?.upper as number) - answer).toBeLessThanOrEqual(precision);

    // The dense sweep: a grid a precision apart across the bracket, with an anchor well below it
    // (must hold) and one well above (must fail).
    const grid = [answer * 0.5];
    for (let r = answer - 2 * precision; r <= (m?.upper as number) + 2 * precision + 1e-9; r += precision) grid.push(Number(r.toFixed(2)));
    grid.push(capacity * 1.3);
    const dense = await sweep({ kind: 'rates', rates: grid }, { slo });
    const spec = parseSlo(slo);
    const held = dense.levels.map((l) => levelHeld(l, spec, 0.9));
    expect(held[0]).toBe(true);
    expect(held.at(-1)).toBe(false);
    // The dense answer: the highest grid rate below the first failure.
    const firstFail = held.indexOf(false);
    const denseAnswer = grid[firstFail - 1] as number;
    expect(Math.abs(denseAnswer - answer)).toBeLessThanOrEqual(precision + 1e-9);
  }, 240_000);

  it('stops a level far past saturation early, with the reason, and keeps its records', async () => {
    const s = await sweep({ kind: 'rates', rates: [Math.round(capacity * 2.5)] }, { durationSec: 30 });
    const level = s.levels[0] as SweepResult['levels'][number];
    expect(level.stoppedEarly?.reason).toMatch(/over saturation/);
    // The simulator's /metrics is scraped: its waiting queue is quoted as evidence.
    expect(level.stoppedEarly?.reason).toMatch(/the server's waiting queue went from \d+ to \d+ \(peak \d+\)/);
    // Well before the level's 30 s.
    expect(level.summary.durationS).toBeLessThan(25);
    expect(level.summary.requests.total).toBeGreaterThan(50);
  }, 120_000);

  it('cuts a level whose requests hang past its drain limit, instead of waiting for the request timeout', async () => {
    const s = await runSweep({
      config: parseRunConfig({ seed: 3, durationSec: 1, totalRequests: 100_000, maxConcurrency: 100, maxTokens: 4, graceSec: 0.2, requestTimeoutSec: 600 }),
      plan: { kind: 'rates', rates: [10] },
      slo: null,
      minAttainment: 0.9,
      stopOverSaturated: true,
      drainSec: 1,
      // A fifth of the requests stall: the server never finishes them.
      simulator: { profile: 'fixed', ttftMs: 5, itlMs: 5, faultRate: 0.2, faults: ['stall'] },
    });
    const level = s.levels[0] as SweepResult['levels'][number];
    expect(level.stoppedEarly?.reason).toMatch(/request\(s\) were still in flight 1 s after the level's 1 s/);
    // Over in about duration + drain + grace, not 600 s.
    expect(level.summary.durationS).toBeLessThan(10);
    expect(level.summary.requests.errorsByKind.aborted).toBeGreaterThan(0);
    expect(level.summary.requests.completed).toBeGreaterThan(0);
  }, 60_000);
});
