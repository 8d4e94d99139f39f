import type { RequestRecord } from '../../src/core/metrics/request-record.js';
import { parseRunConfig } from '../../src/config/parse-run-config.js';
import type { RunConfigInput } from '../../src/config/run-config.js';
import { runBenchmark, type RunOptions, type RunResult } from '../../src/runner/run-benchmark.js';

/**
 * Run a benchmark through the library API and keep every record the onRecord hook saw (in completion
 * order) beside the result. Warm-up is off unless asked for: a test's server counts what arrives.
 */
export async function collectRun(
  config: Partial<RunConfigInput>,
  options: Omit<RunOptions, 'config'> = {},
): Promise<{ result: RunResult; records: RequestRecord[] }> {
  const records: RequestRecord[] = [];
  const result = await runBenchmark({
    ...options,
    config: parseRunConfig({ warmup: false, seed: 1, ...config }),
    hooks: {
      ...options.hooks,
      onRecord: (r) => {
        records.push(r);
        options.hooks?.onRecord?.(r);
      },
    },
  });
  return { result, records };
}

/** Records sorted by send order. */
export function bySeq(records: readonly RequestRecord[]): RequestRecord[] {
  return [...records].sort((a, b) => a.seq - b.seq);
}
