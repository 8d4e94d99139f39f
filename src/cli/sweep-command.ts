import { existsSync, mkdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command } from 'commander';
import type { RunConfig } from '../config/run-config.js';
import { parseSlo } from '../core/slo/parse-slo.js';
import type { SloSpec } from '../core/slo/slo-types.js';
import { SWEEP_FILE, type SweepResult } from '../core/sweep/sweep-result.js';
import { ConfigError, type ConfigProblem } from '../errors.js';
import { renderSweepSummaryTable } from '../report/sweep-summary-table.js';
import type { RunResult } from '../runner/run-benchmark.js';
import { levelHeld, runSweep, type SweepPlan } from '../runner/run-sweep.js';
import { parseNumberFlag } from './argv.js';
import type { CliIo } from './io.js';
import { defaultOutDir } from './output-dir.js';
import { writeRunReport, writeSweepReport } from './plot-command.js';
import { createRunWriter, type RunWriter } from './run-writer.js';
import { addWorkloadOptions, parseHeaderFlags, extraArgumentProblems, parseWorkloadFlags, simulatorOptions, type WorkloadFlags } from './workload-flags.js';

interface SweepFlags extends WorkloadFlags {
  rates?: string;
  concurrencies?: string;
  levels?: string;
  probeConcurrency?: string;
  findMaxRate?: boolean;
  precision?: string;
  maxTrials?: string;
  slo?: string;
  minAttainment?: string;
  earlyStop: boolean;
}

/**
 * Per-level defaults of a sweep. A level must be long enough to reach a steady state and show a
 * queue growing, so it is measured in time: 30 s, at most 1000 requests. The client's cap is high
 * (1000) so that the server, not the client, is what saturates; a closed-loop probe at 256 in flight
 * (vLLM's default max_num_seqs) measures the maximum throughput.
 */
const SWEEP_DEFAULTS = { durationSec: 30, totalRequests: 1000, maxConcurrency: 1000, levels: 6, probeConcurrency: 256, maxTrials: 10, minAttainment: 0.9 };

export function sweepCommand(io: CliIo): Command {
  const cmd = new Command('sweep')
    .description('run one workload at several loads: explicit rates or concurrencies, an automatic spread up to the maximum throughput, or a search for the highest rate that meets --slo')
    .option('--rates <list>', 'Poisson rates to run, req/s, e.g. 1,2,4,8')
    .option('--concurrencies <list>', 'closed-loop levels: requests kept in flight, e.g. 1,8,32,128')
    .option('--levels <n>', `automatic sweep (neither list given): how many rates to spread up to just past the maximum throughput (default ${SWEEP_DEFAULTS.levels})`)
    .option('--probe-concurrency <n>', `concurrency of the closed-loop probe of the maximum throughput (default ${SWEEP_DEFAULTS.probeConcurrency})`)
    .option('--find-max-rate', 'search for the highest rate at which every --slo objective holds (bracketing, then bisection)')
    .option('--precision <req/s>', 'with --find-max-rate: stop when the answer is bracketed this tightly (default 5% of the maximum throughput)')
    .option('--max-trials <n>', `with --find-max-rate: most levels the search may run (default ${SWEEP_DEFAULTS.maxTrials})`)
    .option('--slo <spec>', 'objectives, e.g. ttft_ms=500,tpot_ms=50,latency_ms=20000 (per request) and ttft_p99_ms=800 (percentiles)')
    .option('--min-attainment <share>', `with per-request limits: share of requests that must meet them for a level to pass (default ${SWEEP_DEFAULTS.minAttainment})`)
    .option('--no-early-stop', 'run every level to its end, even one clearly past saturation');
  return addWorkloadOptions(cmd, { totalRequests: `${SWEEP_DEFAULTS.totalRequests} per level, with --duration ${SWEEP_DEFAULTS.durationSec}`, maxConcurrency: String(SWEEP_DEFAULTS.maxConcurrency) }).action(
    async (flags: SweepFlags, c: Command) => {
      io.exitCode = await executeSweep(flags, c.args, io);
    },
  );
}

