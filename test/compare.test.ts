/**
 * The comparison's statistics and its folder handling, without a server: bootstrap intervals that
 * cover the truth as often as they claim, verdicts that read each metric's direction, warm-up records
 * left out, the workload check, and sweeps compared level by level.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareFolders } from '../src/cli/compare-folders.js';
import { createRng, deriveSeed } from '../src/core/arrival/rng.js';
import { analyzeSample, BOOTSTRAP_DEFAULTS } from '../src/core/compare/bootstrap.js';
import { compareAnalyses, type MetricComparison } from '../src/core/compare/compare-pair.js';
import { compareRuns, type CompareOptions } from '../src/core/compare/compare-runs.js';
import { parseFailOn } from '../src/core/compare/fail-on.js';
import { createRunSample, type SampleRequest } from '../src/core/compare/run-sample.js';
import { WorkloadMismatchError } from '../src/core/compare/workload-check.js';
import { LlmloadError } from '../src/errors.js';
import { loadCompareRun } from '../src/report/compare-load.js';
import { record } from './helpers/record-fixture.js';
import { writeRunFolder, writeSweepFolder, writeSyntheticCompareRun } from './helpers/compare-runs.js';
import { syntheticRecords, syntheticResult } from './helpers/synthetic-run.js';
import { tempDir } from './helpers/temp-dir.js';

const OPTS: CompareOptions = { ...BOOTSTRAP_DEFAULTS, failOn: [], force: false };

/** n successful requests whose TTFT, TPOT and latency are all `draw()`. */
function sampleOf(n: number, draw: () => number, durationS = 10): ReturnType<typeof createRunSample> {
  const reqs: SampleRequest[] = Array.from({ length: n }, () => {
    const v = draw();
    return { ok: true, ttftMs: v, tpotMs: v, latencyMs: v, outputTokens: 10 };
  });
  return createRunSample(reqs, durationS);
}

const byName = (ms: MetricComparison[], name: string): MetricComparison => ms.find((m) => m.metric === name)!;

describe('bootstrap intervals', () => {
  it('cover the true difference about as often as their confidence says (seeded trials, binomial tolerance)', () => {
    // A: Exponential(mean 10); B: the same scaled by 1.2. True differences: median 2 ln 2, p90 2 ln 10, mean 2.
    const trials = 150;
    const n = 100;
    const truth = { ttft_p50: 2 * Math.LN2, ttft_p90: 2 * Math.LN10, ttft_mean: 2 };
    const covered = { ttft_p50: 0, ttft_p90: 0, ttft_mean: 0 };
    for (let t = 0; t < trials; t++) {
      const rng = createRng(deriveSeed(42, `trial ${t}`));
      const exp = (): number => -10 * Math.log(1 - rng.next());
      const a = analyzeSample(sampleOf(n, exp), { resamples: 300, seed: deriveSeed(t, 'a') });
      const b = analyzeSample(sampleOf(n, () => 1.2 * exp()), { resamples: 300, seed: deriveSeed(t, 'b') });
      const ms = compareAnalyses(a, b, 0.95);
      for (const k of Object.keys(truth) as (keyof typeof truth)[]) {
        const ci = byName(ms, k).ci!;
        if (ci.low <= truth[k] && truth[k] <= ci.high) covered[k]++;
      }
    }
    // 95 % nominal; over 150 trials the count's sd is sqrt(150 * .95 * .05) = 2.7: allow 3.5 sd below.
    // Seeded, so the test is deterministic; the tolerance is what makes it a statement about the method.
    for (const k of Object.keys(covered) as (keyof typeof covered)[]) {
      expect(covered[k], k).toBeGreaterThanOrEqual(trials * 0.95 - 3.5 * Math.sqrt(trials * 0.95 * 0.05));
      expect(covered[k], k).toBeLessThanOrEqual(trials);
    }
  });

  it('narrow like 1/sqrt(n) and find a real 20% shift at n = 2000', () => {
    const rng = createRng(3);
    const exp = (): number => -10 * Math.log(1 - rng.next());
    const width = (n: number): number => {
      const ms = compareAnalyses(
        analyzeSample(sampleOf(n, exp), { resamples: 1000, seed: 1 }),
        analyzeSample(sampleOf(n, () => 1.2 * exp()), { resamples: 1000, seed: 2 }),
        0.95,
      );
      const ci = byName(ms, 'ttft_mean').ci!;
      if (n === 2000) expect(byName(ms, 'ttft_mean').verdict).toBe('worse');
      return ci.high - ci.low;
    };
    const ratio = width(500) / width(2000);
    expect(ratio).toBeGreaterThan(1.6);
    expect(ratio).toBeLessThan(2.5);
  });

  it('are reproducible from the seed, and another seed moves them only a little', () => {
    const rng = createRng(9);
    const reqs = Array.from({ length: 300 }, () => 5 + 10 * rng.next());
    const s = (): ReturnType<typeof createRunSample> => sampleOf(reqs.length, ((i) => () => reqs[i++ % reqs.length]!)(0));
    const run = (seed: number): MetricComparison[] =>
      compareRuns(
        [
          { name: 'a', config: {}, sample: s(), warmupExcluded: 0 },
          { name: 'b', config: {}, sample: s(), warmupExcluded: 0 },
        ],
        { ...OPTS, seed },
      ).pairs[0]!.metrics;
    expect(run(1)).toEqual(run(1));
    const [x, y] = [byName(run(1), 'ttft_p50').ci!, byName(run(2), 'ttft_p50').ci!];
    expect(x).not.toEqual(y);
    expect(Math.abs(x.high - y.high)).toBeLessThan(0.5 * (x.high - x.low));
  });
});

