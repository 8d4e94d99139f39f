import { SLO_METRICS, type SloMetric, type SloSpec } from '../../core/slo/slo-types.js';
import { formatNumber } from '../charts/format.js';

const METRIC_NAMES: Record<SloMetric, string> = { ttft: 'TTFT', tpot: 'TPOT', itl: 'largest ITL gap', latency: 'latency' };

/**
 * An SLO in words, for chart notes and the report: "per request: TTFT ≤ 500 ms, TPOT ≤ 50 ms;
 * p99 TTFT ≤ 800 ms". Numbers only; nothing here comes from a server.
 */
export function describeSlo(spec: SloSpec): string {
  const perRequest = SLO_METRICS.flatMap((m) => {
    const limit = spec.perRequest[m];
    return limit === undefined ? [] : [`${METRIC_NAMES[m]} ≤ ${formatNumber(limit)} ms`];
  });
  const objectives = spec.percentiles.map((o) => `p${formatNumber(o.p)} ${o.metric === 'itl' ? 'ITL' : METRIC_NAMES[o.metric]} ≤ ${formatNumber(o.limitMs)} ms`);
  const parts: string[] = [];
  if (perRequest.length) parts.push(`per request: ${perRequest.join(', ')}`);
  if (objectives.length) parts.push(`over the level: ${objectives.join(', ')}`);
  return parts.join('; ') || 'no objective';
}
