import { z } from 'zod';
import { REQUEST_ERROR_KINDS } from '../core/metrics/request-record.js';
import { parseTelemetryStatus } from './telemetry-status.js';

/**
 * summary.json as the report reads it back. Validated at the boundary because a run folder is a file
 * anyone can edit (or a hostile server's text can sit inside); after this the renderers trust the types.
 *
 * Deliberately more lenient than the runner's own types: the configuration keeps fields it does not
 * know (a newer llmload may add some) and the report shows them all, so an old reader still plots a
 * newer run. Only what the charts and tables use is required.
 */
const distributionSchema = z.object({
  count: z.number().int().nonnegative(),
  mean: z.number(),
  min: z.number(),
  p50: z.number(),
  p90: z.number(),
  p95: z.number(),
  p99: z.number(),
  max: z.number(),
  exact: z.boolean(),
});

export const summarySchema = z.object({
  requests: z.object({
    total: z.number().int().nonnegative(),
    completed: z.number().int().nonnegative(),
    failed: z.number().int().nonnegative(),
    errorsByKind: z.partialRecord(z.enum(REQUEST_ERROR_KINDS), z.number()),
    errorsByStatus: z.record(z.string(), z.number()),
  }),
  durationS: z.number(),
  requestThroughputPerSec: z.number(),
  outputTokenThroughputPerSec: z.number(),
  totalTokenThroughputPerSec: z.number(),
  totalInputTokens: z.number(),
  totalOutputTokens: z.number(),
  tokenSources: z.object({ inputFromUsage: z.number(), outputFromUsage: z.number() }),
  ttftMs: distributionSchema.nullable(),
  tpotMs: distributionSchema.nullable(),
  itlMs: distributionSchema.nullable(),
  latencyMs: distributionSchema.nullable(),
  scheduleLagMs: distributionSchema.nullable(),
  clientQueueMs: distributionSchema.nullable(),
  /** Dispatch to the request's bytes leaving (older runs have none). */
  sendDelayMs: distributionSchema.nullable().optional(),
  /** Time to first answer token (newer runs only). */
  ttfotMs: distributionSchema.nullable().optional(),
  /** Lengths asked against lengths served (newer runs only). */
  lengthChecks: z
    .object({
      output: z.object({ checked: z.number(), mismatched: z.number(), short: z.number(), long: z.number() }),
      input: z.object({ checked: z.number(), mismatched: z.number(), templateTokens: z.record(z.string(), z.number()) }),
    })
    .optional(),
  reasoning: z.object({ requests: z.number(), tokens: z.number(), noAnswer: z.number() }).optional(),
});

/** JSON has no Infinity: the run writer saves `--rate inf` as the string "inf". */
const rateSchema = z.union([z.number().positive(), z.literal('inf').transform(() => Infinity)]);

export const savedResultSchema = z.object({
  schemaVersion: z.literal(1),
  tool: z.object({ name: z.string(), version: z.string() }),
  config: z.looseObject({
    endpoint: z.string(),
    api: z.string(),
    model: z.string().optional(),
    ratePerSec: rateSchema,
    totalRequests: z.number(),
    maxConcurrency: z.number(),
    seed: z.number(),
    durationSec: z.number().optional(),
    maxTokens: z.number().optional(),
    label: z.string().optional(),
  }),
  target: z.object({ simulated: z.boolean(), models: z.unknown() }),
  startedAt: z.string(),
  interrupted: z.boolean(),
  requestsNotSent: z.number().int().nonnegative(),
  summary: summarySchema,
  /** Whether GPU and server telemetry were on, and why not (newer runs only; never fatal, see parseTelemetryStatus). */
  telemetry: z.unknown().optional().transform(parseTelemetryStatus),
  /** What was sent (newer runs only): the dataset file's hash is part of the compared workload. */
  workload: z
    .looseObject({
      source: z.string().optional(),
      tokenizer: z.looseObject({ name: z.string() }).nullable().optional(),
      dataset: z.looseObject({ file: z.looseObject({ path: z.string(), sha256: z.string() }) }).nullable().optional(),
      trace: z.looseObject({ file: z.looseObject({ path: z.string(), sha256: z.string() }) }).optional(),
      warnings: z.array(z.string()).optional(),
    })
    .optional(),
});

/** A run's summary.json, validated. `config.ratePerSec` is a number (Infinity for `inf`). */
export type SavedResult = z.infer<typeof savedResultSchema>;
export type SavedDistribution = z.infer<typeof distributionSchema>;

/**
 * Validate a parsed summary.json (or an in-memory RunResult). Throws an Error listing every problem,
 * each with its field path, when it is not one.
 */
export function parseSavedResult(input: unknown): SavedResult {
  // An in-memory RunResult carries Infinity where the file carries "inf": accept both.
  const normalized = replaceInfinity(input);
  const parsed = savedResultSchema.safeParse(normalized);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  throw new Error(problems.join('; '));
}

function replaceInfinity(input: unknown): unknown {
  if (input && typeof input === 'object' && 'config' in input) {
    const config = (input as { config: unknown }).config;
    if (config && typeof config === 'object' && (config as { ratePerSec?: unknown }).ratePerSec === Infinity) {
      return { ...input, config: { ...config, ratePerSec: 'inf' } };
    }
  }
  return input;
}