describe('verdicts', () => {
  it("read each metric's direction: slower is worse, more throughput is better, more errors are worse", () => {
    const rng = createRng(1);
    const mk = (scale: number, failEvery: number, tokens: number): ReturnType<typeof createRunSample> =>
      createRunSample(
        Array.from({ length: 2000 }, (_, i) => {
          const v = scale * (5 + 10 * rng.next());
          const ok = failEvery === 0 || i % failEvery !== 0;
          return { ok, ttftMs: v, tpotMs: v / 10, latencyMs: 10 * v, outputTokens: tokens };
        }),
        20,
      );
    const report = compareRuns(
      [
        { name: 'a', config: {}, sample: mk(1, 0, 10), warmupExcluded: 0 },
        { name: 'b', config: {}, sample: mk(1.5, 10, 20), warmupExcluded: 0 },
      ],
      { ...OPTS, resamples: 500 },
    );
    const ms = report.pairs[0]!.metrics;
    for (const k of ['ttft_p50', 'ttft_p99', 'tpot_mean', 'latency_p50', 'error_rate']) expect(byName(ms, k).verdict, k).toBe('worse');
    // Twice the tokens on 90 % of the requests: 1.8x the output throughput, but fewer requests completed.
    expect(byName(ms, 'output_throughput').verdict).toBe('better');
    expect(byName(ms, 'output_throughput').diffPct).toBeCloseTo(80, 6);
    expect(byName(ms, 'request_throughput').verdict).toBe('worse');
    expect(byName(ms, 'error_rate').diff).toBeCloseTo(10, 9); // percentage points
    expect(byName(ms, 'error_rate').diffPct).toBeNull(); // relative to 0 % is undefined
  });
});

describe('throughput intervals', () => {
  it('include the arrival process: a window is its requests\' arrival gaps plus the drain after the last', () => {
    // 400 requests of 10 tokens each, none failing: only the arrivals make throughput vary.
    // Exponential gaps (Poisson arrivals, mean 50 ms): the window of n gaps has a relative sd of
    // 1/sqrt(n) = 5 %, so the 95 % interval of the relative difference of two runs is about
    // +-1.96 * sqrt(2) * 5 % = +-13.9 %: 27.7 points wide.
    const rng = createRng(4);
    const run = (): ReturnType<typeof createRunSample> => {
      const gaps = Array.from({ length: 400 }, () => -50 * Math.log(1 - rng.next()));
      const reqs = gaps.map(() => ({ ok: true, ttftMs: 1, tpotMs: 1, latencyMs: 100, outputTokens: 10 }));
      return createRunSample(reqs, gaps.reduce((a, g) => a + g, 0) / 1000 + 0.1, gaps);
    };
    const [a, b] = [run(), run()];
    const ms = compareRuns(
      [
        { name: 'a', config: {}, sample: a, warmupExcluded: 0 },
        { name: 'b', config: {}, sample: b, warmupExcluded: 0 },
      ],
      OPTS,
    ).pairs[0]!.metrics;
    const out = byName(ms, 'output_throughput');
    expect(out.a).toBeCloseTo(4000 / a.durationS, 9); // the point estimate is the summary's figure
    const width = out.ciPct!.high - out.ciPct!.low;
    expect(width).toBeGreaterThan(20);
    expect(width).toBeLessThan(36);
    // Without gaps (everything sent at once) the window is held fixed and only the requests vary.
    const fixed = createRunSample([...Array(400)].map(() => ({ ok: true, ttftMs: 1, tpotMs: 1, latencyMs: 100, outputTokens: 10 })), 20);
    const same = compareRuns(
      [
        { name: 'a', config: {}, sample: fixed, warmupExcluded: 0 },
        { name: 'b', config: {}, sample: fixed, warmupExcluded: 0 },
      ],
      OPTS,
    ).pairs[0]!.metrics;
    expect(byName(same, 'output_throughput').ci).toEqual({ low: 0, high: 0 });
  });
});

