import { ConfigError, type ConfigProblem } from '../errors.js';
import { arrivalBudget } from '../core/arrival/arrival-process.js';
import { expectedArrivals, profileDurationSec } from '../core/arrival/rate-profile.js';
import { arrivalPlanOf } from './arrival-plan.js';
import { RUN_DEFAULTS, runConfigSchema, type RunConfig } from './run-config.js';

/**
 * Validate a partial configuration (defaults filled in) and return it typed, or throw a ConfigError
 * listing every problem at once. `fieldNames` maps config fields to the names the user typed
 * (the CLI passes flag names) so each message names what the user can fix.
 */
/** Entries a replay sends at most without --total_requests (each prompt is built before the run). */
export const TRACE_DEFAULT_MAX_ENTRIES = 10_000;
/** A replay's concurrency cap without --max_concurrency: high, so the trace's rate is offered. */
export const TRACE_DEFAULT_MAX_CONCURRENCY = 1024;

export function parseRunConfig(input: Record<string, unknown>, fieldNames: Record<string, string> = {}): RunConfig {
  const withDefaults = { ...RUN_DEFAULTS, ...dropUndefined(input) };
  const result = runConfigSchema.safeParse(withDefaults);
  if (result.success) {
    // --stages and --ramp-up end by themselves: without --total_requests, the budget is what they can
    // bring (the expected count with room to spare), not the seed's default of 20.
    // A replay's cap on entries; its concurrency cap must not throttle the trace's own rate.
    if (result.data.trace !== undefined) {
      if (input.totalRequests === undefined) result.data.totalRequests = TRACE_DEFAULT_MAX_ENTRIES;
      if (input.maxConcurrency === undefined) result.data.maxConcurrency = TRACE_DEFAULT_MAX_CONCURRENCY;
    }
    if (input.totalRequests === undefined) {
      const plan = arrivalPlanOf(result.data);
      if (plan.kind === 'open' && plan.profile.kind !== 'constant') {
        const end = profileDurationSec(plan.profile)!;
        result.data.totalRequests = arrivalBudget(expectedArrivals(plan.profile, Math.min(end, result.data.durationSec ?? end)), plan.process);
      }
    }
    return result.data;
  }
  const problems: ConfigProblem[] = result.error.issues.map((issue) => {
    const key = String(issue.path[0] ?? '');
    return { field: fieldNames[key] ?? (key || '(config)'), message: issue.message };
  });
  throw new ConfigError(problems);
}

function dropUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
