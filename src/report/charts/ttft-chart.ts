import { type ChartBuilder } from './chart.js';
import { distributionLayers } from './distribution-chart.js';
import { formatCount } from './format.js';
import { COLOR } from './theme.js';

/**
 * The seed's ttft_distribution: how long successful requests waited for their first token, as a
 * histogram with p50 / p90 / p99 marked. A tight single peak is a steady server; a second hump or a
 * long right tail is queueing (prefill waiting behind other requests' decode).
 */
export const ttftChart: ChartBuilder = (run) => {
  const values: number[] = [];
  for (const r of run.requests) if (r.ok && r.ttftMs !== null) values.push(r.ttftMs);
  const failed = run.requests.filter((r) => !r.ok).length;
  const { layer, notes } = distributionLayers(values, {
    name: 'TTFT',
    axisTitle: 'time to first token (ms)',
    color: COLOR.sky,
    noData: 'No successful request: no time to first token to show',
  });
  if (failed) notes.unshift(`successful requests only (${formatCount(failed)} failed)`);
  return { title: 'Time to first token (TTFT)', notes, layer };
};
