import { randomInt } from 'node:crypto';
import type { Command } from 'commander';
import { API_KINDS } from '../clients/protocol.js';
import { parseRunConfig } from '../config/parse-run-config.js';
import type { RunConfig } from '../config/run-config.js';
import { ConfigError, type ConfigProblem } from '../errors.js';
import { parseSimOptions, type SimOptions } from '../sim/index.js';
import { parseGpuList } from '../telemetry/gpu-selection.js';
import { parseNumberFlag } from './argv.js';
import { RUN_DEFAULTS } from '../config/run-config.js';
import { formatLengthSpec, LENGTH_SPEC_SYNTAX, rangeRatioSpec } from '../core/prompts/length-spec.js';
import { BUILTIN_TOKENIZERS, DEFAULT_TOKENIZER, parseTokenizerSpec } from '../tokenizers/load-tokenizer.js';

/** Config field -> the flag a user types, so every message names the flag. */
export const FLAG_OF: Record<string, string> = {
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
  gpus: '--gpus',
  gpuIntervalMs: '--gpu-interval',
  metricsUrl: '--metrics-url',
  metricsIntervalMs: '--metrics-interval',
  dataset: '--dataset',
  datasetPath: '--dataset-path',
  datasetOrder: '--dataset-order',
  inputTokens: '--input-tokens',
  outputTokens: '--output-tokens',
  tokenizer: '--tokenizer',
  prefixTokens: '--prefix-tokens',
  prefixGroups: '--prefix-groups',
  uniquePrefix: '--unique-prefix',
  ignoreEos: '--ignore-eos',
  extraBody: '--extra-body',
  headerNames: '--header',
  datasetFilters: '--dataset-max-input-tokens',
  skipBadRows: '--skip-bad-rows',
  arrival: '--arrival',
  burstiness: '--burstiness',
  rampUp: '--ramp-up',
  stages: '--stages',
  users: '--users',
  thinkTimeMs: '--think-time',
  trace: '--trace',
  traceFormat: '--trace-format',
  timeScale: '--time-scale',
  traceStartS: '--trace-start',
  traceWindowS: '--trace-window',
  traceModel: '--trace-model',
};

/** The flags `llmload run` and `llmload sweep` share: the workload, the target and the outputs. */
export interface WorkloadFlags {
  endpoint?: string;
  api?: string;
  model?: string;
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
  gpus?: string;
  /** false with --no-gpu. */
  gpu: boolean;
  gpuInterval?: string;
  metricsUrl?: string;
  /** false with --no-server-metrics. */
  serverMetrics: boolean;
  metricsInterval?: string;
  dataset?: string;
  datasetPath?: string;
  datasetOrder?: string;
  inputTokens?: string;
  outputTokens?: string;
  randomRangeRatio?: string;
  tokenizer?: string;
  prefixTokens?: string;
  prefixGroups?: string;
  uniquePrefix?: boolean;
  /** true with --ignore-eos, false with --no-ignore-eos, absent: the default rule. */
  ignoreEos?: boolean;
  extraBody?: string;
  header: string[];
  skipBadRows?: boolean;
  datasetMinTokens?: string;
  datasetMaxInputTokens?: string;
  datasetMaxTotalTokens?: string;
  arrival?: string;
  burstiness?: string;
}

