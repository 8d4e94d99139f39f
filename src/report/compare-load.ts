import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { deriveRequestMetrics } from '../core/metrics/derive.js';
import { requestRecordSchema } from '../core/metrics/request-record.js';
import type { CompareRunInput, CompareSweepInput } from '../core/compare/compare-runs.js';
import { SWEEP_FILE } from '../core/sweep/sweep-result.js';
import { createRunSample, measurementWindow, type RequestTimes, type SampleRequest } from '../core/compare/run-sample.js';
import { LlmloadError } from '../errors.js';
import { readJsonLines } from './read-json-lines.js';
import { parseSavedResult } from './saved-result.js';

/**
 * Reading run and sweep folders back for `llmload compare`: the comparison's one impure edge. Its own
 * loader rather than loadRun because it needs what the plots do not (the `warmup` mark of each record,
 * dispatch times for the measurement window) and nothing the plots need (ITL, error texts).
 */

/** A run read back: what compareRuns takes, plus the lines of requests.jsonl that could not be read. */
export interface LoadedCompareRun extends CompareRunInput {
  skipped: { count: number; examples: string[] };
}

export interface LoadedCompareSweep extends CompareSweepInput {
  levels: { offered: CompareSweepInput['levels'][number]['offered']; run: LoadedCompareRun }[];
}

const MAX_SKIP_EXAMPLES = 5;

const isFile = async (path: string): Promise<boolean> => (await stat(path).catch(() => null))?.isFile() ?? false;

/** Whether a folder holds a sweep (sweep.json) or a run (summary.json); throws (exit 2) when neither. */
export async function detectCompareFolder(dir: string): Promise<'run' | 'sweep'> {
  if (!(await stat(dir).catch(() => null))?.isDirectory()) throw bad(dir, 'no such folder');
  if (await isFile(join(dir, SWEEP_FILE))) return 'sweep';
  if (await isFile(join(dir, 'summary.json'))) return 'run';
  throw bad(dir, 'neither summary.json (a run) nor sweep.json (a sweep) is in it');
}

/**
 * Read a run folder: its configuration from summary.json and one sample per counted request from
 * requests.jsonl. Records marked `warmup: true` are counted apart and left out of every statistic. A
 * line that is not a valid record is skipped and counted (a run killed mid-write leaves a torn line).
 */
export async function loadCompareRun(dir: string, name: string = dir): Promise<LoadedCompareRun> {
  if (!(await isFile(join(dir, 'summary.json'))) || !(await isFile(join(dir, 'requests.jsonl')))) {
    throw bad(dir, 'summary.json or requests.jsonl is missing (a run writes summary.json when it ends)');
  }
  let config: Record<string, unknown>;
  try {
    const saved = parseSavedResult(await readJson(dir, 'summary.json'));
    // Two runs of one dataset name but different files differ in workload: the file's hash says so.
    const sha = saved.workload?.dataset?.file.sha256 ?? saved.workload?.trace?.file.sha256;
    config = sha === undefined ? saved.config : { ...saved.config, datasetSha256: sha };
  } catch (err) {
    if (err instanceof LlmloadError) throw err;
    throw bad(dir, `summary.json is not an llmload result: ${(err as Error).message}`);
  }
  const requests: SampleRequest[] = [];
  const windows: RequestTimes[] = [];
  const skipped = { count: 0, examples: [] as string[] };
  let warmupExcluded = 0;
  const skip = (line: number, why: string): void => {
    skipped.count++;
    if (skipped.examples.length < MAX_SKIP_EXAMPLES) skipped.examples.push(`line ${line}: ${why}`);
  };
  await readJsonLines(
    join(dir, 'requests.jsonl'),
    (lineNumber, json) => {
      const parsed = requestRecordSchema.safeParse(json);
      if (!parsed.success) {
        skip(lineNumber, parsed.error.issues.map((i) => `${i.path.join('.') || '(record)'}: ${i.message}`).join('; '));
        return;
      }
      const r = parsed.data;
      if (r.warmup) {
        warmupExcluded++;
        return;
      }
      const m = deriveRequestMetrics(r);
      requests.push({ ok: r.ok, ttftMs: m.ttftMs, tpotMs: m.tpotMs, latencyMs: m.latencyMs, outputTokens: r.outputTokens });
      windows.push({ intendedAtMs: r.intendedAtMs, dispatchedAtMs: r.dispatchedAtMs, endAtMs: r.endAtMs });
    },
    skip,
  );
  if (requests.length === 0) throw bad(dir, 'requests.jsonl holds no counted request');
  const window = measurementWindow(windows, warmupExcluded);
  const sample = createRunSample(requests, window.durationS, window.arrivalGapsMs);
  return { name, config, sample, warmupExcluded, skipped };
}

const offeredSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('rate'), ratePerSec: z.number().positive() }),
  z.object({ kind: z.literal('concurrency'), maxConcurrency: z.number().int().positive() }),
]);

/** sweep.json as compare reads it (core/sweep/sweep-result.ts is the contract); lenient beyond what it uses. */
const sweepFileSchema = z.looseObject({
  kind: z.literal('sweep'),
  workload: z.looseObject({}),
  levels: z.array(
    z.looseObject({
      // A level folder lives inside the sweep folder: a path that leaves it is not read.
      dir: z.string().refine((d) => d !== '' && !isAbsolute(d) && !d.split(/[\\/]/).includes('..'), 'must be a folder inside the sweep folder'),
      offered: offeredSchema,
    }),
  ),
});

/** Read a sweep folder: sweep.json and every level's run folder. */
export async function loadCompareSweep(dir: string): Promise<LoadedCompareSweep> {
  const parsed = sweepFileSchema.safeParse(await readJson(dir, SWEEP_FILE));
  if (!parsed.success) {
    throw bad(dir, `sweep.json is not an llmload sweep: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  }
  const levels = [];
  for (const l of parsed.data.levels) {
    levels.push({ offered: l.offered, run: await loadCompareRun(join(dir, l.dir), join(dir, l.dir)) });
  }
  return { name: dir, workload: parsed.data.workload, levels };
}

async function readJson(dir: string, file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(join(dir, file), 'utf8'));
  } catch (err) {
    throw bad(dir, `${file} is not readable JSON (${(err as Error).message})`);
  }
}

function bad(dir: string, why: string): LlmloadError {
  return new LlmloadError('LLMLOAD_CONFIG_INVALID', `"${dir}" cannot be compared: ${why}`);
}