describe('run folders', () => {
  it('give the point estimates summary.json has, and leave warm-up records out of every figure', async () => {
    const dir = tempDir();
    const records = syntheticRecords({ n: 120, failEvery: 7 });
    const clean = writeRunFolder(join(dir, 'clean'), syntheticResult(records, { n: 120 }), records);
    // The same run with five slow warm-up requests in front, marked as the runner marks them.
    const warm = Array.from({ length: 5 }, (_, i) => ({
      ...record({ seq: i, intendedAtMs: 0, readyAtMs: 0, dispatchedAtMs: 0, sentAtMs: 0, contentTimesMs: [5000], endAtMs: 9000 }),
      warmup: true as const,
    }));
    const shifted = records.map((r) => ({ ...r, seq: r.seq + 5 }));
    const withWarmup = writeRunFolder(join(dir, 'warm'), syntheticResult(records, { n: 120 }), [...warm, ...shifted]);

    const a = await loadCompareRun(clean);
    const summary = JSON.parse(readFileSync(join(clean, 'summary.json'), 'utf8')).summary;
    const point = compareRuns([a, a], OPTS).pairs[0]!.metrics;
    expect(byName(point, 'ttft_p50').a).toBeCloseTo(summary.ttftMs.p50, 2);
    expect(byName(point, 'latency_p99').a).toBeCloseTo(summary.latencyMs.p99, 2);
    expect(byName(point, 'tpot_mean').a).toBeCloseTo(summary.tpotMs.mean, 2);
    expect(byName(point, 'output_throughput').a).toBeCloseTo(summary.outputTokenThroughputPerSec, 2);
    expect(byName(point, 'request_throughput').a).toBeCloseTo(summary.requestThroughputPerSec, 2);
    expect(byName(point, 'error_rate').a).toBeCloseTo((100 * summary.requests.failed) / summary.requests.total, 9);

    const w = await loadCompareRun(withWarmup);
    expect(w.warmupExcluded).toBe(5);
    expect(w.sample.count).toBe(120);
    const both = compareRuns([a, w], OPTS).pairs[0]!.metrics;
    for (const m of both.filter((x) => x.unit === 'ms' || x.metric === 'error_rate')) expect(m.b, m.metric).toBe(m.a);
    // The window opens at the first counted dispatch after warm-up, as the summary's does.
    expect(w.sample.durationS).toBeCloseTo((Math.max(...records.map((r) => r.endAtMs)) - records[0]!.dispatchedAtMs) / 1000, 5);
  });

  it('of different workloads are refused, naming each field with both values, unless --force', async () => {
    const dir = tempDir();
    const a = writeSyntheticCompareRun(join(dir, 'a'), { n: 30 });
    const b = writeSyntheticCompareRun(join(dir, 'b'), { n: 30, seed: 8 }, { ratePerSec: 10, maxTokens: 64, endpoint: 'http://10.0.0.2:8000/v1/completions' });
    const err = await compareFolders([a, b], OPTS).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkloadMismatchError);
    expect((err as LlmloadError).code).toBe('LLMLOAD_CONFIG_INVALID');
    expect((err as WorkloadMismatchError).differences).toEqual([
      `ratePerSec differs: 20 (${a}) vs 10 (${b})`,
      `maxTokens differs: not set (${a}) vs 64 (${b})`,
    ]);
    // Seeds and endpoints may differ: repeated trials, a restarted server.
    const forced = await compareFolders([a, b], { ...OPTS, force: true });
    expect(forced.report.warnings).toEqual([
      `ratePerSec differs: 20 (${a}) vs 10 (${b}) (compared anyway: --force)`,
      `maxTokens differs: not set (${a}) vs 64 (${b}) (compared anyway: --force)`,
    ]);
    expect(forced.report.pairs).toHaveLength(1);
  });

  it('with more than two runs: each against the first', async () => {
    const dir = tempDir();
    const dirs = [1, 2, 3].map((s) => writeSyntheticCompareRun(join(dir, `r${s}`), { n: 40, seed: s }));
    const { report } = await compareFolders(dirs, { ...OPTS, resamples: 200 });
    expect(report.inputs).toEqual(dirs);
    expect(report.pairs.map((p) => [p.baseline.name, p.candidate.name])).toEqual([
      [dirs[0], dirs[1]],
      [dirs[0], dirs[2]],
    ]);
  });
});

