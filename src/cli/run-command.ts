import { Command } from 'commander';
import { ConfigError, type ConfigProblem } from '../errors.js';
import { renderSummaryTable } from '../report/summary-table.js';
import { runBenchmark, type RunResult } from '../runner/run-benchmark.js';
import { parseNumberFlag } from './argv.js';
import type { CliIo } from './io.js';
import { defaultOutDir, prepareOutDir } from './output-dir.js';
import { plotAfterRun } from './plot-command.js';
import { createProgress, type Progress } from './progress.js';
import { createRunWriter, RUN_FILES } from './run-writer.js';
import { addWorkloadOptions, parseHeaderFlags, extraArgumentProblems, parseWorkloadFlags, simulatorOptions, type WorkloadFlags } from './workload-flags.js';

interface RunFlags extends WorkloadFlags {
  rate?: string;
}

export function runCommand(io: CliIo): Command {
  const cmd = new Command('run')
    .description('benchmark an endpoint with Poisson arrivals (default target: the built-in simulator)')
    .option('--rate <req/s>', 'Poisson arrival rate in requests per second, or inf (default 5)');
  return addWorkloadOptions(cmd, { totalRequests: '20', maxConcurrency: '5' })
    .action(async (flags: RunFlags, cmd: Command) => {
      io.exitCode = await executeRun(flags, cmd.args, io);
    });
}

async function executeRun(flags: RunFlags, extra: string[], io: CliIo): Promise<number> {
  const problems: ConfigProblem[] = extraArgumentProblems(extra, 'llmload run --help');
  const ratePerSec = parseNumberFlag('--rate', flags.rate, problems, { allowInfinity: true });
  const config = parseWorkloadFlags(flags, { ratePerSec }, problems);
  const simulator = simulatorOptions(flags, problems);
  const headers = parseHeaderFlags(flags.header, problems);
  const outDir = flags.out ?? defaultOutDir(new Date(), flags.label);
  if (!problems.length) {
    const outProblem = prepareOutDir(outDir);
    if (outProblem) problems.push({ field: '--out', message: outProblem });
  }
  if (problems.length || !config) throw new ConfigError(problems);

  const controller = new AbortController();
  let inFlight = 0;
  let progress: Progress | undefined;
  const say = (line: string): void => {
    if (flags.quiet) return;
    if (progress) progress.log(line);
    else io.stderr.write(`${line}\n`);
  };
  say(`llmload: seed ${config.seed} (repeat this run exactly with --seed ${config.seed})`);
  const writer = createRunWriter(outDir);
  const onSignal = (): void => {
    if (controller.signal.aborted) return;
    io.stderr.write(`\nllmload: stopping — no new requests; ${inFlight} in flight get ${config.graceSec} s to finish, then results are written.\n`);
    controller.abort();
  };
  const offSignals = io.onInterrupt(onSignal);
  // The bar starts with the timed run, after setup notices, so the two never interleave.
  const startProgress = (): Progress =>
    createProgress({
      enabled: !flags.quiet && !flags.json && io.stderr.isTTY === true,
      total: config.totalRequests,
      stream: io.stderr,
      now: () => performance.now(),
    });
  let result: RunResult;
  try {
    result = await runBenchmark({
      config,
      apiKey: io.env[flags.apiKeyEnv] || undefined,
      headers,
      simulator,
      signal: controller.signal,
      hooks: {
        onNotice: say,
        onStart: (s) => {
          say(`llmload: ${s.api} at ${s.endpoint}, model ${s.model ?? '(server default)'}; results go to ${outDir}/`);
          progress = startProgress();
        },
        onSend: () => {
          inFlight++;
          progress?.sent();
        },
        onRecord: (r) => {
          inFlight--;
          progress?.done(r);
          writer.write(r);
        },
        onGpuSample: (s) => writer.writeGpuSample(s),
        onServerSample: (s) => writer.writeServerSample(s),
      },
    });
  } catch (err) {
    progress?.stop();
    offSignals();
    await writer.abandon();
    throw err;
  }
  progress?.stop();
  offSignals();
  await writer.finish(result);
  if (flags.json) io.stdout.write(`${JSON.stringify({ outDir, ...result }, (_k, v: unknown) => (v === Infinity ? 'inf' : v), 2)}\n`);
  else if (!flags.quiet) io.stdout.write(renderSummaryTable(result));
  io.stderr.write(
    `llmload: ${result.interrupted ? 'interrupted; what was gathered is' : 'results'} in ${outDir}/ (${RUN_FILES.csv}, ${RUN_FILES.records}, ${RUN_FILES.summary})\n`,
  );
  if (flags.plots) await plotAfterRun(outDir, io, result.interrupted);
  return result.interrupted ? 130 : 0;
}
