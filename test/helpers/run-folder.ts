import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { requestRecordSchema, type RequestRecord } from '../../src/core/metrics/request-record.js';
import type { RunResult } from '../../src/runner/run-benchmark.js';

/** A run folder as written by the CLI, read back and checked against the record schema. */
export interface RunFolder {
  /** requests.jsonl, one record per line, in file (completion) order. */
  records: RequestRecord[];
  /** benchmark_results.csv: the header row, then each row as column -> cell text. */
  csvHeader: string[];
  csvRows: Record<string, string>[];
  /** summary.json, or undefined when the run wrote none. */
  summary: RunResult | undefined;
}

export function readRunFolder(dir: string): RunFolder {
  const lines = readFileSync(join(dir, 'requests.jsonl'), 'utf8').split('\n').filter((l) => l.length > 0);
  const records = lines.map((l) => requestRecordSchema.parse(JSON.parse(l)));
  const table = parse(readFileSync(join(dir, 'benchmark_results.csv'), 'utf8')) as string[][];
  const csvHeader = table[0] ?? [];
  const csvRows = table.slice(1).map((row) => Object.fromEntries(csvHeader.map((c, i) => [c, row[i] ?? ''])));
  const summaryPath = join(dir, 'summary.json');
  const summary = existsSync(summaryPath) ? (JSON.parse(readFileSync(summaryPath, 'utf8')) as RunResult) : undefined;
  return { records, csvHeader, csvRows, summary };
}
