import type { DatasetStats } from './load-dataset.js';

/**
 * What a run sent, as summary.json records it: the source, its file (path, size, sha256), the
 * tokenizer and every parameter, so `compare` can tell two workloads apart and a run can be repeated.
 */
export interface WorkloadInfo {
  source: 'words' | 'random' | 'sharegpt' | 'jsonl' | 'trace';
  /** The tokenizer prompts were built and counted with; null for the seed's words without prefixes. */
  tokenizer: { name: string; description: string } | null;
  /** --input-tokens as given (random only). */
  inputTokens: string | null;
  /** --output-tokens (or a fixed --max-tokens) as given; null: the dataset's or the server's lengths. */
  outputTokens: string | null;
  /** Whether ignore_eos and min_tokens were sent. */
  ignoreEos: boolean;
  /** Shared prefixes: tokens each, how many groups, and the per-run nonce of --unique-prefix. */
  prefix: { tokens: number; groups: number; unique: boolean; nonce: string | null };
  dataset: {
    format: 'sharegpt' | 'jsonl';
    order: 'random' | 'file';
    file: { path: string; sizeBytes: number; sha256: string };
    stats: DatasetStats;
  } | null;
  /** A trace replay: the file, the slice and speed, what was read. */
  trace?: {
    format: string;
    file: { path: string; sizeBytes: number; sha256: string };
    timeScale: number;
    startS: number;
    windowS: number | null;
    entries: number;
    /** The slice held more entries than --total_requests allowed. */
    capped: boolean;
    stats: { rows: number; badRows: number; badRowExamples: string[]; skipped: Record<string, number> };
  };
  /** What the run found about its workload (a prefix cache warm from an earlier run); set after the run. */
  warnings: string[];
}

/** What a user should hear about the dataset before the run: rows skipped, filtered, or repeated. */
export function datasetNotices(info: WorkloadInfo): string[] {
  const t = info.trace;
  if (t) {
    const out: string[] = [];
    if (t.stats.badRows > 0) out.push(`llmload: skipped ${t.stats.badRows} malformed rows of ${t.file.path} (--skip-bad-rows); the first: ${t.stats.badRowExamples[0] ?? ''}`);
    for (const [why, n] of Object.entries(t.stats.skipped)) out.push(`llmload: left out ${n} trace rows of ${t.file.path}: ${why}`);
    if (t.capped) out.push(`llmload: the replay stops after ${t.entries} entries (--total_requests); the slice holds more`);
    return out;
  }
  const d = info.dataset;
  if (!d) return [];
  const s = d.stats;
  const out: string[] = [];
  if (s.badRows > 0) {
    out.push(`llmload: skipped ${s.badRows} malformed rows of ${d.file.path} (--skip-bad-rows); the first: ${s.badRowExamples[0] ?? ''}`);
  }
  const f = s.filtered;
  if (f.tooShort + f.inputTooLong + f.totalTooLong > 0) {
    out.push(
      `llmload: the length filters left out ${f.tooShort + f.inputTooLong + f.totalTooLong} of ${s.counted} rows counted ` +
        `(${f.tooShort} too short, ${f.inputTooLong} over the input limit, ${f.totalTooLong} over the total limit; see --dataset-min-tokens and friends)`,
    );
  }
  if (s.repeated > 0) {
    out.push(
      `llmload: ${d.file.path} has ${s.distinctRows} usable rows for ${s.distinctRows + s.repeated} requests: ` +
        `${s.repeated} requests reuse rows (${d.order === 'random' ? 'drawn again with the seed' : 'from the start again'})`,
    );
  }
  return out;
}
