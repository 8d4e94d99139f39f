import { z } from 'zod';
import { API_KINDS } from '../clients/protocol.js';
import { ARRIVAL_KINDS } from '../core/arrival/arrival-process.js';
import { TRACE_FORMATS } from '../core/trace/trace-entry.js';
import { LENGTH_SPEC_SYNTAX, parseLengthSpec } from '../core/prompts/length-spec.js';

/** Where prompts come from (the request sources). */
export const DATASETS = ['words', 'random', 'sharegpt', 'jsonl'] as const;

/** A length spec as typed (`1024`, `512:2048`, `normal:1024,256`), validated. */
const lengthSpec = z.string().superRefine((raw, ctx) => {
  const s = parseLengthSpec(raw);
  if ('error' in s) ctx.addIssue({ code: 'custom', message: `${s.error} (${LENGTH_SPEC_SYNTAX})` });
});

/**
 * The resolved configuration of one `llmload run`. The CLI and the library both validate through this
 * schema, so a problem is reported the same way whichever door it came in by. Defaults are the seed
 * prototype's, so its users' scripts keep their meaning.
 */
export const runConfigSchema = z.object({
  /** Full URL of the generation endpoint; absent means "start the built-in simulator". */
  endpoint: z
    .url({ protocol: /^https?$/, error: 'must be a full http:// or https:// URL, e.g. http://localhost:8000/v1/completions' })
    .optional(),
  /** Protocol; inferred from the endpoint's path when absent. */
  api: z.enum(API_KINDS).optional(),
  /** Model name; default: the first model GET /v1/models lists. */
  model: z.string().min(1).optional(),
  /** Poisson arrival rate, requests per second (Infinity: all at once, limited by the concurrency cap). */
  ratePerSec: z.number().positive({ error: 'must be a number > 0 (or inf)' }).or(z.literal(Infinity)),
  totalRequests: z.number().int().positive({ error: 'must be a whole number >= 1' }),
  /** Arrivals stop after this many seconds, or after totalRequests, whichever comes first. */
  durationSec: z.number().positive().finite().optional(),
  /** Mean prompt word count (Poisson). */
  wordLambda: z.number().nonnegative().max(1_000_000).finite(),
  maxConcurrency: z.number().int().positive({ error: 'must be a whole number >= 1' }).max(100_000),
  /** Output tokens asked for; absent lets the server decide. */
  maxTokens: z.number().int().positive().optional(),
  seed: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  requestTimeoutSec: z.number().positive().finite(),
  /** After Ctrl-C, how long in-flight requests may finish before they are cut. */
  graceSec: z.number().nonnegative().finite(),
  label: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, { error: 'use 1-64 letters, digits, dot, dash or underscore (it names a folder)' })
    .optional(),
  /** Open connections before the timed run (one per concurrency slot), so TTFT excludes the TCP handshake. */
  warmup: z.boolean(),
  /**
   * The first N requests are warm-up: sent and recorded (marked `warmup`), but left out of every
   * statistic, so JIT, caches and the server's first batches do not colour the figures.
   */
  warmupRequests: z.number().int().nonnegative({ error: 'must be a whole number >= 0' }).max(1_000_000),
  /** GPUs to sample through NVML: 'all', NVML indices, or 'off'. Absent NVML turns it off with a notice. */
  gpus: z.union([z.literal('all'), z.literal('off'), z.array(z.number().int().nonnegative()).min(1)]),
  /** NVML sampling interval. */
  gpuIntervalMs: z.number().min(10, { error: 'must be at least 10 ms' }).max(3_600_000).finite(),
  /**
   * The server's Prometheus endpoint; absent: the endpoint's origin + /metrics, used when it answers;
   * 'off': no scraping.
   */
  metricsUrl: z
    .union([z.literal('off'), z.url({ protocol: /^https?$/, error: 'must be a full http:// or https:// URL (e.g. http://localhost:8000/metrics) or off' })])
    .optional(),
  metricsIntervalMs: z.number().min(10, { error: 'must be at least 10 ms' }).max(3_600_000).finite(),
  /** The request source: the seed's words, token-exact random prompts, or a dataset file. */
  dataset: z.enum(DATASETS),
  /** The dataset file (sharegpt, jsonl). */
  datasetPath: z.string().min(1).optional(),
  /** Rows drawn with the seed ('random'), or the first rows in file order ('file'). */
  datasetOrder: z.enum(['random', 'file']),
  /** Input length spec of the random source (see core/prompts/length-spec.ts). */
  inputTokens: lengthSpec.optional(),
  /** Output length spec, for every source (overrides a dataset's own lengths). */
  outputTokens: lengthSpec.optional(),
  /** Tokenizer that builds and counts prompts: a built-in name, a tokenizer.json path, or 'server'. */
  tokenizer: z.string().min(1),
  /** Tokens of each shared prefix (0: none). */
  prefixTokens: z.number().int().nonnegative().max(1_000_000),
  /** How many distinct shared prefixes; each request is drawn into one. */
  prefixGroups: z.number().int().positive().max(100_000),
  /** A per-run nonce before every prompt, so no earlier run's prefix cache can serve this one. */
  uniquePrefix: z.boolean(),
  /** Send ignore_eos and min_tokens; absent: on for random prompts with an output length. */
  ignoreEos: z.boolean().optional(),
  /** Fields merged into every request body. */
  extraBody: z.record(z.string(), z.unknown()).optional(),
  /** Names of the extra headers sent (--header); their values are never stored. */
  headerNames: z.array(z.string()),
  /** ShareGPT length filters (vLLM's defaults); null turns one off. */
  datasetFilters: z.object({
    minTokens: z.number().int().nonnegative().nullable(),
    maxInputTokens: z.number().int().positive().nullable(),
    maxTotalTokens: z.number().int().positive().nullable(),
  }),
  /** Skip (and count) bad dataset rows instead of refusing the file. */
  skipBadRows: z.boolean(),
  /** Shape of the gaps between arrivals (core/arrival/arrival-process.ts). */
  arrival: z.enum(ARRIVAL_KINDS),
  /** Gamma shape B: CV of the gaps 1/sqrt(B); 1 is Poisson (vLLM's --burstiness). */
  burstiness: z.number().positive({ error: 'must be a number > 0' }).max(1e6).finite().optional(),
  /** The rate ramps from start to end over --duration (vLLM's --ramp-up-strategy). */
  rampUp: z
    .object({
      strategy: z.enum(['linear', 'exponential']),
      startPerSec: z.number().nonnegative({ error: 'must be a number >= 0' }).finite(),
      endPerSec: z.number().nonnegative({ error: 'must be a number >= 0' }).finite(),
    })
    .optional(),
  /** Steps of rate for a duration each (inference-perf's stages); the run lasts their sum. */
  stages: z.array(z.object({ ratePerSec: z.number().positive().finite(), durationSec: z.number().positive().finite() })).min(1).optional(),
  /** Closed loop: N users, each sending its next request when its last one ended (plus think time). */
  users: z.number().int().positive({ error: 'must be a whole number >= 1' }).max(100_000).optional(),
  /** Think time between a user's requests, ms, as a length spec (N, MIN:MAX, normal:M,SD, lognormal:M,S). */
  thinkTimeMs: z
    .string()
    .superRefine((raw, ctx) => {
      const s = parseLengthSpec(raw, 0);
      if ('error' in s) ctx.addIssue({ code: 'custom', message: `${s.error} (milliseconds: ${LENGTH_SPEC_SYNTAX})` });
    })
    .optional(),
  /** Replay this trace file: its timestamps are the send times, its lengths the requests'. */
  trace: z.string().min(1).optional(),
  traceFormat: z.enum(TRACE_FORMATS).optional(),
  /** Multiplies the trace's gaps: 2 is twice as slow, 0.5 twice as fast. */
  timeScale: z.number().positive({ error: 'must be a number > 0' }).finite(),
  /** Replay from this many seconds into the trace. */
  traceStartS: z.number().nonnegative().finite().optional(),
  /** Replay this many trace seconds. */
  traceWindowS: z.number().positive().finite().optional(),
  /** BurstGPT: only this model's rows. */
  traceModel: z.string().min(1).optional(),
  /** A replay whose schedule lag p99 passes this is marked degraded (AIPerf's 500 ms). */
  degradedLagMs: z.number().positive().finite(),
}).superRefine((c, ctx) => {
  if (c.trace !== undefined) {
    if (c.traceFormat === undefined) ctx.addIssue({ code: 'custom', path: ['traceFormat'], message: `--trace needs --trace-format (${TRACE_FORMATS.join(', ')})` });
    if (c.dataset !== 'words') ctx.addIssue({ code: 'custom', path: ['dataset'], message: 'a --trace brings its own requests: no --dataset with it' });
    if (c.users !== undefined || c.rampUp || c.stages || c.arrival !== 'poisson') {
      ctx.addIssue({ code: 'custom', path: ['trace'], message: 'a trace brings its own send times: no --users, --ramp-up, --stages or --arrival with it' });
    }
    if (c.traceModel !== undefined && c.traceFormat !== 'burstgpt') ctx.addIssue({ code: 'custom', path: ['traceModel'], message: 'applies to --trace-format burstgpt' });
  } else {
    for (const k of ['traceFormat', 'traceStartS', 'traceWindowS', 'traceModel'] as const) {
      if (c[k] !== undefined) ctx.addIssue({ code: 'custom', path: [k], message: 'applies to --trace replays' });
    }
    if (c.timeScale !== 1) ctx.addIssue({ code: 'custom', path: ['timeScale'], message: 'applies to --trace replays' });
  }
  if (c.burstiness !== undefined && c.arrival !== 'gamma') {
    ctx.addIssue({ code: 'custom', path: ['burstiness'], message: `applies to --arrival gamma, not ${c.arrival}` });
  }
  if (c.rampUp && c.stages) ctx.addIssue({ code: 'custom', path: ['stages'], message: 'give --stages or --ramp-up, not both' });
  if (c.rampUp && c.durationSec === undefined) ctx.addIssue({ code: 'custom', path: ['rampUp'], message: 'needs --duration: the ramp runs over it' });
  if (c.rampUp && c.rampUp.strategy === 'exponential' && !(c.rampUp.startPerSec > 0 && c.rampUp.endPerSec > 0)) {
    ctx.addIssue({ code: 'custom', path: ['rampUp'], message: 'an exponential ramp needs start and end rates > 0' });
  }
  if (c.rampUp && c.rampUp.startPerSec === 0 && c.rampUp.endPerSec === 0) ctx.addIssue({ code: 'custom', path: ['rampUp'], message: 'start and end rates are both 0' });
  if (c.users !== undefined && (c.rampUp || c.stages)) {
    ctx.addIssue({ code: 'custom', path: ['users'], message: 'closed-loop users send when their last request ends: no --ramp-up or --stages with them' });
  }
  if (c.users !== undefined && c.arrival !== 'poisson') {
    ctx.addIssue({ code: 'custom', path: ['users'], message: `closed-loop users have no arrival process (--arrival ${c.arrival})` });
  }
  if (c.thinkTimeMs !== undefined && c.users === undefined) ctx.addIssue({ code: 'custom', path: ['thinkTimeMs'], message: 'applies to closed-loop --users' });
  const needsFile = c.dataset === 'sharegpt' || c.dataset === 'jsonl';
  if (needsFile && c.datasetPath === undefined) {
    ctx.addIssue({ code: 'custom', path: ['datasetPath'], message: `--dataset ${c.dataset} needs a file` });
  }
  if (!needsFile && c.datasetPath !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['datasetPath'], message: `--dataset ${c.dataset} reads no file (use sharegpt or jsonl)` });
  }
  if (c.inputTokens !== undefined && c.dataset !== 'random') {
    ctx.addIssue({ code: 'custom', path: ['inputTokens'], message: `applies to --dataset random (the ${c.dataset} prompts have their own lengths)` });
  }
  if (c.outputTokens !== undefined && c.maxTokens !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['outputTokens'], message: 'give --output-tokens or --max-tokens, not both' });
  }
  if (c.warmupRequests > 0 && c.warmupRequests >= c.totalRequests) {
    ctx.addIssue({ code: 'custom', path: ['warmupRequests'], message: `must be less than the number of requests (${c.totalRequests}): nothing would be measured` });
  }
});
export type RunConfig = z.infer<typeof runConfigSchema>;
export type RunConfigInput = z.input<typeof runConfigSchema>;

/** Defaults, as the seed prototype had them (plus our own for what it lacked). */
export const RUN_DEFAULTS = {
  ratePerSec: 5,
  totalRequests: 20,
  wordLambda: 15,
  maxConcurrency: 5,
  requestTimeoutSec: 600,
  graceSec: 3,
  warmup: true,
  warmupRequests: 0,
  gpus: 'all',
  gpuIntervalMs: 100,
  metricsIntervalMs: 1000,
  dataset: 'words',
  datasetOrder: 'random',
  tokenizer: 'cl100k',
  prefixTokens: 0,
  prefixGroups: 1,
  uniquePrefix: false,
  headerNames: [],
  // vLLM's ShareGPT filters (benchmark_dataset.py): at least 4 tokens in and out, at most 1,024 in
  // and 2,048 in all.
  datasetFilters: { minTokens: 4, maxInputTokens: 1024, maxTotalTokens: 2048 },
  skipBadRows: false,
  arrival: 'poisson',
  timeScale: 1,
  degradedLagMs: 500,
} as const satisfies Partial<RunConfig>;
