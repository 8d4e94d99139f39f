import { LlmloadError } from '../../errors.js';
import { deriveSeed } from '../arrival/rng.js';
import { analyzeSample, type RunAnalysis } from './bootstrap.js';
import { compareAnalyses, type MetricComparison } from './compare-pair.js';
import { COMPARE_METRICS } from './compare-metrics.js';
import { checkThresholds, familyConfidence, type FailOnThreshold, type GateCheck } from './fail-on.js';
import { describeOffered, matchLevels, type OfferedLoad } from './level-match.js';
import type { RunSample } from './run-sample.js';
import { describeDifference, diffWorkloads, workloadOf, WorkloadMismatchError, type WorkloadField } from './workload-check.js';

/** One run to compare: its name (the folder), its saved configuration and its counted requests. */
export interface CompareRunInput {
  name: string;
  config: Record<string, unknown>;
  sample: RunSample;
  /** Warm-up requests found in the run and left out. */
  warmupExcluded: number;
}

/** One sweep to compare: its shared workload and its levels, each a run. */
export interface CompareSweepInput {
  name: string;
  workload: Record<string, unknown>;
  levels: { offered: OfferedLoad; run: CompareRunInput }[];
}

export interface CompareOptions {
  resamples: number;
  confidence: number;
  /** Seed of the resampling; each run's stream is derived from it, so the output is reproducible. */
  seed: number;
  failOn: readonly FailOnThreshold[];
  /** Compare despite workload (or level set) differences; each becomes a warning. */
  force: boolean;
}

export interface RunRef {
  name: string;
  requests: number;
  warmupExcluded: number;
  durationS: number;
}

/** Run B (candidate) against run A (baseline), at one level for sweeps. */
export interface PairReport {
  baseline: RunRef;
  candidate: RunRef;
  /** The sweep level ("rate 5 req/s"), null for plain runs. */
  level: string | null;
  metrics: MetricComparison[];
  gate: GateCheck[];
}

export interface CompareReport {
  kind: 'runs' | 'sweeps';
  method: {
    resamples: number;
    confidence: number;
    seed: number;
    /** Checks the gate made in all (thresholds x pairs); each was judged at gateConfidence. */
    gateChecks: number;
    gateConfidence: number | null;
  };
  /** Folder names, the baseline first. */
  inputs: string[];
  pairs: PairReport[];
  /** Differences accepted with --force, levels left unmatched, and the like. */
  warnings: string[];
  /**
   * How many 'better'/'worse' verdicts chance alone would give if nothing changed: metrics x pairs x
   * (1 - confidence). The verdicts are per metric, not corrected for their number; the gate is.
   */
  expectedFalseAlarms: number;
  /** Some gate check failed: the CLI exits 1. */
  failed: boolean;
}

/** Fewest resamples beyond each end of the gate's intervals for those ends to be worth reading. */
const MIN_TAIL_RESAMPLES = 10;

/** The workload fields compared between sweeps: the rate and the cap are per level there. */
const SWEEP_FIELDS: readonly WorkloadField[] = ['arrival', 'wordLambda', 'maxTokens', 'model', 'api'];

/**
 * Compare runs: each against the first (the baseline). Throws WorkloadMismatchError when their
 * workloads differ, unless `force`. Pure: the same inputs and options give the same report.
 */
export function compareRuns(runs: readonly CompareRunInput[], opts: CompareOptions): CompareReport {
  if (runs.length < 2) throw new RangeError('a comparison needs at least two runs');
  const warnings = checkWorkloads(runs.map((r) => ({ name: r.name, config: r.config })), opts.force);
  const analyses = runs.map((r, i) => analyze(r, opts, `run ${i}`));
  const family = opts.failOn.length * (runs.length - 1);
  const pairs = runs.slice(1).map((r, i) => pair(runs[0]!, analyses[0]!, r, analyses[i + 1]!, null, opts, family));
  return report('runs', runs.map((r) => r.name), pairs, warnings, opts, family);
}

/**
 * Compare sweeps level by level, levels paired by offered load, each sweep against the first. Throws
 * WorkloadMismatchError when the shared workloads or the level sets differ, unless `force` (then
 * only the levels both have are compared).
 */
