import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { SLO_METRICS } from '../core/slo/slo-types.js';
import type { SweepResult } from '../core/sweep/sweep-result.js';
import { summarySchema } from './saved-result.js';

/**
 * sweep.json as the sweep report reads it back (core/sweep/sweep-result.ts is what the runner writes).
 * Validated at the boundary: a sweep folder is a file someone may have edited, truncated or forged,
 * and the renderers then trust it. Level folders must stay inside the sweep folder.
 */
const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const slo = z.object({
  perRequest: z.partialRecord(z.enum(SLO_METRICS), z.number()),
  percentiles: z.array(z.object({ metric: z.enum(SLO_METRICS), p: z.number(), limitMs: z.number() })),
});
const sloResult = z.object({
  requests: z.number(),
  meetingAll: z.number(),
  attainment: z.number(),
  goodputRequestsPerSec: z.number(),
  goodputOutputTokensPerSec: z.number(),
  violations: z.partialRecord(z.enum(SLO_METRICS), z.number()),
  objectives: z.array(
    z.object({ name: z.string(), metric: z.enum(SLO_METRICS), p: z.number(), limitMs: z.number(), actualMs: z.number().nullable(), held: z.boolean() }),
  ),
  allObjectivesHeld: z.boolean(),
});
const level = z.object({
  index: z.number().int().nonnegative(),
  dir: z.string().refine((d) => d !== '' && !isAbsolute(d) && !d.split(/[\\/]/).includes('..'), 'must be a folder inside the sweep folder'),
  offered: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('rate'), ratePerSec: z.number().positive() }),
    z.object({ kind: z.literal('concurrency'), maxConcurrency: z.number().int().positive() }),
  ]),
  summary: summarySchema.extend({ requests: summarySchema.shape.requests.extend({ warmup: z.number().int().nonnegative().default(0) }) }),
  achievedRatePerSec: finite,
  // Sweeps written before the field existed have none: read back as null and filled in below.
  sentRatePerSec: finite.nullable().default(null),
  steadyState: z.object({ reached: z.boolean(), reason: z.string() }),
  stoppedEarly: z.object({ reason: z.string() }).nullable(),
  slo: sloResult.nullable(),
});
export const savedSweepSchema = z.object({
  schemaVersion: z.literal(1),
  kind: z.literal('sweep'),
  tool: z.object({ name: z.string(), version: z.string() }),
  startedAt: z.string(),
  mode: z.enum(['rates', 'concurrencies', 'auto', 'find-max-rate']),
  workload: z.object({
    endpoint: z.string(),
    api: z.string(),
    model: z.string().optional(),
    arrival: z.literal('poisson'),
    wordLambda: z.number(),
    maxTokens: z.number().optional(),
    totalRequests: z.number(),
    durationSec: z.number().optional(),
    maxConcurrency: z.number(),
    warmupRequests: z.number(),
    seed: z.number(),
  }),
  slo: slo.nullable(),
  maxThroughput: z.object({ requestsPerSec: z.number(), outputTokensPerSec: z.number(), maxConcurrency: z.number(), dir: z.string() }).nullable(),
  levels: z.array(level),
  maxRate: z
    .object({
      rate: z.number().nullable(),
      lower: z.number().nullable(),
      upper: z.number().nullable(),
      precisionPerSec: z.number(),
      trials: z.array(z.object({ ratePerSec: z.number(), held: z.boolean(), level: z.number() })),
      note: z.string(),
    })
    .nullable(),
  interrupted: z.boolean(),
});

/** Validate a parsed sweep.json; throws an Error listing what is wrong, field by field. */
export function parseSavedSweep(input: unknown): SweepResult {
  const parsed = savedSweepSchema.safeParse(input);
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '));
  const levels = parsed.data.levels.map((l) => ({
    ...l,
    // An older sweep: its offered rate stands in for the drawn one (a closed-loop level's completions).
    sentRatePerSec: l.sentRatePerSec ?? (l.offered.kind === 'rate' ? l.offered.ratePerSec : l.achievedRatePerSec),
  }));
  return { ...parsed.data, levels } as SweepResult;
}
