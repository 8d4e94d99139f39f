import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command } from 'commander';
import { BOOTSTRAP_DEFAULTS } from '../core/compare/bootstrap.js';
import type { CompareOptions } from '../core/compare/compare-runs.js';
import { parseFailOn, type FailOnThreshold } from '../core/compare/fail-on.js';
import { ConfigError, type ConfigProblem } from '../errors.js';
import { COMPARE_FILES, renderCompareJson, renderCompareMarkdown } from '../report/compare-markdown.js';
import { renderCompareTable } from '../report/compare-table.js';
import { parseNumberFlag } from './argv.js';
import { compareFolders } from './compare-folders.js';
import type { CliIo } from './io.js';

interface CompareFlags {
  resamples?: string;
  confidence?: string;
  seed?: string;
  failOn?: string;
  force?: boolean;
  json?: boolean;
  out?: string;
}

/**
 * `llmload compare RUN_A RUN_B [RUN ...]`: each run (or sweep) against the first, every headline metric
 * with its difference, a bootstrap confidence interval and a verdict. Exit 1 when a --fail-on budget
 * is exceeded by a significant regression, 2 for bad input (including runs of different workloads
 * without --force), 0 otherwise.
 */
export function compareCommand(io: CliIo): Command {
  return new Command('compare')
    .description('compare saved runs (or sweeps) against the first: differences, bootstrap confidence intervals, verdicts')
    .argument('<BASELINE>', 'run folder (or sweep folder) to compare against')
    .argument('<OTHER...>', 'one or more run folders (or sweep folders) of the same workload')
    .option('--resamples <n>', `bootstrap resamples per run (default ${BOOTSTRAP_DEFAULTS.resamples})`)
    .option('--confidence <c>', `confidence level of the intervals, between 0 and 1 (default ${BOOTSTRAP_DEFAULTS.confidence})`)
    .option('--seed <n>', `seed of the resampling: the same seed gives the same intervals (default ${BOOTSTRAP_DEFAULTS.seed})`)
    .option('--fail-on <budgets>', 'exit 1 on a significant regression past a budget, e.g. ttft_p99=+10%,tpot_p50=+5%,output_throughput=-5%,error_rate=+1pp')
    .option('--force', 'compare runs whose workloads (or sweep levels) differ, with a warning per difference')
    .option('--json', 'print the comparison as JSON instead of the table')
    .option('--out <dir>', `also write ${COMPARE_FILES.json} and ${COMPARE_FILES.markdown} to this folder`)
    .action(async (baseline: string, others: string[], flags: CompareFlags) => {
      const opts = parseCompareFlags(flags);
      const { report, notes } = await compareFolders([baseline, ...others], opts);
      for (const w of [...report.warnings, ...notes]) io.stderr.write(`llmload: warning: ${w}\n`);
      io.stdout.write(flags.json ? renderCompareJson(report) : renderCompareTable(report));
      if (flags.out !== undefined) {
        await mkdir(flags.out, { recursive: true });
        await writeFile(join(flags.out, COMPARE_FILES.json), renderCompareJson(report));
        await writeFile(join(flags.out, COMPARE_FILES.markdown), renderCompareMarkdown(report));
        io.stderr.write(`llmload: comparison written to ${join(flags.out, COMPARE_FILES.json)} and ${COMPARE_FILES.markdown}\n`);
      }
      for (const failed of report.pairs.flatMap((p) => p.gate.filter((g) => g.failed).map((g) => ({ p, g })))) {
        io.stderr.write(`llmload: regression: ${failed.g.threshold.spec} failed for ${failed.p.candidate.name}${failed.p.level ? ` at ${failed.p.level}` : ''}\n`);
      }
      io.exitCode = report.failed ? 1 : 0;
    });
}

/** The flags as CompareOptions, every problem reported at once, each under its flag. */
export function parseCompareFlags(flags: CompareFlags): CompareOptions {
  const problems: ConfigProblem[] = [];
  const int = (flag: string, raw: string | undefined, min: number, max: number, fallback: number): number => {
    const v = parseNumberFlag(flag, raw, problems);
    if (v === undefined) return fallback;
    if (!Number.isInteger(v) || v < min || v > max) problems.push({ field: flag, message: `must be a whole number from ${min} to ${max}, got ${raw}` });
    return v;
  };
  const resamples = int('--resamples', flags.resamples, 100, 1_000_000, BOOTSTRAP_DEFAULTS.resamples);
  const seed = int('--seed', flags.seed, 0, Number.MAX_SAFE_INTEGER, BOOTSTRAP_DEFAULTS.seed);
  const confidence = parseNumberFlag('--confidence', flags.confidence, problems) ?? BOOTSTRAP_DEFAULTS.confidence;
  if (!(confidence >= 0.5 && confidence < 1)) {
    problems.push({ field: '--confidence', message: `must be at least 0.5 and below 1, e.g. 0.95 or 0.99; got ${flags.confidence}` });
  }
  let failOn: FailOnThreshold[] = [];
  if (flags.failOn !== undefined) {
    try {
      failOn = parseFailOn(flags.failOn);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      problems.push(...err.problems);
    }
  }
  if (problems.length) throw new ConfigError(problems);
  return { resamples, confidence, seed, failOn, force: flags.force === true };
}
