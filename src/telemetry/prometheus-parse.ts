/**
 * Prometheus text exposition (format 0.0.4, and the OpenMetrics text that servers answer with when
 * asked for it) -> our own typed, validated form: every sample by its exact name, with its labels and
 * a number (NaN and +/-Inf included), plus the types the page declared.
 *
 * The tokenising of sample lines (label escapes, values, timestamps) is done by the library
 * parse-prometheus-text-format. Two of its behaviours make its own grouping unfit for server pages,
 * so it is given only the sample lines and we keep the metadata ourselves:
 * - it groups samples into families by the `# TYPE` name, so a histogram with labels (every vLLM and
 *   SGLang histogram: model_name, engine) comes back with the buckets of all series merged into one
 *   map and its `_sum`/`_count` dropped (checked against 1.1.1: `h_sum{engine="0"}` is lost);
 * - it treats `# TYPE x counter` and the sample `x_total` (OpenMetrics naming) as two families;
 * - it silently drops the last line when the text does not end with a newline, and silently skips
 *   lines it cannot name (`{"error":...}` parses to nothing).
 * Without `# TYPE` lines every sample name is a family of its own, which is lossless; we then check
 * that every sample line produced exactly one valid sample.
 */
import { createRequire } from 'node:module';
import { excerpt } from '../text-excerpt.js';

export type PromMetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

/** One sample line: `name{labels} value`. */
export interface PromSample {
  /** The exact sample name, suffix included: `vllm:prompt_tokens_total`, `x_bucket`, `x_sum`. */
  name: string;
  labels: Readonly<Record<string, string>>;
  /** NaN, Infinity and -Infinity are kept as such; consumers decide what a non-finite value means. */
  value: number;
}

export interface PromExposition {
  /** Samples by exact sample name, in page order. */
  samples: ReadonlyMap<string, readonly PromSample[]>;
  /** Types as declared by `# TYPE name type`, keyed by the name written there. */
  types: ReadonlyMap<string, PromMetricType>;
  sampleCount: number;
}

export type PromParseResult = { ok: true; exposition: PromExposition } | { ok: false; error: string };

/** What parse-prometheus-text-format 1.1.1 returns (prom2json-like); only the fields we read. */
interface LibSample {
  value?: string;
  labels?: Record<string, string>;
}
interface LibFamily {
  name: string;
  type: string;
  metrics: LibSample[];
}

// The library is CommonJS without types: load it through require and give it its type here.
const parseWithLibrary = createRequire(import.meta.url)('parse-prometheus-text-format') as (text: string) => LibFamily[];

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const FLOAT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
/** The name of a sample line that has something after it (labels or a value). */
const SAMPLE_NAME = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{|[ \t]+\S)/;
const TYPE_LINE = /^#\s*TYPE\s+(\S+)\s+(\S+)\s*$/;
const TYPES: ReadonlySet<string> = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
/** OpenMetrics also declares these; for our purposes they are histograms, summaries or untyped. */
const OPENMETRICS_TYPES: Readonly<Record<string, PromMetricType>> = {
  gaugehistogram: 'histogram',
  info: 'untyped',
  stateset: 'untyped',
  unknown: 'untyped',
};
/** Suffixes a sample name may carry beyond its family name (text format and OpenMetrics). */
const SUFFIXES = ['_total', '_created', '_bucket', '_sum', '_count', '_gsum', '_gcount', '_info'];

/**
 * A sample value as the exposition writes it: Go's and Python's float formats, `+Inf`/`-Inf`/`NaN`
 * (any case; Go also writes `Inf`). Null when it is not a number, including the empty string (which
 * Number() would read as 0).
 */
export function parsePromValue(text: string): number | null {
  if (FLOAT.test(text)) return Number(text);
  switch (text.toLowerCase()) {
    case '+inf':
    case 'inf':
      return Infinity;
    case '-inf':
      return -Infinity;
    case 'nan':
      return NaN;
    default:
      return null;
  }
}

export interface PromParseOptions {
  /**
   * Keep only samples whose name passes: the others are checked for a valid metric name and skipped
   * before the library sees them. On a vLLM page most lines are histogram buckets nobody reads, and
   * the library spends ~6 us per line (measured on a 1,546-line page of 8 engines: 9.3 ms parsed whole, 0.7 ms with the scraper's names kept).
   */
  keep?: (sampleName: string) => boolean;
}

