import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { requestRecordSchema } from '../core/metrics/request-record.js';
import { LlmloadError } from '../errors.js';
import { readJsonLines } from './read-json-lines.js';
import { createSavedRunBuilder, type SavedRun } from './saved-run.js';
import { parseSavedResult } from './saved-result.js';
import { createTelemetryBuilder, TELEMETRY_FILES, type SavedTelemetry, type TelemetryFileKind } from './telemetry-load.js';

/** The files of a run folder that a report reads (the run writer's names). */
export const RUN_INPUT_FILES = { records: 'requests.jsonl', summary: 'summary.json' } as const;

/**
 * Read a run folder back: summary.json, validated, and requests.jsonl, streamed line by line so a run
 * of any length is read in memory proportional to its requests (chunk times are folded into the ITL
 * distribution as they pass, not kept).
 *
 * This is the reports' one impure edge; everything after it is a pure function of the SavedRun.
 *
 * A line of requests.jsonl that is not a valid record is skipped and counted, not fatal: a run killed
 * while writing leaves a torn last line, and the rest of it is still worth plotting. The count and the
 * first few line numbers with their reasons travel in `run.skipped`, which the CLI prints and the
 * report shows. A folder without a valid summary.json or requests.jsonl is not a run: that throws a
 * LlmloadError (LLMLOAD_CONFIG_INVALID, bad input) naming the folder and what is missing.
 *
 * The telemetry timelines (gpu.jsonl, server_metrics.jsonl) are read the same way when present, into
 * `run.telemetry`; either may be absent (no GPU, a server without /metrics, an older run).
 */
export async function loadRun(dir: string): Promise<SavedRun> {
  const notARun = (why: string): LlmloadError =>
    new LlmloadError('LLMLOAD_CONFIG_INVALID', `"${dir}" is not an llmload run folder: ${why}`);
  const isFile = async (name: string): Promise<boolean> => (await stat(join(dir, name)).catch(() => null))?.isFile() ?? false;
  const dirStat = await stat(dir).catch(() => null);
  if (!dirStat?.isDirectory()) throw notARun('no such folder');
  const absent: string[] = [];
  for (const f of Object.values(RUN_INPUT_FILES)) if (!(await isFile(f))) absent.push(f);
  if (absent.length) {
    throw notARun(`${absent.join(' and ')} missing (a run writes summary.json when it ends; one that was killed before that has none)`);
  }

  let summaryJson: unknown;
  try {
    summaryJson = JSON.parse(await readFile(join(dir, RUN_INPUT_FILES.summary), 'utf8'));
  } catch (err) {
    throw notARun(`summary.json is not valid JSON (${(err as Error).message})`);
  }
  let result;
  try {
    result = parseSavedResult(summaryJson);
  } catch (err) {
    throw notARun(`summary.json is not an llmload result: ${(err as Error).message}`);
  }

  const builder = createSavedRunBuilder();
  await readJsonLines(join(dir, RUN_INPUT_FILES.records), (lineNumber, json) => {
    const parsed = requestRecordSchema.safeParse(json);
    if (parsed.success) builder.add(parsed.data);
    else builder.skip(lineNumber, parsed.error.issues.map((i) => `${i.path.join('.') || '(record)'}: ${i.message}`).join('; '));
  }, builder.skip);
  return builder.finish(result, await loadTelemetry(dir, isFile));
}

/** gpu.jsonl and server_metrics.jsonl of a run folder, those that are there. */
async function loadTelemetry(dir: string, isFile: (name: string) => Promise<boolean>): Promise<SavedTelemetry> {
  const telemetry = createTelemetryBuilder();
  for (const kind of Object.keys(TELEMETRY_FILES) as TelemetryFileKind[]) {
    const file = TELEMETRY_FILES[kind];
    if (!(await isFile(file))) continue;
    telemetry.present(kind);
    await readJsonLines(
      join(dir, file),
      (lineNumber, json) => telemetry.add(kind, lineNumber, json),
      (lineNumber, reason) => telemetry.skip(kind, lineNumber, reason),
    );
  }
  return telemetry.finish();
}
