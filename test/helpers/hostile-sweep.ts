import type { SweepResult } from '../../src/core/sweep/sweep-result.js';
import { HOSTILE } from './hostile-run.js';
import { SLO, typicalSweep } from './sweep-fixture.js';

/** Folder names a hostile or careless user could give levels: markup, a URL scheme, a query. */
export const HOSTILE_DIRS = ['"><img src=x onerror="window.__pwned = 5">', 'javascript:alert(6)', 'rate 2?x=1#frag', '../../etc'];
export const SECRET = 'sk-live-do-not-print';

/** A sweep whose every free-text field is hostile, with credentials in its endpoint. */
export function hostileSweep(): SweepResult {
  const base = typicalSweep({ slo: true });
  return {
    ...base,
    mode: 'find-max-rate',
    workload: { ...base.workload, model: HOSTILE.model, endpoint: `http://admin:${SECRET}@10.0.0.7:8000/v1/completions?api_key=${SECRET}` },
    levels: base.levels.map((l, i) => ({
      ...l,
      dir: HOSTILE_DIRS[i % HOSTILE_DIRS.length] as string,
      steadyState: { reached: false, reason: HOSTILE.label },
      stoppedEarly: i === 5 ? { reason: HOSTILE.error } : l.stoppedEarly,
    })),
    maxThroughput: { requestsPerSec: 8.4, outputTokensPerSec: 410, maxConcurrency: 64, dir: HOSTILE_DIRS[0] as string },
    maxRate: { rate: 8, lower: 8, upper: 12, precisionPerSec: 0.5, trials: [{ ratePerSec: 8, held: true, level: 3 }], note: HOSTILE.error },
    slo: SLO,
  };
}
