import { randomInt } from 'node:crypto';
import { Command } from 'commander';
import { API_KINDS } from '../clients/protocol.js';
import { parseRunConfig } from '../config/parse-run-config.js';
import { ConfigError, type ConfigProblem } from '../errors.js';
import { renderSummaryTable } from '../report/summary-table.js';
import { runBenchmark, type RunResult } from '../runner/run-benchmark.js';
import { parseSimOptions, type SimOptions } from '../sim/index.js';
import { parseNumberFlag } from './argv.js';
import type { CliIo } from './io.js';
import { defaultOutDir, prepareOutDir } from './output-dir.js';
import { plotAfterRun } from './plot-command.js';
import { createProgress, type Progress } from './progress.js';
import { createRunWriter, RUN_FILES } from './run-writer.js';

/** Config field -> the flag a user types, so every message names the flag. */
const FLAG_OF: Record<string, string> = {
  endpoint: '--endpoint',
  api: '--api',
  model: '--model',
  ratePerSec: '--rate',
  totalRequests: '--total_requests',
  durationSec: '--duration',
  wordLambda: '--word_lambda',
  maxConcurrency: '--max_concurrency',
  maxTokens: '--max-tokens',
  seed: '--seed',
  requestTimeoutSec: '--request-timeout',
  graceSec: '--grace',
  label: '--label',
  warmup: '--no-warmup',
  warmupRequests: '--warmup',
};

interface RunFlags {
  endpoint?: string;
  api?: string;
  model?: string;
  rate?: string;
  totalRequests?: string;
  duration?: string;
  wordLambda?: string;
  maxConcurrency?: string;
  maxTokens?: string;
  seed?: string;
  out?: string;
  label?: string;
  requestTimeout?: string;
  grace?: string;
  apiKeyEnv: string;
  /** `--warmup N` gives a count; `--no-warmup` false (no warm-up of any kind); absent: the defaults. */
  warmup?: string | false;
  plots: boolean;
  simProfile?: string;
  simFaultRate?: string;
  quiet?: boolean;
  json?: boolean;
}

export function runCommand(io: CliIo): Command {
  return new Command('run')
    .description('benchmark an endpoint with Poisson arrivals (default target: the built-in simulator)')
    .option('--endpoint <url>', 'full URL of the generation endpoint, e.g. http://localhost:8000/v1/completions (default: start the built-in simulator)')
    .option('--api <kind>', `protocol, inferred from the path when omitted: ${API_KINDS.join(', ')}`)
    .option('--model <name>', 'model name (default: the first model GET /v1/models lists)')
    .option('--rate <req/s>', 'Poisson arrival rate in requests per second, or inf (default 5)')
    .option('--total-requests <n>', 'number of requests (default 20); also --total_requests')
    .option('--duration <s>', 'stop arrivals after this many seconds (whichever limit comes first)')
    .option('--word-lambda <n>', 'mean prompt length in words, Poisson (default 15); also --word_lambda')
    .option('--max-concurrency <n>', 'most requests in flight at once (default 5); also --max_concurrency')
    .option('--max-tokens <n>', 'output tokens to ask for (default: the server decides)')
    .option('--seed <n>', 'random seed (default: random, always printed and saved)')
    .option('--out <dir>', 'output folder (default results/<UTC time>[-label]/)')
    .option('--label <name>', 'a label for the run, part of the default folder name')
    .option('--request-timeout <s>', 'whole-request timeout in seconds (default 600)')
    .option('--grace <s>', 'after Ctrl-C, seconds in-flight requests may finish (default 3)')
    .option('--api-key-env <NAME>', 'environment variable holding the API key', 'OPENAI_API_KEY')
    .option('--warmup <n>', 'the first N requests are warm-up: recorded, marked, left out of every statistic (default 0)')
    .option('--no-warmup', 'no warm-up at all: neither warm-up requests nor opening the connections before the timed run')
    .option('--no-plots', 'do not draw the plots and the HTML report at the end (llmload plot can, later)')
    .option('--sim-profile <name>', 'without --endpoint: the built-in simulator\'s profile (see llmload sim --list-profiles)')
    .option('--sim-fault-rate <share>', 'without --endpoint: share of requests the simulator fails on purpose (0-1)')
    .option('--quiet', 'no progress line or notices; only the result folder and errors')
    .option('--json', 'print the run result as JSON on stdout instead of the table')
    .allowUnknownOption(true)
    .allowExcessArguments(true)
    .action(async (flags: RunFlags, cmd: Command) => {
      io.exitCode = await executeRun(flags, cmd.args, io);
    });
}

async function executeRun(flags: RunFlags, extra: string[], io: CliIo): Promise<number> {
  const problems: ConfigProblem[] = [];
  const unknown = extra.filter((a) => a.startsWith('-'));
  for (const u of unknown) problems.push({ field: u.split('=')[0] as string, message: 'unknown option (see llmload run --help)' });
  const stray = extra.filter((a) => !a.startsWith('-'));
  if (stray.length && !unknown.length) problems.push({ field: 'arguments', message: `unexpected: ${stray.join(' ')}` });
  const num = (flag: string, raw: string | undefined, inf = false): number | undefined =>
    parseNumberFlag(flag, raw, problems, { allowInfinity: inf });

  const seed = num('--seed', flags.seed) ?? randomInt(0, 2 ** 31);
  const input = {
    endpoint: flags.endpoint,
    api: flags.api,
    model: flags.model,
    ratePerSec: num('--rate', flags.rate, true),
    totalRequests: num('--total_requests', flags.totalRequests),
    durationSec: num('--duration', flags.duration),
    wordLambda: num('--word_lambda', flags.wordLambda),
    maxConcurrency: num('--max_concurrency', flags.maxConcurrency),
    maxTokens: num('--max-tokens', flags.maxTokens),
    seed,
    requestTimeoutSec: num('--request-timeout', flags.requestTimeout),
    graceSec: num('--grace', flags.grace),
    label: flags.label,
    warmup: flags.warmup !== false,
    warmupRequests: flags.warmup === false ? 0 : num('--warmup', flags.warmup),
  };
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(flags.apiKeyEnv)) {
    problems.push({ field: '--api-key-env', message: 'must be an environment variable name' });
  }
  let config;
  try {
    config = parseRunConfig(input, FLAG_OF);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    problems.push(...err.problems);
  }
  const simulator = simulatorOptions(flags, problems);
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

/** The built-in simulator's options from --sim-* flags, validated before anything is created or sent. */
function simulatorOptions(flags: RunFlags, problems: ConfigProblem[]): Partial<SimOptions> | undefined {
  const given = flags.simProfile !== undefined || flags.simFaultRate !== undefined;
  if (!given) return undefined;
  if (flags.endpoint !== undefined) {
    problems.push({ field: flags.simProfile !== undefined ? '--sim-profile' : '--sim-fault-rate', message: 'applies only to the built-in simulator (without --endpoint)' });
    return undefined;
  }
  const faultRate = parseNumberFlag('--sim-fault-rate', flags.simFaultRate, problems);
  const options = {
    ...(flags.simProfile !== undefined ? { profile: flags.simProfile } : {}),
    ...(faultRate !== undefined ? { faultRate } : {}),
  };
  try {
    parseSimOptions(options);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const flagOf: Record<string, string> = { 'sim.profile': '--sim-profile', 'sim.faultRate': '--sim-fault-rate' };
    problems.push(...err.problems.map((p) => ({ ...p, field: flagOf[p.field] ?? p.field })));
  }
  return options as Partial<SimOptions>;
}
