import type { RunConfig } from './run-config.js';
import type { ArrivalProcess } from '../core/arrival/arrival-process.js';
import { describeProfile, type RateProfile } from '../core/arrival/rate-profile.js';
import { formatLengthSpec, parseLengthSpec, type LengthSpec } from '../core/prompts/length-spec.js';

/** When requests are sent: an open loop (a gap shape under a rate profile) or closed-loop users. */
export type ArrivalPlan =
  | { kind: 'open'; process: ArrivalProcess; profile: RateProfile }
  | { kind: 'users'; users: number; thinkTime: LengthSpec | null };

export function arrivalPlanOf(c: RunConfig): ArrivalPlan {
  if (c.users !== undefined) {
    const spec = c.thinkTimeMs === undefined ? null : parseLengthSpec(c.thinkTimeMs, 0);
    return { kind: 'users', users: c.users, thinkTime: spec && !('error' in spec) ? spec : null };
  }
  const process: ArrivalProcess =
    c.arrival === 'gamma' ? { kind: 'gamma', burstiness: c.burstiness ?? 1 } : c.arrival === 'constant' ? { kind: 'constant' } : { kind: 'poisson' };
  let profile: RateProfile;
  if (c.stages) profile = { kind: 'stages', stages: c.stages };
  else if (c.rampUp) profile = { kind: 'ramp', ...c.rampUp, durationSec: c.durationSec! };
  else profile = { kind: 'constant', ratePerSec: c.ratePerSec };
  return { kind: 'open', process, profile };
}

/** "Poisson 5 req/s", "gamma (burstiness 0.5) linear ramp 1 -> 20 req/s over 60 s", "closed loop, 8 users". */
export function describeArrivalPlan(p: ArrivalPlan): string {
  if (p.kind === 'users') return `closed loop, ${p.users} users${p.thinkTime ? `, think time ${formatLengthSpec(p.thinkTime)} ms` : ''}`;
  if (p.profile.kind === 'constant' && p.profile.ratePerSec === Infinity) return 'all at once (rate inf)';
  const shape = p.process.kind === 'poisson' ? 'Poisson' : p.process.kind === 'gamma' ? `gamma (burstiness ${p.process.burstiness})` : 'constant-gap';
  return `${shape} ${describeProfile(p.profile)}`;
}