export function compareSweeps(sweeps: readonly CompareSweepInput[], opts: CompareOptions): CompareReport {
  if (sweeps.length < 2) throw new RangeError('a comparison needs at least two sweeps');
  const base = sweeps[0]!;
  const problems: string[] = [];
  const matches = sweeps.slice(1).map((s) => {
    for (const d of diffWorkloads(workloadOf(base.workload), workloadOf(s.workload), SWEEP_FIELDS)) problems.push(describeDifference(d, base.name, s.name));
    const m = matchLevels(base.levels, s.levels);
    for (const l of m.onlyA) problems.push(`level ${describeOffered(l.offered)} is in ${base.name} but not in ${s.name}`);
    for (const l of m.onlyB) problems.push(`level ${describeOffered(l.offered)} is in ${s.name} but not in ${base.name}`);
    return m.matched;
  });
  if (problems.length && !opts.force) throw new WorkloadMismatchError(problems);
  if (matches.some((m) => m.length === 0)) {
    // Even with --force: a comparison of nothing must not pass a --fail-on gate.
    throw new LlmloadError(
      'LLMLOAD_CONFIG_INVALID',
      'no level is in both sweeps, so there is nothing to compare (automatic sweeps choose their rates from the maximum they measure, which differs from run to run: sweep with --rates or --concurrencies to compare sweeps)',
    );
  }
  const warnings = problems.map((p) => `${p} (compared anyway: --force)`);
  const family = opts.failOn.length * matches.reduce((n, m) => n + m.length, 0);
  const baseAnalyses = new Map<CompareRunInput, RunAnalysis>();
  const pairs: PairReport[] = [];
  matches.forEach((matched, si) => {
    for (const { a, b } of matched) {
      const key = describeOffered(a.offered);
      // Each level's runs must share their own workload too (its rate and cap).
      warnings.push(...checkWorkloads([{ name: a.run.name, config: a.run.config }, { name: b.run.name, config: b.run.config }], opts.force));
      let analysisA = baseAnalyses.get(a.run);
      if (!analysisA) baseAnalyses.set(a.run, (analysisA = analyze(a.run, opts, `${key} sweep 0`)));
      const analysisB = analyze(b.run, opts, `${key} sweep ${si + 1}`);
      pairs.push(pair(a.run, analysisA, b.run, analysisB, key, opts, family));
    }
  });
  return report('sweeps', sweeps.map((s) => s.name), pairs, warnings, opts, family);
}

function checkWorkloads(runs: readonly { name: string; config: Record<string, unknown> }[], force: boolean): string[] {
  const base = runs[0]!;
  const problems = runs
    .slice(1)
    .flatMap((r) => diffWorkloads(workloadOf(base.config), workloadOf(r.config)).map((d) => describeDifference(d, base.name, r.name)));
  if (problems.length && !force) throw new WorkloadMismatchError(problems);
  return problems.map((p) => `${p} (compared anyway: --force)`);
}

function analyze(run: CompareRunInput, opts: CompareOptions, stream: string): RunAnalysis {
  return analyzeSample(run.sample, { resamples: opts.resamples, seed: deriveSeed(opts.seed, stream) });
}

function ref(run: CompareRunInput): RunRef {
  return { name: run.name, requests: run.sample.count, warmupExcluded: run.warmupExcluded, durationS: run.sample.durationS };
}

function pair(
  a: CompareRunInput,
  analysisA: RunAnalysis,
  b: CompareRunInput,
  analysisB: RunAnalysis,
  level: string | null,
  opts: CompareOptions,
  family: number,
): PairReport {
  return {
    baseline: ref(a),
    candidate: ref(b),
    level,
    metrics: compareAnalyses(analysisA, analysisB, opts.confidence),
    gate: checkThresholds(opts.failOn, analysisA, analysisB, familyConfidence(opts.confidence, family)),
  };
}

function report(
  kind: CompareReport['kind'],
  inputs: string[],
  pairs: PairReport[],
  warnings: string[],
  opts: CompareOptions,
  family: number,
): CompareReport {
  const gateConfidence = family > 0 ? familyConfidence(opts.confidence, family) : null;
  // A percentile interval's end is read between resamples; with only a handful in the tail it jumps about.
  const tail = gateConfidence === null ? Infinity : ((1 - gateConfidence) / 2) * opts.resamples;
  if (tail < MIN_TAIL_RESAMPLES) {
    const enough = Math.ceil(MIN_TAIL_RESAMPLES / ((1 - (gateConfidence as number)) / 2) / 1000) * 1000;
    warnings.push(
      `the gate judges each of its ${family} checks at ${(100 * (gateConfidence as number)).toPrecision(4)}%, which leaves about ${tail.toFixed(1)} resamples beyond each end of an interval; use --resamples ${enough} or more for stable verdicts`,
    );
  }
  return {
    kind,
    method: {
      resamples: opts.resamples,
      confidence: opts.confidence,
      seed: opts.seed,
      gateChecks: family,
      gateConfidence,
    },
    inputs,
    pairs,
    warnings,
    expectedFalseAlarms: COMPARE_METRICS.length * pairs.length * (1 - opts.confidence),
    failed: pairs.some((p) => p.gate.some((g) => g.failed)),
  };
}
