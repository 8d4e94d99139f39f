/**
 * What a run sent, as summary.json records it: the source, its file (path, size, sha256), the
 * tokenizer and every parameter, so `compare` can tell two workloads apart and a run can be repeated.
 */
export interface WorkloadInfo {
  source: 'words' | 'random' | 'sharegpt' | 'jsonl';
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
    stats: Record<string, unknown>;
  } | null;
}
