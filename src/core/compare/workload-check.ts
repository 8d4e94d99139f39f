import { LlmloadError } from '../../errors.js';

/**
 * Whether two runs offered the same workload, so that comparing them measures the server and not the
 * test. A saved configuration is read leniently (a field it lacks is "not set").
 */

/** The fields that define a workload, each as a comparable value. */
export const WORKLOAD_FIELDS = [
  'arrival',
  'ratePerSec',
  'maxConcurrency',
  'dataset',
  'datasetSha256',
  'inputTokens',
  'outputTokens',
  'tokenizer',
  'prefixTokens',
  'prefixGroups',
  'wordLambda',
  'maxTokens',
  'model',
  'api',
] as const;
export type WorkloadField = (typeof WORKLOAD_FIELDS)[number];

/** A workload as compared: numbers and strings, `undefined` for "not set" (a server default). */
export type Workload = Record<WorkloadField, string | number | undefined>;

/** One field on which two runs differ. */
export interface WorkloadDifference {
  field: WorkloadField;
  /** The value as shown to the user ("inf", "not set"). */
  a: string;
  b: string;
}

/**
 * The workload of a run's saved configuration (summary.json's `config`, or a sweep's `workload`).
 * Every run so far is Poisson: a configuration without an `arrival` field is one. The seed, the
 * endpoint and the run length are deliberately not part of it (see docs/compare.md).
 */
export function workloadOf(config: Record<string, unknown>): Workload {
  const pick = (k: string): string | number | undefined => {
    const v = config[k];
    if (typeof v === 'number' || typeof v === 'string') return v;
    return undefined;
  };
  const arrival = config.arrival;
  return {
    arrival: typeof arrival === 'string' ? arrival : typeof arrival === 'object' && arrival !== null ? JSON.stringify(arrival) : 'poisson',
    // A rate of Infinity ("inf" in the file) means all at once, limited by the cap.
    ratePerSec: config.ratePerSec === Infinity ? 'inf' : pick('ratePerSec'),
    maxConcurrency: pick('maxConcurrency'),
    // Runs saved before request sources existed sent the seed's words.
    dataset: pick('dataset') ?? 'words',
    datasetSha256: pick('datasetSha256'),
    inputTokens: pick('inputTokens'),
    outputTokens: pick('outputTokens'),
    // The seed's words are not tokenised (unless a prefix is): its tokenizer does not change them.
    tokenizer: (pick('dataset') ?? 'words') === 'words' && !(Number(config.prefixTokens) > 0) ? undefined : pick('tokenizer'),
    prefixTokens: pick('prefixTokens') ?? 0,
    prefixGroups: Number(config.prefixTokens) > 0 ? pick('prefixGroups') : undefined,
    // Word counts only shape the seed's words.
    wordLambda: (pick('dataset') ?? 'words') === 'words' ? pick('wordLambda') : undefined,
    maxTokens: pick('maxTokens'),
    model: pick('model'),
    api: pick('api'),
  };
}

/** The fields on which `b` differs from `a`, in WORKLOAD_FIELDS order. */
export function diffWorkloads(a: Workload, b: Workload, fields: readonly WorkloadField[] = WORKLOAD_FIELDS): WorkloadDifference[] {
  const show = (v: string | number | undefined): string => (v === undefined ? 'not set' : String(v));
  return fields.filter((f) => a[f] !== b[f]).map((field) => ({ field, a: show(a[field]), b: show(b[field]) }));
}

/** One line per difference: `ratePerSec: 5 in A vs 10 in B`. */
export function describeDifference(d: WorkloadDifference, nameA: string, nameB: string): string {
  return `${d.field} differs: ${d.a} (${nameA}) vs ${d.b} (${nameB})`;
}

/**
 * The runs' workloads differ: a comparison would measure the test, not the server. Exit status 2
 * (bad input), like any LLMLOAD_CONFIG_INVALID; `--force` compares anyway.
 */
export class WorkloadMismatchError extends LlmloadError {
  readonly differences: string[];
  constructor(differences: string[]) {
    super(
      'LLMLOAD_CONFIG_INVALID',
      `the runs do not share one workload, so their difference would not be the server's:\n${differences.map((d) => `  ${d}`).join('\n')}\n` +
        'Compare runs of the same workload, or pass --force to compare anyway.',
    );
    this.name = 'WorkloadMismatchError';
    this.differences = differences;
  }
}
