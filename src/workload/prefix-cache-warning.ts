import type { TelemetrySummary } from '../telemetry/telemetry-summary.js';
import type { WorkloadInfo } from './workload-info.js';

/** Mean scraped prefix-cache hit rate above which a run without shared prefixes is suspect. */
export const PREFIX_CACHE_SUSPECT_RATE = 0.5;

/**
 * A warning when the server's prefix cache served most prompt tokens although the workload shares no
 * prefix: the prompts were already in the cache, most likely from an earlier run with the same seed
 * or dataset rows, and TTFT and throughput are then better than a fresh workload would get (vLLM
 * issue #52884 measured up to 86 %). --unique-prefix, or a new seed, prevents it. null: nothing to say.
 */
export function prefixCacheWarning(workload: WorkloadInfo, telemetry: TelemetrySummary): string | null {
  if (workload.prefix.tokens > 0 || workload.prefix.unique) return null;
  if (telemetry.server.status !== 'on') return null;
  const rate = telemetry.server.figures.prefixCacheHitRate;
  if (!rate || rate.mean < PREFIX_CACHE_SUSPECT_RATE) return null;
  return (
    `the server's prefix cache served ${(rate.mean * 100).toFixed(0)} % of prompt tokens (mean of ${rate.samples} scrapes), ` +
    'though this workload shares no prefix: its prompts were likely cached by an earlier run with the same seed or rows, ' +
    'which flatters TTFT and throughput. Use --unique-prefix (or another --seed) for a cold cache.'
  );
}
