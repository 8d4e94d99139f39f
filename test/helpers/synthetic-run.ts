import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseRunConfig } from '../../src/config/parse-run-config.js';
import { createRng } from '../../src/core/arrival/rng.js';
import type { RequestRecord } from '../../src/core/metrics/request-record.js';
import { summarizeRecords } from '../../src/core/metrics/summary.js';
import { renderRecordLine } from '../../src/report/jsonl.js';
import { savedRunFromRecords, type SavedRun } from '../../src/report/saved-run.js';
import type { RunResult } from '../../src/runner/run-benchmark.js';
import { record } from './record-fixture.js';

/** A fixture run made up, not measured: deterministic for its options, with the shapes real runs have. */
export interface SyntheticRunOptions {
  /** Number of requests. */
  n: number;
  seed?: number;
  ratePerSec?: number;
  maxConcurrency?: number;
  /** Every k-th request (k-1, 2k-1, ...) fails with HTTP 503 and `errorMessage`. 0: none fail. */
  failEvery?: number;
  errorMessage?: string;
  /** Output tokens of request `seq` (default 16-80, drawn). */
  outputTokens?: (seq: number) => number;
  model?: string;
  label?: string;
}

/**
 * Records of a made-up run: Poisson arrivals, TTFT around 40 ms, ~10 ms between tokens, sends a
 * little after arrivals. Built on the hand-checked record fixture, so they stay valid as it does.
 */
export function syntheticRecords(opts: SyntheticRunOptions): RequestRecord[] {
  const rng = createRng(opts.seed ?? 7);
  const rate = opts.ratePerSec ?? 20;
  const records: RequestRecord[] = [];
  let t = 0;
  for (let seq = 0; seq < opts.n; seq++) {
    t += (-Math.log(1 - rng.next()) / rate) * 1000;
    const sent = t + 0.3 + rng.next();
    const fail = (opts.failEvery ?? 0) > 0 && seq % (opts.failEvery as number) === (opts.failEvery as number) - 1;
    const outputTokens = fail ? 0 : (opts.outputTokens?.(seq) ?? 16 + rng.int(64));
    const contentTimesMs: number[] = [];
    let c = sent + 35 + 10 * rng.next();
    for (let k = 0; k < outputTokens; k++) {
      contentTimesMs.push(c);
      c += 8 + 4 * rng.next();
    }
    const r = record({
      seq,
      intendedAtMs: t,
      readyAtMs: t + 0.1,
      sentAtMs: sent,
      headersAtMs: sent + 2,
      contentTimesMs,
      endAtMs: fail ? sent + 3 : (contentTimesMs[contentTimesMs.length - 1] ?? sent) + 0.5,
      status: fail ? 503 : 200,
      ok: !fail,
      error: fail ? { kind: 'http_status', message: opts.errorMessage ?? 'engine overloaded' } : null,
      outputTokens,
      finishReason: fail ? null : 'length',
    });
    // Records gained a separate dispatch time in a later schema: keep it equal to the send when present.
    if ('dispatchedAtMs' in r) Object.assign(r, { dispatchedAtMs: sent });
    records.push(r);
  }
  return records;
}

/** The RunResult a run of these records would have saved (summary computed from them). */
export function syntheticResult(records: RequestRecord[], opts: SyntheticRunOptions): RunResult {
  const config = parseRunConfig({
    ratePerSec: opts.ratePerSec ?? 20,
    // A run that sent nothing (stopped at once) was still asked for at least one request.
    totalRequests: Math.max(1, opts.n),
    maxConcurrency: opts.maxConcurrency ?? 16,
    seed: opts.seed ?? 7,
  });
  return {
    schemaVersion: 1,
    tool: { name: 'llmload', version: 'test' },
    // The label bypasses the config schema's folder-name rule on purpose: a saved file can hold anything.
    config: { ...config, label: opts.label, endpoint: 'http://127.0.0.1:9/v1/completions', api: 'openai-completions', model: opts.model ?? 'test-model' },
    target: { simulated: false, models: { object: 'list', data: [{ id: opts.model ?? 'test-model' }] } },
    startedAt: '2026-01-02T03:04:05.678Z',
    startedAtMonotonicNs: '1000000000',
    interrupted: false,
    stoppedEarly: null,
    requestsNotSent: 0,
    telemetry: NO_TELEMETRY,
    summary: summarizeRecords(records),
  };
}

/** The telemetry of a run on a machine with neither NVML nor a metrics page. */
export const NO_TELEMETRY: RunResult['telemetry'] = {
  gpu: { status: 'off', reason: 'test: no GPU' },
  server: { status: 'off', reason: 'test: no metrics' },
  gpuMemorySource: null,
};

/** A SavedRun in memory, as loadRun would return for the same folder. */
export function syntheticRun(opts: SyntheticRunOptions): SavedRun {
  const records = syntheticRecords(opts);
  return savedRunFromRecords(syntheticResult(records, opts), records);
}

/** Write the run to `dir` as `llmload run` does (requests.jsonl, summary.json). */
export function writeSyntheticRunFolder(dir: string, opts: SyntheticRunOptions): void {
  const records = syntheticRecords(opts);
  writeFileSync(join(dir, 'requests.jsonl'), records.map(renderRecordLine).join(''));
  const json = JSON.stringify(syntheticResult(records, opts), (_k, v: unknown) => (v === Infinity ? 'inf' : v), 2);
  writeFileSync(join(dir, 'summary.json'), `${json}\n`);
}
