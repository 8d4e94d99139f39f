import { Command } from 'commander';
import { ConfigError, type ConfigProblem } from '../errors.js';
import { renderSummaryTable } from '../report/summary-table.js';
import { runBenchmark, type RunResult } from '../runner/run-benchmark.js';
import { parseStages } from '../core/arrival/rate-profile.js';
import { TRACE_FORMATS } from '../core/trace/trace-entry.js';
import { LENGTH_SPEC_SYNTAX } from '../core/prompts/length-spec.js';
import { parseNumberFlag } from './argv.js';
import type { CliIo } from './io.js';
import { defaultOutDir, prepareOutDir } from './output-dir.js';
import { plotAfterRun } from './plot-command.js';
import { createProgress, type Progress } from './progress.js';
import { createRunWriter, RUN_FILES } from './run-writer.js';
import { addWorkloadOptions, parseHeaderFlags, extraArgumentProblems, parseWorkloadFlags, simulatorOptions, type WorkloadFlags } from './workload-flags.js';

interface RunFlags extends WorkloadFlags {
  rate?: string;
  rampUp?: string;
  rampUpStart?: string;
  rampUpEnd?: string;
  stages?: string;
  users?: string;
  thinkTime?: string;
  trace?: string;
  traceFormat?: string;
  timeScale?: string;
  traceStart?: string;
  traceWindow?: string;
  traceModel?: string;
}

export function runCommand(io: CliIo): Command {
  const cmd = new Command('run')
    .description('benchmark an endpoint with Poisson arrivals (default target: the built-in simulator)')
    .option('--rate <req/s>', 'arrival rate in requests per second, or inf (default 5); also --request-rate')
    .option('--ramp-up <strategy>', "the rate ramps over --duration: linear or exponential (vLLM's --ramp-up-strategy)")
    .option('--ramp-up-start <req/s>', 'rate at the ramp\'s start; also --ramp-up-start-rps')
    .option('--ramp-up-end <req/s>', 'rate at the ramp\'s end; also --ramp-up-end-rps')
    .option('--stages <list>', 'steps of rate:seconds, e.g. 10:60,20:60,40:120 (the run lasts their sum; a summary row each)')
    .option('--users <n>', 'closed loop: N users, each sending its next request when its last one ends; also --concurrency (AIPerf)')
    .option('--think-time <ms>', `closed loop: a user's pause between requests, ms: ${LENGTH_SPEC_SYNTAX}`)
    .option('--trace <file>', 'replay a trace: its timestamps are the send times, its lengths the requests (streamed)')
    .option('--trace-format <format>', `the trace's format: ${TRACE_FORMATS.join(', ')}`)
    .option('--time-scale <f>', 'replay speed: 2 is twice as slow, 0.5 twice as fast (default 1)')
    .option('--trace-start <s>', 'replay from this many seconds into the trace')
    .option('--trace-window <s>', 'replay this many seconds of the trace')
    .option('--trace-model <name>', 'burstgpt: replay only this model\'s rows (ChatGPT, GPT-4)');
  return addWorkloadOptions(cmd, { totalRequests: '20', maxConcurrency: '5' })
    .action(async (flags: RunFlags, cmd: Command) => {
      io.exitCode = await executeRun(flags, cmd.args, io);
    });
}

/** --ramp-up, --stages, --users, --think-time; --rate cannot be given beside the first three. */
function arrivalShapeFlags(flags: RunFlags, problems: ConfigProblem[]): Record<string, unknown> {
  const num = (flag: string, raw: string | undefined): number | undefined => parseNumberFlag(flag, raw, problems);
  const out: Record<string, unknown> = {};
  const rampGiven = flags.rampUp !== undefined || flags.rampUpStart !== undefined || flags.rampUpEnd !== undefined;
  if (rampGiven) {
    if (flags.rampUp === undefined || flags.rampUpStart === undefined || flags.rampUpEnd === undefined) {
      problems.push({ field: '--ramp-up', message: 'needs all three of --ramp-up linear|exponential, --ramp-up-start R0 and --ramp-up-end R1' });
    } else if (flags.rampUp !== 'linear' && flags.rampUp !== 'exponential') {
      problems.push({ field: '--ramp-up', message: `"${flags.rampUp}" is neither linear nor exponential` });
    } else {
      out.rampUp = { strategy: flags.rampUp, startPerSec: num('--ramp-up-start', flags.rampUpStart), endPerSec: num('--ramp-up-end', flags.rampUpEnd) };
    }
  }
  if (flags.stages !== undefined) {
    const st = parseStages(flags.stages);
    if ('error' in st) problems.push({ field: '--stages', message: st.error });
    else out.stages = st;
  }
  out.users = num('--users', flags.users);
  out.thinkTimeMs = flags.thinkTime;
  out.trace = flags.trace;
  out.traceFormat = flags.traceFormat;
  out.timeScale = num('--time-scale', flags.timeScale);
  out.traceStartS = num('--trace-start', flags.traceStart);
  out.traceWindowS = num('--trace-window', flags.traceWindow);
  out.traceModel = flags.traceModel;
  const shaped = rampGiven
    ? '--ramp-up'
    : flags.stages !== undefined
      ? '--stages'
      : flags.users !== undefined
        ? '--users'
        : flags.trace !== undefined
          ? '--trace'
          : undefined;
  if (shaped && flags.rate !== undefined) problems.push({ field: '--rate', message: `cannot be combined with ${shaped}, which sets the rate itself` });
  return out;
}

async function executeRun(flags: RunFlags, extra: string[], io: CliIo): Promise<number> {
  const problems: ConfigProblem[] = extraArgumentProblems(extra, 'llmload run --help');
  const ratePerSec = parseNumberFlag('--rate', flags.rate, problems, { allowInfinity: true });
  const config = parseWorkloadFlags(flags, { ratePerSec, ...arrivalShapeFlags(flags, problems) }, problems);
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