/** Add the shared flags; `defaults` names the defaults shown in help where the command's differ. */
export function addWorkloadOptions(cmd: Command, defaults: { totalRequests: string; maxConcurrency: string }): Command {
  return cmd
    .option('--endpoint <url>', 'full URL of the generation endpoint, e.g. http://localhost:8000/v1/completions (default: start the built-in simulator)')
    .option('--api <kind>', `protocol, inferred from the path when omitted: ${API_KINDS.join(', ')}`)
    .option('--model <name>', 'model name (default: the first model GET /v1/models lists)')
    .option('--total-requests <n>', `number of requests (default ${defaults.totalRequests}); also --total_requests`)
    .option('--duration <s>', 'stop arrivals after this many seconds (whichever limit comes first)')
    .option('--word-lambda <n>', 'mean prompt length in words, Poisson (default 15); also --word_lambda')
    .option('--max-concurrency <n>', `most requests in flight at once (default ${defaults.maxConcurrency}); also --max_concurrency`)
    .option('--max-tokens <n>', 'output tokens to ask for (default: the server decides)')
    .option('--seed <n>', 'random seed (default: random, always printed and saved)')
    .option('--out <dir>', 'output folder (default results/<UTC time>[-label]/)')
    .option('--label <name>', 'a label, part of the default folder name')
    .option('--request-timeout <s>', 'whole-request timeout in seconds (default 600)')
    .option('--grace <s>', 'after Ctrl-C, seconds in-flight requests may finish (default 3)')
    .option('--api-key-env <NAME>', 'environment variable holding the API key', 'OPENAI_API_KEY')
    .option('--warmup <n>', 'the first N requests are warm-up: recorded, marked, left out of every statistic (default 0)')
    .option('--no-warmup', 'no warm-up at all: neither warm-up requests nor opening the connections before the timed run')
    .option('--no-plots', 'do not draw the plots and the HTML report at the end (llmload plot can, later)')
    .option('--sim-profile <name>', "without --endpoint: the built-in simulator's profile (see llmload sim --list-profiles)")
    .option('--sim-fault-rate <share>', 'without --endpoint: share of requests the simulator fails on purpose (0-1)')
    .option('--gpus <list>', 'GPUs to sample through NVML while the run goes: all, or indices such as 0,2 (default all)')
    .option('--gpu-interval <ms>', 'NVML sampling interval in ms (default 100)')
    .option('--no-gpu', 'no NVML sampling')
    .option('--metrics-url <url>', "the server's Prometheus metrics (default: the endpoint's origin + /metrics, when it answers)")
    .option('--metrics-interval <ms>', 'how often the server metrics are scraped, ms (default 1000)')
    .option('--no-server-metrics', 'do not scrape the server metrics')
    .option('--dataset <name>', 'request source: words (the seed\'s random words, default), random (token-exact), sharegpt, jsonl; also --dataset-name')
    .option('--dataset-path <file>', 'the sharegpt or jsonl file (streamed)')
    .option('--dataset-order <order>', 'random (rows drawn with the seed, default) or file (first rows in file order)')
    .option('--input-tokens <spec>', `input length of random prompts: ${LENGTH_SPEC_SYNTAX} (default 1024); also --random-input-len`)
    .option('--output-tokens <spec>', `output length to ask for, any source: ${LENGTH_SPEC_SYNTAX}; also --random-output-len`)
    .option('--random-range-ratio <r>', "vLLM's: lengths uniform in [L(1-r), L(1+r)] around --input-tokens and --output-tokens")
    .option('--tokenizer <name|path>', `builds and counts prompts: ${Object.keys(BUILTIN_TOKENIZERS).join(', ')}, a tokenizer.json path, or server (its /tokenize) (default ${DEFAULT_TOKENIZER})`)
    .option('--prefix-tokens <n>', 'a shared prefix of N tokens before every prompt (a system prompt on chat); also --random-prefix-len')
    .option('--prefix-groups <g>', 'G distinct shared prefixes, each request drawn into one (default 1)')
    .option('--unique-prefix', 'a per-run nonce before every prompt, so no earlier run\'s prefix cache can serve this one')
    .option('--ignore-eos', 'send ignore_eos and min_tokens so outputs are exactly the asked length (default: on for random with an output length)')
    .option('--no-ignore-eos', 'do not send ignore_eos')
    .option('--extra-body <json>', 'JSON object merged into every request body (temperature, top_p, seed, chat_template_kwargs ...)')
    .option('--header <header>', "an extra request header 'Name: value' (repeatable; values are never stored)", (v: string, all: string[]) => [...all, v], [] as string[])
    .option('--skip-bad-rows', 'skip (and count) dataset rows that cannot be used instead of refusing the file')
    .option('--dataset-min-tokens <n>', 'sharegpt: drop rows with fewer input or output tokens (default 4, vLLM\'s; none to keep all)')
    .option('--dataset-max-input-tokens <n>', 'sharegpt: drop rows with more input tokens (default 1024; none)')
    .option('--dataset-max-total-tokens <n>', 'sharegpt: drop rows with more input + output tokens (default 2048; none)')
    .option('--arrival <kind>', 'gaps between arrivals: poisson (default), gamma (with --burstiness), constant (evenly spaced)')
    .option('--burstiness <B>', "gamma gaps of shape B: 1 is Poisson, < 1 burstier, > 1 smoother (vLLM's; implies --arrival gamma); also --arrival-smoothness")
    .option('--quiet', 'no progress line or notices; only the result folder and errors')
    .option('--json', 'print the result as JSON on stdout instead of the table')
    .allowUnknownOption(true)
    .allowExcessArguments(true);
}