/** A comma-separated list of positive numbers, or a problem naming the flag. */
function parseList(flag: string, raw: string, problems: ConfigProblem[], integer: boolean): number[] {
  const parts = raw.split(',').map((p) => p.trim());
  const values: number[] = [];
  for (const p of parts) {
    const v = p === '' ? NaN : Number(p);
    if (!Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v))) {
      problems.push({ field: flag, message: `"${p}" is not a ${integer ? 'whole number >= 1' : 'number > 0'} (give a comma-separated list, e.g. ${integer ? '1,8,32' : '1,2,4.5'})` });
      continue;
    }
    values.push(v);
  }
  if (new Set(values).size !== values.length) problems.push({ field: flag, message: 'lists a level twice' });
  return values;
}

function parsePlan(flags: SweepFlags, problems: ConfigProblem[]): SweepPlan | undefined {
  const num = (flag: string, raw: string | undefined): number | undefined => parseNumberFlag(flag, raw, problems);
  const wholeAtLeast1 = (flag: string, v: number | undefined, dflt: number): number => {
    if (v === undefined) return dflt;
    if (!Number.isInteger(v) || v < 1) problems.push({ field: flag, message: 'must be a whole number >= 1' });
    return v;
  };
  const chosen = [flags.rates !== undefined && '--rates', flags.concurrencies !== undefined && '--concurrencies', flags.findMaxRate && '--find-max-rate'].filter(Boolean);
  if (chosen.length > 1) {
    problems.push({ field: chosen[1] as string, message: `cannot be combined with ${chosen[0] as string}: choose one way to pick the levels` });
    return undefined;
  }
  const probeConcurrency = wholeAtLeast1('--probe-concurrency', num('--probe-concurrency', flags.probeConcurrency), SWEEP_DEFAULTS.probeConcurrency);
  if (flags.rates !== undefined) return { kind: 'rates', rates: parseList('--rates', flags.rates, problems, false) };
  if (flags.concurrencies !== undefined) return { kind: 'concurrencies', concurrencies: parseList('--concurrencies', flags.concurrencies, problems, true) };
  if (flags.findMaxRate) {
    if (flags.slo === undefined) problems.push({ field: '--find-max-rate', message: 'needs --slo: the objectives the rate must meet' });
    const precisionPerSec = num('--precision', flags.precision);
    if (precisionPerSec !== undefined && !(precisionPerSec > 0)) problems.push({ field: '--precision', message: 'must be a number > 0 (req/s)' });
    const maxTrials = wholeAtLeast1('--max-trials', num('--max-trials', flags.maxTrials), SWEEP_DEFAULTS.maxTrials);
    return { kind: 'find-max-rate', probeConcurrency, maxTrials, ...(precisionPerSec !== undefined ? { precisionPerSec } : {}) };
  }
  for (const [flag, given] of [['--precision', flags.precision], ['--max-trials', flags.maxTrials]] as const) {
    if (given !== undefined) problems.push({ field: flag, message: 'applies only with --find-max-rate' });
  }
  return { kind: 'auto', levels: wholeAtLeast1('--levels', num('--levels', flags.levels), SWEEP_DEFAULTS.levels), probeConcurrency };
}

async function executeSweep(flags: SweepFlags, extra: string[], io: CliIo): Promise<number> {
  const problems: ConfigProblem[] = extraArgumentProblems(extra, 'llmload sweep --help');
  if ((flags as { rate?: unknown }).rate !== undefined) problems.push({ field: '--rate', message: 'a sweep takes --rates (a list) instead' });
  const plan = parsePlan(flags, problems);
  if (flags.levels !== undefined && plan?.kind !== 'auto') problems.push({ field: '--levels', message: 'applies only to the automatic sweep (without --rates, --concurrencies or --find-max-rate)' });
  let slo: SloSpec | null = null;
  if (flags.slo !== undefined) {
    try {
      slo = parseSlo(flags.slo, '--slo');
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      problems.push(...err.problems);
    }
  }
  const minAttainment = parseNumberFlag('--min-attainment', flags.minAttainment, problems) ?? SWEEP_DEFAULTS.minAttainment;
  if (!(minAttainment > 0 && minAttainment <= 1)) problems.push({ field: '--min-attainment', message: 'must be a share in (0, 1], e.g. 0.9' });
  // Levels are bounded by time unless the user bounds them by count alone.
  const timeBound = flags.totalRequests === undefined || flags.duration !== undefined;
  const config = parseWorkloadFlags(flags, { ratePerSec: 1 }, problems, {
    durationSec: timeBound ? SWEEP_DEFAULTS.durationSec : undefined,
    totalRequests: flags.totalRequests === undefined && flags.duration !== undefined ? 1_000_000 : SWEEP_DEFAULTS.totalRequests,
    maxConcurrency: SWEEP_DEFAULTS.maxConcurrency,
  });
  const simulator = simulatorOptions(flags, problems);
  const outDir = flags.out ?? defaultOutDir(new Date(), flags.label ? `sweep-${flags.label}` : 'sweep');
  if (!problems.length) {
    try {
      if (existsSync(join(outDir, SWEEP_FILE))) problems.push({ field: '--out', message: `"${outDir}" already holds a sweep; choose another folder (results are never overwritten)` });
      else mkdirSync(outDir, { recursive: true });
    } catch (err) {
      problems.push({ field: '--out', message: `cannot create "${outDir}": ${(err as Error).message}` });
    }
  }
  if (problems.length || !config || !plan) throw new ConfigError(problems);
  return sweepWith(config, plan, slo, minAttainment, flags, simulator, outDir, io);
}

