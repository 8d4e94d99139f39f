import { createWriteStream, type WriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RequestRecord } from '../core/metrics/request-record.js';
import { renderCsvHeader, renderCsvRow } from '../report/csv.js';
import { renderRecordLine } from '../report/jsonl.js';
import type { RunResult } from '../runner/run-benchmark.js';
import type { GpuSample, ServerMetricsSample } from '../telemetry/samples.js';

export const RUN_FILES = {
  records: 'requests.jsonl',
  csv: 'benchmark_results.csv',
  summary: 'summary.json',
  gpu: 'gpu.jsonl',
  serverMetrics: 'server_metrics.jsonl',
} as const;

/**
 * Streams a run to its folder as it happens: each finished request is appended to requests.jsonl and
 * the CSV at once, so an interrupted or crashed run keeps everything that finished, and memory does
 * not grow with the number of requests. summary.json is written last.
 */
export interface RunWriter {
  write(record: RequestRecord): void;
  /** Telemetry samples, one JSON line each; the file is created with its first sample. */
  writeGpuSample(sample: GpuSample): void;
  writeServerSample(sample: ServerMetricsSample): void;
  finish(result: RunResult): Promise<void>;
  /** Close the streams without a summary (setup failed before the run). */
  abandon(): Promise<void>;
}

export function createRunWriter(dir: string): RunWriter {
  const records = createWriteStream(join(dir, RUN_FILES.records), { flags: 'wx' });
  const csv = createWriteStream(join(dir, RUN_FILES.csv), { flags: 'wx' });
  let failure: Error | undefined;
  for (const s of [records, csv]) s.on('error', (err) => (failure ??= err));
  csv.write(renderCsvHeader());
  const close = (s: WriteStream): Promise<void> => new Promise((resolve) => s.end(resolve));
  const lazy: Partial<Record<'gpu' | 'serverMetrics', WriteStream>> = {};
  const line = (which: 'gpu' | 'serverMetrics', value: unknown): void => {
    if (failure) return; // reported by the next write() or finish()
    let stream = lazy[which];
    if (!stream) {
      stream = createWriteStream(join(dir, RUN_FILES[which]), { flags: 'wx' });
      stream.on('error', (err) => (failure ??= err));
      lazy[which] = stream;
    }
    stream.write(`${JSON.stringify(value)}\n`);
  };
  const all = (): WriteStream[] => [records, csv, ...Object.values(lazy)];
  return {
    write(record) {
      if (failure) throw failure;
      records.write(renderRecordLine(record));
      csv.write(renderCsvRow(record));
    },
    writeGpuSample: (s) => line('gpu', s),
    writeServerSample: (s) => line('serverMetrics', s),
    async finish(result) {
      await Promise.all(all().map(close));
      if (failure) throw failure;
      await writeFile(join(dir, RUN_FILES.summary), `${JSON.stringify(result, infinityAsText, 2)}\n`);
    },
    async abandon() {
      await Promise.all(all().map(close));
    },
  };
}

/** JSON has no Infinity; `--rate inf` is saved as the string "inf" rather than a misleading null. */
function infinityAsText(_key: string, value: unknown): unknown {
  return value === Infinity ? 'inf' : value;
}
