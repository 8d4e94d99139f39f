import { z } from 'zod';
import { SERVER_FIGURES, type GpuSample, type ServerMetricsSample } from '../telemetry/samples.js';

/** The telemetry files of a run folder, beside requests.jsonl (the samplers' names). */
export const TELEMETRY_FILES = { gpu: 'gpu.jsonl', server: 'server_metrics.jsonl' } as const;
export type TelemetryFileKind = keyof typeof TELEMETRY_FILES;

/** Lines of a JSON-lines file that could not be read: how many, and the first few with their reason. */
export interface SkippedLines {
  count: number;
  examples: string[];
}

/**
 * A run's telemetry as the reports take it: every GPU and server sample that could be read, in time
 * order. Empty arrays when a file is absent (no GPU, a server without /metrics, an older run);
 * `files` says which were there at all, so a chart can tell "not recorded" from "recorded nothing".
 */
export interface SavedTelemetry {
  gpu: GpuSample[];
  server: ServerMetricsSample[];
  files: Record<TelemetryFileKind, boolean>;
  skipped: Record<TelemetryFileKind, SkippedLines>;
}

const MAX_SKIP_EXAMPLES = 5;

/** The telemetry of a run that recorded none. */
export function emptyTelemetry(): SavedTelemetry {
  return {
    gpu: [],
    server: [],
    files: { gpu: false, server: false },
    skipped: { gpu: { count: 0, examples: [] }, server: { count: 0, examples: [] } },
  };
}

const finite = z.number().refine(Number.isFinite, 'expected a finite number');
const nonNegative = finite.refine((v) => v >= 0, 'expected a number >= 0');

/** One line of gpu.jsonl. Unknown fields are dropped (a newer sampler may add some). */
export const gpuSampleSchema = z.object({
  tMs: finite,
  gpu: z.number().int().nonnegative(),
  name: z.string(),
  memoryUsedMiB: nonNegative,
  memoryTotalMiB: nonNegative,
  memoryReservedMiB: nonNegative.nullable(),
  utilizationPct: nonNegative.nullable(),
  memoryApi: z.enum(['v2', 'v1']),
}) satisfies z.ZodType<GpuSample>;

/** One line of server_metrics.jsonl. */
export const serverMetricsSampleSchema = z.object({
  tMs: finite,
  ok: z.boolean(),
  error: z.string().nullable(),
  running: nonNegative.nullable(),
  waiting: nonNegative.nullable(),
  kvCacheUsage: nonNegative.nullable(),
  preemptionsPerSec: nonNegative.nullable(),
  prefixCacheHitRate: nonNegative.nullable(),
  promptTokensPerSec: nonNegative.nullable(),
  generationTokensPerSec: nonNegative.nullable(),
  gpuMemoryUsedMiB: z.array(nonNegative).nullable(),
  sources: z.partialRecord(z.enum(SERVER_FIGURES), z.string()),
}) satisfies z.ZodType<ServerMetricsSample>;

export interface TelemetryBuilder {
  /** One parsed JSON line of `kind`'s file: validated, kept if valid, counted as skipped if not. */
  add(kind: TelemetryFileKind, lineNumber: number, json: unknown): void;
  skip(kind: TelemetryFileKind, lineNumber: number, reason: string): void;
  /** Mark a file as present (even if it held no valid line). */
  present(kind: TelemetryFileKind): void;
  finish(): SavedTelemetry;
}

/**
 * Collects telemetry samples line by line. Memory: an hour at 100 ms on 8 GPUs is 288,000 GPU
 * samples. Each is kept as one small object of numbers, and the strings that repeat on every line
 * (the device name, the memory API, a scrape's error, the map of metric sources) are interned, so a
 * sample costs about 150 bytes of heap instead of carrying its own copies: 288,000 GPU samples and
 * 36,000 scrapes took 48 MiB when measured. Plotting downsamples later (plots/).
 */
export function createTelemetryBuilder(): TelemetryBuilder {
  const t = emptyTelemetry();
  const strings = new Map<string, string>();
  const intern = (s: string): string => {
    const known = strings.get(s);
    if (known !== undefined) return known;
    // Only the few distinct values are worth keeping; a server that sends a new error every scrape
    // must not grow the table without bound.
    if (strings.size < 1000) strings.set(s, s);
    return s;
  };
  const sourceMaps = new Map<string, ServerMetricsSample['sources']>();
  const internSources = (sources: ServerMetricsSample['sources']): ServerMetricsSample['sources'] => {
    const key = JSON.stringify(sources);
    const known = sourceMaps.get(key);
    if (known) return known;
    if (sourceMaps.size < 100) sourceMaps.set(key, sources);
    return sources;
  };
  let sorted = { gpu: true, server: true };
  const skip = (kind: TelemetryFileKind, lineNumber: number, reason: string): void => {
    const s = t.skipped[kind];
    s.count++;
    if (s.examples.length < MAX_SKIP_EXAMPLES) s.examples.push(`line ${lineNumber}: ${reason}`);
  };
  return {
    add(kind, lineNumber, json) {
      if (kind === 'gpu') {
        const parsed = gpuSampleSchema.safeParse(json);
        if (!parsed.success) return skip(kind, lineNumber, describeIssues(parsed.error));
        const s = parsed.data;
        s.name = intern(s.name);
        s.memoryApi = s.memoryApi === 'v2' ? 'v2' : 'v1';
        const last = t.gpu[t.gpu.length - 1];
        if (last && last.tMs > s.tMs) sorted.gpu = false;
        t.gpu.push(s);
      } else {
        const parsed = serverMetricsSampleSchema.safeParse(json);
        if (!parsed.success) return skip(kind, lineNumber, describeIssues(parsed.error));
        const s = parsed.data;
        if (s.error !== null) s.error = intern(s.error);
        s.sources = internSources(s.sources);
        const last = t.server[t.server.length - 1];
        if (last && last.tMs > s.tMs) sorted.server = false;
        t.server.push(s);
      }
    },
    skip,
    present(kind) {
      t.files[kind] = true;
    },
    finish() {
      // Samplers append in time order; a stable sort only when a file says otherwise.
      if (!sorted.gpu) t.gpu.sort((a, b) => a.tMs - b.tMs);
      if (!sorted.server) t.server.sort((a, b) => a.tMs - b.tMs);
      sorted = { gpu: true, server: true };
      return t;
    },
  };
}

/** Telemetry from samples already in memory (tests, or a library user who holds the timelines). */
export function telemetryFromSamples(gpu: readonly unknown[], server: readonly unknown[]): SavedTelemetry {
  const b = createTelemetryBuilder();
  if (gpu.length) b.present('gpu');
  if (server.length) b.present('server');
  gpu.forEach((s, i) => b.add('gpu', i + 1, s));
  server.forEach((s, i) => b.add('server', i + 1, s));
  return b.finish();
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(sample)'}: ${i.message}`).join('; ');
}