/** Unknown options and stray arguments (commander lets them through so all problems are listed at once). */
export function extraArgumentProblems(extra: string[], help: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const unknown = extra.filter((a) => a.startsWith('-'));
  for (const u of unknown) problems.push({ field: u.split('=')[0] as string, message: `unknown option (see ${help})` });
  const stray = extra.filter((a) => !a.startsWith('-'));
  if (stray.length && !unknown.length) problems.push({ field: 'arguments', message: `unexpected: ${stray.join(' ')}` });
  return problems;
}

/**
 * The run configuration from the shared flags (plus the command's own `ratePerSec`), every problem
 * appended to `problems`. `defaults` overrides the run defaults (a sweep's differ).
 */
export function parseWorkloadFlags(
  flags: WorkloadFlags,
  extra: { ratePerSec?: number | undefined },
  problems: ConfigProblem[],
  defaults: Record<string, unknown> = {},
): RunConfig | undefined {
  const num = (flag: string, raw: string | undefined): number | undefined => parseNumberFlag(flag, raw, problems);
  const seed = num('--seed', flags.seed) ?? randomInt(0, 2 ** 31);
  const input = {
    ...defaults,
    endpoint: flags.endpoint,
    api: flags.api,
    model: flags.model,
    ...extra,
    totalRequests: num('--total_requests', flags.totalRequests) ?? defaults.totalRequests,
    durationSec: num('--duration', flags.duration) ?? defaults.durationSec,
    wordLambda: num('--word_lambda', flags.wordLambda),
    maxConcurrency: num('--max_concurrency', flags.maxConcurrency) ?? defaults.maxConcurrency,
    maxTokens: num('--max-tokens', flags.maxTokens),
    seed,
    requestTimeoutSec: num('--request-timeout', flags.requestTimeout),
    graceSec: num('--grace', flags.grace),
    label: flags.label,
    warmup: flags.warmup !== false,
    warmupRequests: flags.warmup === false ? 0 : num('--warmup', flags.warmup),
    gpus: gpuFlag(flags, problems),
    gpuIntervalMs: num('--gpu-interval', flags.gpuInterval),
    metricsUrl: flags.serverMetrics === false ? 'off' : flags.metricsUrl,
    metricsIntervalMs: num('--metrics-interval', flags.metricsInterval),
    ...workloadSourceFlags(flags, problems),
    ...arrivalFlags(flags, problems),
  };
  if (flags.serverMetrics === false && flags.metricsUrl !== undefined) {
    problems.push({ field: '--metrics-url', message: 'cannot be combined with --no-server-metrics' });
  }
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(flags.apiKeyEnv)) {
    problems.push({ field: '--api-key-env', message: 'must be an environment variable name' });
  }
  try {
    return parseRunConfig(input, FLAG_OF);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    problems.push(...err.problems);
    return undefined;
  }
}

/** --arrival and --burstiness: a burstiness alone means gamma gaps, as in vLLM (which has no --arrival). */
function arrivalFlags(flags: WorkloadFlags, problems: ConfigProblem[]): Record<string, unknown> {
  const burstiness = parseNumberFlag('--burstiness', flags.burstiness, problems);
  return { arrival: flags.arrival ?? (burstiness !== undefined ? 'gamma' : undefined), burstiness };
}