/**
 * Parse one exposition page. Never throws: a page that is not Prometheus text (an HTML error page,
 * JSON, a truncated line) comes back as `{ ok: false, error }` naming the first bad line.
 */
export function parsePrometheusText(text: string, options: PromParseOptions = {}): PromParseResult {
  const keep = options.keep;
  const lines = text.split('\n');
  const sampleLines: string[] = [];
  const lineNumbers: number[] = [];
  const types = new Map<string, PromMetricType>();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    if (line.startsWith('#')) {
      // HELP, UNIT, EOF and free comments carry nothing we use; TYPE is kept for typeOfSample().
      const m = TYPE_LINE.exec(line);
      if (m) {
        const type = m[2]!.toLowerCase();
        const known = TYPES.has(type) ? (type as PromMetricType) : OPENMETRICS_TYPES[type];
        if (!METRIC_NAME.test(m[1]!) || known === undefined) return fail(i + 1, line, 'not a valid # TYPE line');
        types.set(m[1]!, known);
      }
      continue;
    }
    if (keep) {
      const name = SAMPLE_NAME.exec(line)?.[1];
      if (name === undefined) return fail(i + 1, line, 'not a Prometheus sample line');
      if (!keep(name)) continue;
    }
    sampleLines.push(line);
    lineNumbers.push(i + 1);
  }

  const samples = new Map<string, PromSample[]>();
  let sampleCount = 0;
  let families: LibFamily[];
  try {
    families = sampleLines.length === 0 ? [] : parseWithLibrary(`${sampleLines.join('\n')}\n`);
  } catch {
    return locateBadLine(sampleLines, lineNumbers);
  }
  for (const f of families) {
    for (const s of f.metrics) {
      const sample = toSample(f.name, s);
      if (sample === null) return locateBadLine(sampleLines, lineNumbers);
      let list = samples.get(sample.name);
      if (!list) samples.set(sample.name, (list = []));
      list.push(sample);
      sampleCount++;
    }
  }
  // Fewer samples than lines: the library skipped a line it could not name, or merged a duplicate.
  if (sampleCount !== sampleLines.length) return locateBadLine(sampleLines, lineNumbers);
  return { ok: true, exposition: { samples, types, sampleCount } };
}

/**
 * The declared type of a sample, found the way Prometheus finds it: by its own name, else by its name
 * less a suffix (`x_total` -> `# TYPE x counter` in OpenMetrics, `x_sum` -> `# TYPE x histogram`).
 */
export function typeOfSample(exposition: PromExposition, sampleName: string): PromMetricType {
  const own = exposition.types.get(sampleName);
  if (own !== undefined) return own;
  for (const suffix of SUFFIXES) {
    if (!sampleName.endsWith(suffix)) continue;
    const base = exposition.types.get(sampleName.slice(0, -suffix.length));
    if (base !== undefined) return base;
  }
  return 'untyped';
}

function toSample(name: string, s: LibSample): PromSample | null {
  if (!METRIC_NAME.test(name) || s.value === undefined) return null;
  const value = parsePromValue(s.value);
  if (value === null) return null;
  const labels = s.labels ?? {};
  for (const key of Object.keys(labels)) if (!LABEL_NAME.test(key)) return null;
  return { name, labels, value };
}

/** The error path only: parse the sample lines one by one to name the first that fails, or a duplicate. */
function locateBadLine(sampleLines: readonly string[], lineNumbers: readonly number[]): PromParseResult {
  const seen = new Set<string>();
  for (let i = 0; i < sampleLines.length; i++) {
    const line = sampleLines[i]!;
    let families: LibFamily[];
    try {
      families = parseWithLibrary(`${line}\n`);
    } catch {
      return fail(lineNumbers[i]!, line, 'not a Prometheus sample line');
    }
    const f = families[0];
    const sample = f && families.length === 1 && f.metrics.length === 1 ? toSample(f.name, f.metrics[0]!) : null;
    if (sample === null) return fail(lineNumbers[i]!, line, 'not a Prometheus sample line');
    const key = `${sample.name}${JSON.stringify(Object.entries(sample.labels).sort())}`;
    if (seen.has(key)) return fail(lineNumbers[i]!, line, 'duplicate sample (same name and labels as an earlier line)');
    seen.add(key);
  }
  return { ok: false, error: 'the library parsed fewer samples than the page has lines' };
}

function fail(lineNumber: number, line: string, why: string): PromParseResult {
  return { ok: false, error: `line ${lineNumber}: ${why}: "${excerpt(line, 80)}"` };
}
