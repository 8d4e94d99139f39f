/**
 * The Prometheus text exposition format (version 0.0.4), written by hand: counters, gauges and
 * histograms with labels, rendered the way Python's prometheus_client renders them for vLLM
 * (`# HELP` and `# TYPE` lines, counters named with their `_total` suffix, cumulative `le` buckets
 * ending in `+Inf`, then `_sum` and `_count`). The format is small and stable, so a dependency
 * would cost more than these lines; scrapers parse it with a library.
 */

export type Labels = Readonly<Record<string, string>>;

/** One metric family, able to render itself. */
export interface MetricFamily {
  render(out: string[]): void;
}

export interface Counter extends MetricFamily {
  inc(by?: number, labels?: Labels): void;
  value(labels?: Labels): number;
}

export interface Histogram extends MetricFamily {
  observe(value: number, labels?: Labels): void;
  /** Observations and their sum, for one label set. */
  snapshot(labels?: Labels): { count: number; sum: number };
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** `{a="1",b="2"}`, labels in sorted order (as prometheus_client writes them); '' for none. */
export function labelText(labels: Labels): string {
  const keys = Object.keys(labels).sort();
  if (keys.length === 0) return '';
  return `{${keys.map((k) => `${k}="${escapeLabel(labels[k]!)}"`).join(',')}}`;
}

function num(v: number): string {
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return Number.isInteger(v) ? `${v}.0` : String(v);
}

function header(out: string[], name: string, help: string, type: string): void {
  out.push(`# HELP ${name} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${name} ${type}`);
}

/** A counter; `name` is the full sample name, `_total` included. Series carry `base` labels plus their own. */
export function createCounter(name: string, help: string, base: Labels = {}): Counter {
  const series = new Map<string, { labels: Labels; value: number }>();
  let plain: { labels: Labels; value: number } | undefined;
  const get = (labels: Labels | undefined) => {
    // The hot path (every token) uses the base labels: keep that series at hand.
    if (!labels && plain) return plain;
    const all = labels ? { ...base, ...labels } : base;
    const key = labelText(all);
    let s = series.get(key);
    if (!s) series.set(key, (s = { labels: all, value: 0 }));
    if (!labels) plain = s;
    return s;
  };
  return {
    inc(by = 1, labels) {
      get(labels).value += by;
    },
    value: (labels) => get(labels).value,
    render(out) {
      header(out, name, help, 'counter');
      if (series.size === 0) get(undefined);
      for (const [key, s] of series) out.push(`${name}${key} ${num(s.value)}`);
    },
  };
}

/**
 * A gauge whose series are read when scraped; with type 'counter', a counter kept elsewhere (the
 * engine counts its own preemptions) and only read here.
 */
export function createGauge(
  name: string,
  help: string,
  read: () => Iterable<[Labels, number]>,
  type: 'gauge' | 'counter' = 'gauge',
): MetricFamily {
  return {
    render(out) {
      header(out, name, help, type);
      for (const [labels, value] of read()) out.push(`${name}${labelText(labels)} ${num(value)}`);
    },
  };
}

/** A histogram with fixed upper bounds (ascending, +Inf implied). */
export function createHistogram(name: string, help: string, buckets: readonly number[], base: Labels = {}): Histogram {
  type Series = { labels: Labels; counts: Float64Array; sum: number; count: number };
  const series = new Map<string, Series>();
  let plain: Series | undefined;
  const get = (labels: Labels | undefined): Series => {
    if (!labels && plain) return plain;
    const all = labels ? { ...base, ...labels } : base;
    const key = labelText(all);
    let s = series.get(key);
    if (!s) series.set(key, (s = { labels: all, counts: new Float64Array(buckets.length), sum: 0, count: 0 }));
    if (!labels) plain = s;
    return s;
  };
  return {
    observe(value, labels) {
      const s = get(labels);
      s.sum += value;
      s.count++;
      // Counts per bucket, made cumulative on render: observing is the hot path, scraping is rare.
      for (let i = 0; i < buckets.length; i++) {
        if (value <= buckets[i]!) {
          s.counts[i]!++;
          break;
        }
      }
    },
    snapshot(labels) {
      const s = get(labels);
      return { count: s.count, sum: s.sum };
    },
    render(out) {
      header(out, name, help, 'histogram');
      if (series.size === 0) get(undefined);
      for (const s of series.values()) {
        let cumulative = 0;
        for (let i = 0; i < buckets.length; i++) {
          cumulative += s.counts[i]!;
          out.push(`${name}_bucket${labelText({ ...s.labels, le: num(buckets[i]!) })} ${num(cumulative)}`);
        }
        out.push(`${name}_bucket${labelText({ ...s.labels, le: '+Inf' })} ${num(s.count)}`);
        out.push(`${name}_sum${labelText(s.labels)} ${num(s.sum)}`);
        out.push(`${name}_count${labelText(s.labels)} ${num(s.count)}`);
      }
    },
  };
}