describe('sweeps', () => {
  const rate = (r: number) => ({ kind: 'rate' as const, ratePerSec: r });
  const level = (r: number, seed: number) => ({ dir: `rate-${r}`, offered: rate(r), run: { n: 30, ratePerSec: r, seed } });

  it('are compared level by level, levels matched by offered load whatever their order', async () => {
    const dir = tempDir();
    const a = writeSweepFolder(join(dir, 'a'), [level(5, 1), level(10, 2)]);
    const b = writeSweepFolder(join(dir, 'b'), [level(10, 3), level(5, 4)]);
    const { report } = await compareFolders([a, b], { ...OPTS, resamples: 200 });
    expect(report.kind).toBe('sweeps');
    expect(report.pairs.map((p) => [p.level, p.baseline.name, p.candidate.name])).toEqual([
      ['rate 5 req/s', join(a, 'rate-5'), join(b, 'rate-5')],
      ['rate 10 req/s', join(a, 'rate-10'), join(b, 'rate-10')],
    ]);
  });

  it('with different level sets are refused unless --force, which compares the shared levels', async () => {
    const dir = tempDir();
    const a = writeSweepFolder(join(dir, 'a'), [level(5, 1), level(10, 2)]);
    const b = writeSweepFolder(join(dir, 'b'), [level(5, 3), level(20, 4)], { maxTokens: 32 });
    const err = (await compareFolders([a, b], OPTS).catch((e: unknown) => e)) as WorkloadMismatchError;
    expect(err).toBeInstanceOf(WorkloadMismatchError);
    expect(err.differences).toEqual([
      `maxTokens differs: not set (${a}) vs 32 (${b})`,
      `level rate 10 req/s is in ${a} but not in ${b}`,
      `level rate 20 req/s is in ${b} but not in ${a}`,
    ]);
    const { report } = await compareFolders([a, b], { ...OPTS, resamples: 200, force: true });
    expect(report.pairs.map((p) => p.level)).toEqual(['rate 5 req/s']);
    expect(report.warnings).toHaveLength(3);
  });

  it('do not mix with runs, and a level folder outside the sweep is not read', async () => {
    const dir = tempDir();
    const sweep = writeSweepFolder(join(dir, 's'), [level(5, 1)]);
    const run = writeSyntheticCompareRun(join(dir, 'r'), { n: 20 });
    const err = (await compareFolders([sweep, run], OPTS).catch((e: unknown) => e)) as LlmloadError;
    expect(err.code).toBe('LLMLOAD_CONFIG_INVALID');
    expect(err.message).toContain(`cannot compare a run with a sweep: "${sweep}" is a sweep folder (sweep.json), "${run}" is a run folder (summary.json)`);
    const json = JSON.parse(readFileSync(join(sweep, 'sweep.json'), 'utf8'));
    json.levels[0].dir = '../r';
    writeFileSync(join(sweep, 'sweep.json'), JSON.stringify(json));
    const escape = (await compareFolders([sweep, sweep], OPTS).catch((e: unknown) => e)) as LlmloadError;
    expect(escape.message).toContain('levels.0.dir: must be a folder inside the sweep folder');
  });
});

describe('the --fail-on gate never passes on nothing', () => {
  it('fails a budget whose figure the candidate lacks (every request failed) while the baseline has it', async () => {
    const dir = tempDir();
    const good = writeSyntheticCompareRun(join(dir, 'good'), { n: 60 });
    // Every request failed: no TTFT at all.
    const records = syntheticRecords({ n: 60, failEvery: 1 });
    const broken = writeRunFolder(join(dir, 'broken'), syntheticResult(records, { n: 60 }), records);
    const { report } = await compareFolders([good, broken], { ...OPTS, resamples: 200, failOn: parseFailOn('ttft_p99=+10%') });
    const check = report.pairs[0]!.gate[0]!;
    expect(check.missingInCandidate).toBe(true);
    expect(check.failed).toBe(true);
    expect(report.failed).toBe(true);
  });

  it('refuses two sweeps with no level in common, even with --force', async () => {
    const dir = tempDir();
    const level = (r: number, seed: number) => ({ dir: `rate-${r}`, offered: { kind: 'rate' as const, ratePerSec: r }, run: { n: 30, ratePerSec: r, seed } });
    const a = writeSweepFolder(join(dir, 'a'), [level(2.29, 1), level(13.7, 2)]);
    const b = writeSweepFolder(join(dir, 'b'), [level(2.7, 3), level(16.2, 4)]);
    const err = (await compareFolders([a, b], { ...OPTS, resamples: 200, force: true, failOn: parseFailOn('ttft_p99=+1%') }).catch((e: unknown) => e)) as LlmloadError;
    expect(err).toBeInstanceOf(LlmloadError);
    expect(err.message).toContain('no level is in both sweeps');
  });
});

