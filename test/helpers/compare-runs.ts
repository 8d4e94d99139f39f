import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRunWriter } from '../../src/cli/run-writer.js';
import { parseRunConfig } from '../../src/config/parse-run-config.js';
import type { RunConfigInput } from '../../src/config/run-config.js';
import type { RequestRecord } from '../../src/core/metrics/request-record.js';
import type { OfferedLoad } from '../../src/core/compare/level-match.js';
import { renderRecordLine } from '../../src/report/jsonl.js';
import { runBenchmark, type RunResult } from '../../src/runner/run-benchmark.js';
import type { SimOptions } from '../../src/sim/index.js';
import { syntheticRecords, syntheticResult, type SyntheticRunOptions } from './synthetic-run.js';

/** Write a run folder (requests.jsonl + summary.json) from records and a result, as `llmload run` does. */
export function writeRunFolder(dir: string, result: unknown, records: readonly (RequestRecord & { warmup?: true })[]): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'requests.jsonl'), records.map(renderRecordLine).join(''));
  writeFileSync(join(dir, 'summary.json'), `${JSON.stringify(result, (_k, v: unknown) => (v === Infinity ? 'inf' : v), 2)}\n`);
  return dir;
}

/**
 * A made-up run folder (test/helpers/synthetic-run.ts), its configuration overridable: what the
 * workload check and the loader need, without a server.
 */
export function writeSyntheticCompareRun(dir: string, opts: SyntheticRunOptions, config: Record<string, unknown> = {}): string {
  const records = syntheticRecords(opts);
  const result = syntheticResult(records, opts);
  return writeRunFolder(dir, { ...result, config: { ...result.config, ...config } }, records);
}

/**
 * Run a benchmark against the built-in simulator (real loopback HTTP) and write its folder with the
 * CLI's own run writer. Warm-up of connections off: the runs under comparison should differ only in
 * what the test varies.
 */
export async function simulatedRunFolder(dir: string, config: Partial<RunConfigInput>, simulator: Partial<SimOptions>): Promise<RunResult> {
  mkdirSync(dir, { recursive: true });
  const writer = createRunWriter(dir);
  const result = await runBenchmark({
    config: parseRunConfig({ warmup: false, ...config }),
    simulator,
    hooks: { onRecord: (r) => writer.write(r) },
  });
  await writer.finish(result);
  return result;
}

/** One level of a made-up sweep folder. */
export interface SweepLevelFixture {
  dir: string;
  offered: OfferedLoad;
  run: SyntheticRunOptions;
  config?: Record<string, unknown>;
}

/** A sweep folder after core/sweep/sweep-result.ts: sweep.json and one run folder per level. */
export function writeSweepFolder(dir: string, levels: readonly SweepLevelFixture[], workload: Record<string, unknown> = {}): string {
  mkdirSync(dir, { recursive: true });
  for (const l of levels) writeSyntheticCompareRun(join(dir, l.dir), l.run, l.config);
  const sweep = {
    schemaVersion: 1,
    kind: 'sweep',
    tool: { name: 'llmload', version: 'test' },
    startedAt: '2026-01-02T03:04:05.678Z',
    mode: 'rates',
    workload: {
      endpoint: 'http://127.0.0.1:9/v1/completions',
      api: 'openai-completions',
      model: 'test-model',
      arrival: 'poisson',
      wordLambda: 15,
      maxTokens: undefined,
      totalRequests: 100,
      durationSec: undefined,
      maxConcurrency: 16,
      warmupRequests: 0,
      seed: 1,
      ...workload,
    },
    slo: null,
    maxThroughput: null,
    levels: levels.map((l, index) => ({ index, dir: l.dir, offered: l.offered, achievedRatePerSec: 1, steadyState: { reached: true, reason: '' }, stoppedEarly: null, slo: null })),
    maxRate: null,
    interrupted: false,
  };
  writeFileSync(join(dir, 'sweep.json'), `${JSON.stringify(sweep, null, 2)}\n`);
  return dir;
}
