import { z } from 'zod';
import { API_KINDS } from '../clients/protocol.js';

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
}).superRefine((c, ctx) => {
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
} as const satisfies Partial<RunConfig>;
