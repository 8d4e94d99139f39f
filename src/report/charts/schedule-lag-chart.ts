import { type ChartBuilder } from './chart.js';
import { distributionLayers } from './distribution-chart.js';
import { formatMs } from './format.js';
import { COLOR } from './theme.js';

/**
 * How late each request left against its Poisson schedule (sent minus intended), over every request
 * sent. Near zero means the server saw the load that was asked for; large values mean it did not,
 * either because the concurrency cap held requests back (the note gives the client-queue share) or
 * because the client itself fell behind.
 */
export const scheduleLagChart: ChartBuilder = (run) => {
  const values = run.requests.map((r) => r.scheduleLagMs);
  const { layer, notes } = distributionLayers(values, {
    name: 'schedule lag',
    axisTitle: 'schedule lag: sent − intended send time (ms)',
    color: COLOR.purple,
    noData: 'No request was sent',
  });
  const queue = run.result.summary.clientQueueMs;
  if (queue && queue.p90 >= 1) {
    notes.unshift(`includes waiting for a concurrency slot: p90 client queue ${formatMs(queue.p90)} (cap ${run.result.config.maxConcurrency})`);
  }
  return { title: 'Schedule lag', notes, layer };
};