async function sweepWith(
  config: RunConfig,
  plan: SweepPlan,
  slo: SloSpec | null,
  minAttainment: number,
  flags: SweepFlags,
  simulator: ReturnType<typeof simulatorOptions>,
  outDir: string,
  io: CliIo,
): Promise<number> {
  const say = (line: string): void => {
    if (!flags.quiet) io.stderr.write(`${line}\n`);
  };
  say(`llmload: sweep seed ${config.seed} (repeat it exactly with --seed ${config.seed}); results go to ${outDir}/`);
  const controller = new AbortController();
  const offSignals = io.onInterrupt(() => {
    if (controller.signal.aborted) return;
    io.stderr.write('\nllmload: stopping the sweep — the current level gets its grace period, no further level runs; everything gathered is written.\n');
    controller.abort();
  });
  let writer: RunWriter | undefined;
  const writeSweep = (s: SweepResult): Promise<void> =>
    writeFile(join(outDir, SWEEP_FILE), `${JSON.stringify(s, (_k, v: unknown) => (v === Infinity ? 'inf' : v), 2)}\n`);
  let sweep: SweepResult;
  try {
    sweep = await runSweep({
      config,
      plan,
      slo,
      minAttainment,
      stopOverSaturated: flags.earlyStop,
      apiKey: io.env[flags.apiKeyEnv] || undefined,
      headers: parseHeaderFlags(flags.header, []),
      signal: controller.signal,
      simulator,
      hooks: {
        onNotice: say,
        onLevelStart: ({ dir }) => {
          mkdirSync(join(outDir, dir), { recursive: true });
          const w = createRunWriter(join(outDir, dir));
          writer = w;
          return { onRecord: (r) => w.write(r), onGpuSample: (s) => w.writeGpuSample(s), onServerSample: (s) => w.writeServerSample(s) };
        },
        onLevelEnd: async ({ dir, result }: { dir: string; result: RunResult }) => {
          await writer?.finish(result);
          writer = undefined;
          if (flags.plots && !result.interrupted) {
            await writeRunReport(join(outDir, dir)).catch((err: unknown) => say(`llmload: plots of ${dir} failed (${(err as Error).message}); retry with llmload plot ${join(outDir, dir)}`));
          }
        },
        onProgress: writeSweep,
      },
    });
  } catch (err) {
    await writer?.abandon();
    offSignals();
    throw err;
  }
  offSignals();
  await writeSweep(sweep);
  const held = slo ? (l: SweepResult['levels'][number]) => levelHeld(l, slo, minAttainment) : undefined;
  if (flags.json) io.stdout.write(`${JSON.stringify({ outDir, ...sweep }, (_k, v: unknown) => (v === Infinity ? 'inf' : v), 2)}\n`);
  else if (!flags.quiet) io.stdout.write(renderSweepSummaryTable(sweep, held));
  if (flags.plots && sweep.levels.length > 0) {
    try {
      say(await writeSweepReport(outDir, sweep));
    } catch (err) {
      say(`llmload: the sweep's plots could not be drawn (${(err as Error).message}); its results are saved in ${outDir}/`);
    }
  }
  io.stderr.write(`llmload: ${sweep.interrupted ? 'interrupted; what was gathered is' : 'sweep results'} in ${outDir}/ (${SWEEP_FILE} and one folder per level)\n`);
  return sweep.interrupted ? 130 : 0;
}