/** The request source's flags as config fields (undefined where not given: the defaults apply). */
function workloadSourceFlags(flags: WorkloadFlags, problems: ConfigProblem[]): Record<string, unknown> {
  const num = (flag: string, raw: string | undefined): number | undefined => parseNumberFlag(flag, raw, problems);
  const ratio = num('--random-range-ratio', flags.randomRangeRatio);
  if (ratio !== undefined && !(ratio >= 0 && ratio < 1)) problems.push({ field: '--random-range-ratio', message: 'must be in [0, 1)' });
  // vLLM's ratio widens a fixed length into a uniform range; it cannot widen a distribution.
  const widen = (flag: string, raw: string | undefined, fallback: number | undefined): string | undefined => {
    if (ratio === undefined || !(ratio >= 0 && ratio < 1)) return raw;
    const base = raw ?? (fallback !== undefined ? String(fallback) : undefined);
    if (base === undefined) return raw;
    if (!/^\d+$/.test(base)) {
      problems.push({ field: '--random-range-ratio', message: `widens a fixed length; ${flag} is ${base}` });
      return raw;
    }
    return formatLengthSpec(rangeRatioSpec(Number(base), ratio));
  };
  const filter = (flag: string, raw: string | undefined): number | null | undefined =>
    raw === undefined ? undefined : raw.trim().toLowerCase() === 'none' ? null : num(flag, raw);
  const filters = {
    minTokens: filter('--dataset-min-tokens', flags.datasetMinTokens),
    maxInputTokens: filter('--dataset-max-input-tokens', flags.datasetMaxInputTokens),
    maxTotalTokens: filter('--dataset-max-total-tokens', flags.datasetMaxTotalTokens),
  };
  let extraBody: Record<string, unknown> | undefined;
  if (flags.extraBody !== undefined) {
    try {
      const v: unknown = JSON.parse(flags.extraBody);
      if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not a JSON object');
      extraBody = v as Record<string, unknown>;
    } catch (err) {
      problems.push({ field: '--extra-body', message: `must be a JSON object, e.g. '{"temperature": 0}' (${(err as Error).message})` });
    }
  }
  if (flags.tokenizer !== undefined) {
    try {
      parseTokenizerSpec(flags.tokenizer);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      problems.push(...err.problems);
    }
  }
  const isRandom = flags.dataset === 'random';
  return {
    dataset: flags.dataset,
    datasetPath: flags.datasetPath,
    datasetOrder: flags.datasetOrder,
    inputTokens: widen('--input-tokens', flags.inputTokens, isRandom ? 1024 : undefined),
    outputTokens: widen('--output-tokens', flags.outputTokens, undefined),
    tokenizer: flags.tokenizer,
    prefixTokens: num('--prefix-tokens', flags.prefixTokens),
    prefixGroups: num('--prefix-groups', flags.prefixGroups),
    uniquePrefix: flags.uniquePrefix,
    ignoreEos: flags.ignoreEos,
    extraBody,
    headerNames: Object.keys(parseHeaderFlags(flags.header, [])),
    skipBadRows: flags.skipBadRows,
    datasetFilters:
      Object.values(filters).some((v) => v !== undefined)
        ? { ...RUN_DEFAULTS.datasetFilters, ...Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined)) }
        : undefined,
  };
}

/**
 * --header 'Name: value' (also Name=value), repeatable. Authorization is refused: the key comes only
 * from --api-key-env, so it can never reach summary.json or a log.
 */
export function parseHeaderFlags(raw: readonly string[] | undefined, problems: ConfigProblem[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const h of raw ?? []) {
    const m = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*[:=]\s*(.*)$/.exec(h);
    if (!m) {
      problems.push({ field: '--header', message: `"${h.split(/[:=]/)[0]}..." is not 'Name: value'` });
      continue;
    }
    const name = m[1]!.toLowerCase();
    if (name === 'authorization' || name === 'proxy-authorization') {
      problems.push({ field: '--header', message: `${m[1]} is not accepted here: put the key in an environment variable and name it with --api-key-env` });
      continue;
    }
    if (name === 'content-type' || name === 'accept' || name === 'content-length' || name === 'host') {
      problems.push({ field: '--header', message: `${m[1]} is set by llmload itself` });
      continue;
    }
    headers[name] = m[2]!;
  }
  return headers;
}

/** --gpus / --no-gpu as the config's `gpus`. */
function gpuFlag(flags: WorkloadFlags, problems: ConfigProblem[]): RunConfig['gpus'] | undefined {
  if (flags.gpu === false) {
    if (flags.gpus !== undefined) problems.push({ field: '--gpus', message: 'cannot be combined with --no-gpu' });
    return 'off';
  }
  if (flags.gpus === undefined) return undefined;
  try {
    return parseGpuList(flags.gpus);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    problems.push(...err.problems);
    return undefined;
  }
}

/** The built-in simulator's options from --sim-* flags, validated before anything is created or sent. */
export function simulatorOptions(flags: WorkloadFlags, problems: ConfigProblem[]): Partial<SimOptions> | undefined {
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
