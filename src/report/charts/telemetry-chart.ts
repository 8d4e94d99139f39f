import { inFlightSteps, maxPerBin } from '../plots/in-flight.js';
import { downsampleSeries, type SeriesPoint } from '../plots/telemetry-downsample.js';
import { gpuMemorySeries, gpuUtilizationSeries, serverFigureSeries, type DeviceSeries } from '../plots/telemetry-series.js';
import type { SavedRun } from '../saved-run.js';
import { noNvmlReason, noServerMetricsReason } from '../telemetry-reasons.js';
import type { ChartLayer, ChartOptions } from './chart.js';
import { formatCount, formatNumber } from './format.js';
import { ROW_PALETTE, type ChartRow, type RowsChartBuilder } from './telemetry-rows.js';

/** Client in-flight steps past this are folded into per-interval maxima, as in the in-flight chart. */
const MAX_STEPS = 4000;
const FOLDED_BINS = 2000;
/** A series is never cut below this many points, however many share its row. */
const MIN_POINTS_PER_SERIES = 300;

/** One named line of a row. */
interface Line {
  series: string;
  points: SeriesPoint[];
  /** Applied to each reading (MiB -> GiB, 0..1 -> %). */
  scale?: number;
}

interface RowData {
  lines: Line[];
  yTitle: string;
  yDomain?: [number, number];
  /** Step-after for gauges that hold until the next reading (counts); straight lines otherwise. */
  step: boolean;
  /** d3 format of the value in tooltips. */
  format: string;
}

/**
 * The telemetry panel: what the GPUs and the server did while the requests ran, on the requests' time
 * axis. Rows, top to bottom: GPU memory used per device (NVML on this host, else the server's
 * DCGM_FI_DEV_FB_USED, named on the row); GPU utilisation (NVML); KV-cache usage and, when the server
 * has it, prefix-cache hit rate; the server's running and waiting requests against the requests in
 * flight at the client; and preemptions per second when the server reports them. A row without data
 * says why in the row. Failed scrapes are gaps in the lines, not zeros.
 */
export const telemetryChart: RowsChartBuilder = (run, opts) => {
  const t = run.telemetry;
  const noNvml = noNvmlReason(run);
  const noServer = noServerMetricsReason(run);
  const endS = runEndMs(run) / 1000;
  const rows: ChartRow[] = [];
  const build = (id: string, title: string, notes: string[], data: RowData | string): void => {
    if (typeof data === 'string') rows.push({ id, title, notes, layer: [], message: data });
    else rows.push({ id, title, notes, layer: rowLayers(data, endS, opts, notes), message: null });
  };

  const memory = gpuMemorySeries(t.gpu, t.server);
  const memNotes: string[] = [];
  if (memory.source === 'nvml') {
    memNotes.push(`from NVML on the benchmark host: ${describeDevices(memory.devices)}`);
  } else if (memory.source === 'server_metrics') {
    memNotes.push(`from the server's /metrics (${memory.metric ?? 'DCGM_FI_DEV_FB_USED'}), ${noNvml ?? 'no NVML data'}`);
  }
  const capacityGiB = Math.max(0, ...memory.devices.map((d) => d.totalMiB ?? 0)) / 1024;
  build(
    'memory',
    'GPU memory used (GiB)',
    memNotes,
    memory.devices.length
      ? {
          lines: memory.devices.map((d) => ({ series: `GPU ${d.gpu}`, points: d.points, scale: 1 / 1024 })),
          yTitle: 'GiB',
          ...(capacityGiB > 0 ? { yDomain: [0, capacityGiB] as [number, number] } : {}),
          step: false,
          format: '.2f',
        }
      : `${noNvml ?? 'no NVML'}; ${noServer ?? "the server's /metrics has no DCGM_FI_DEV_FB_USED"}`,
  );

  const util = gpuUtilizationSeries(t.gpu).filter((d) => d.points.some((p) => p.value !== null));
  build(
    'utilization',
    'GPU utilisation (%)',
    util.length ? ['NVML: share of the last sample period in which a kernel ran'] : [],
    util.length
      ? { lines: util.map((d) => ({ series: `GPU ${d.gpu}`, points: d.points })), yTitle: '%', yDomain: [0, 100], step: false, format: '.0f' }
      : (noNvml ?? 'NVML reports no utilisation for these devices'),
  );

  const kv = serverFigureSeries(t.server, 'kvCacheUsage');
  const prefix = serverFigureSeries(t.server, 'prefixCacheHitRate');
  const cacheLines: Line[] = [];
  if (kv) cacheLines.push({ series: 'KV-cache usage', points: kv, scale: 100 });
  if (prefix) cacheLines.push({ series: 'prefix-cache hit rate', points: prefix, scale: 100 });
  build(
    'cache',
    prefix ? 'KV-cache usage and prefix-cache hit rate (%)' : 'KV-cache usage (%)',
    cacheLines.length ? [`from the server's /metrics (${sourceNames(run, [...(kv ? ['kvCacheUsage' as const] : []), ...(prefix ? ['prefixCacheHitRate' as const] : [])])})`] : [],
    cacheLines.length ? { lines: cacheLines, yTitle: '%', yDomain: [0, 100], step: true, format: '.1f' } : (noServer ?? "the server's /metrics has no KV-cache usage"),
  );

  const requestLines: Line[] = [];
  const running = serverFigureSeries(t.server, 'running');
  const waiting = serverFigureSeries(t.server, 'waiting');
  if (running) requestLines.push({ series: 'running (server)', points: running });
  if (waiting) requestLines.push({ series: 'waiting (server)', points: waiting });
  const client = clientInFlight(run);
  if (client.points.length) requestLines.push({ series: 'in flight (client)', points: client.points });
  const requestNotes = [...client.notes];
  if (noServer) requestNotes.push(noServer);
  else if (!running && !waiting) requestNotes.push("the server's /metrics has no running or waiting counts");
  build(
    'requests',
    'Requests: running and waiting in the server, in flight at the client',
    requestNotes,
    requestLines.length ? { lines: requestLines, yTitle: 'requests', step: true, format: '.0f' } : 'No request was sent, and no server metrics',
  );

  const preemptions = serverFigureSeries(t.server, 'preemptionsPerSec');
  if (preemptions) {
    build('preemptions', 'Preemptions per second', ['from the server\u2019s preemption counter, per scrape interval'], {
      lines: [{ series: 'preemptions/s', points: preemptions }],
      yTitle: 'per s',
      step: true,
      format: '.2f',
    });
  }
  titleTheLastAxis(rows);
  return { title: 'GPU and server telemetry', notes: [], rows };
};

/** The layers of one row with data: one line per series, coloured by series, with the shared time axis. */
function rowLayers(d: RowData, endS: number, opts: ChartOptions, notes: string[]): ChartLayer[] {
  const perSeries = Math.max(MIN_POINTS_PER_SERIES, Math.floor(opts.maxPoints / d.lines.length));
  const values: { tS: number; value: number | null; series: string }[] = [];
  let cut = 0;
  for (const line of d.lines) {
    const drawn = downsampleSeries(line.points, perSeries);
    if (drawn.length < line.points.length) cut = Math.max(cut, line.points.length);
    for (const p of drawn) values.push({ tS: p.tMs / 1000, value: p.value === null ? null : p.value * (line.scale ?? 1), series: line.series });
  }
  if (cut) notes.push(`long series drawn as each interval's lowest and highest reading (${formatCount(perSeries)} points of up to ${formatCount(cut)})`);
  const domain = d.lines.map((l) => l.series);
  const layer: ChartLayer = {
    data: { values },
    mark: { type: 'line', strokeWidth: 1.6, ...(d.step ? { interpolate: 'step-after' as const } : {}) },
    encoding: {
      x: { field: 'tS', type: 'quantitative', title: null, scale: { domain: [0, endS], nice: false }, axis: { labelFlush: true } },
      y: { field: 'value', type: 'quantitative', title: d.yTitle, scale: yScale(d, values), axis: { tickCount: 4, minExtent: 42 } },
      color: {
        field: 'series',
        type: 'nominal',
        title: null,
        scale: { domain, range: domain.map((_, i) => ROW_PALETTE[i % ROW_PALETTE.length] as string) },
        // Beside the row, not above it: every row's plot then spans the same width and lines up in time.
        legend: { orient: 'right', direction: 'vertical', columns: Math.ceil(domain.length / 4), labelFontSize: 11.5, symbolSize: 80, rowPadding: 3, columnPadding: 8 },
      },
      ...(opts.interactive
        ? {
            tooltip: [
              { field: 'series', type: 'nominal', title: 'series' },
              { field: 'tS', type: 'quantitative', title: 'time (s)', format: '.2f' },
              { field: 'value', type: 'quantitative', title: d.yTitle, format: d.format },
            ],
          }
        : {}),
    },
    ...(opts.interactive ? { params: [{ name: 'zoom', select: { type: 'interval', encodings: ['x'] }, bind: 'scales' }] } : {}),
  };
  if (opts.interactive && typeof layer.mark === 'object') {
    // Invisible points on the line carry the tooltips: a path alone answers only for its first reading.
    layer.mark = { ...layer.mark, point: { filled: true, size: 36, fillOpacity: 0 } } as typeof layer.mark;
  }
  return [layer];
}

/** The row's y scale: its fixed domain, else from 0; a row of zeros only (no preemption) gets 0-1, not one tick. */
function yScale(d: RowData, values: readonly { value: number | null }[]): { domain: [number, number]; nice: false } | { zero: true } {
  if (d.yDomain) return { domain: d.yDomain, nice: false };
  return values.some((v) => v.value !== null && v.value > 0) ? { zero: true } : { domain: [0, 1], nice: false };
}

/** Requests in flight at the client, as the in-flight chart computes them, folded when very long. */
function clientInFlight(run: SavedRun): { points: SeriesPoint[]; notes: string[] } {
  if (run.requests.length === 0) return { points: [], notes: [] };
  let steps = inFlightSteps(run.requests.map((r) => ({ startMs: r.sentAtMs, endMs: r.endAtMs })));
  const notes: string[] = [];
  if (steps.length > MAX_STEPS) {
    const last = steps[steps.length - 1]?.tMs ?? 0;
    steps = maxPerBin(steps, Math.max(1, last / FOLDED_BINS));
    notes.push(`client in flight: highest count in each of ${formatCount(FOLDED_BINS)} intervals`);
  }
  return { points: steps.map((s) => ({ tMs: s.tMs, value: s.count })), notes };
}

/** The end of the time axis: the last request's end or the last sample, whichever is later. */
function runEndMs(run: SavedRun): number {
  let end = run.result.summary.durationS * 1000;
  for (const r of run.requests) end = Math.max(end, r.endAtMs, r.sentAtMs);
  const lastGpu = run.telemetry.gpu[run.telemetry.gpu.length - 1];
  const lastServer = run.telemetry.server[run.telemetry.server.length - 1];
  end = Math.max(end, lastGpu?.tMs ?? 0, lastServer?.tMs ?? 0);
  return end > 0 ? end : 1000;
}

/** "NVIDIA H100 80GB HBM3 × 8, 79.6 GiB each" (or each distinct model with its count). */
function describeDevices(devices: readonly DeviceSeries[]): string {
  const byName = new Map<string, DeviceSeries[]>();
  for (const d of devices) byName.set(d.name ?? 'GPU', [...(byName.get(d.name ?? 'GPU') ?? []), d]);
  return [...byName]
    .map(([name, ds]) => {
      const total = Math.max(...ds.map((d) => d.totalMiB ?? 0));
      return `${name.length > 60 ? `${name.slice(0, 59)}…` : name} × ${ds.length}${total ? `, ${formatNumber(total / 1024)} GiB each` : ''}`;
    })
    .join('; ');
}

/** The metric names the server's figures were read from, as the scraper recorded them. */
function sourceNames(run: SavedRun, figures: ('kvCacheUsage' | 'prefixCacheHitRate')[]): string {
  const names = new Set<string>();
  for (const s of run.telemetry.server) {
    if (!s.ok) continue;
    for (const f of figures) {
      const n = s.sources[f];
      if (n) names.add(n.length > 60 ? `${n.slice(0, 59)}…` : n);
    }
    if (names.size) break;
  }
  return names.size ? [...names].join(', ') : 'unnamed metrics';
}

/** Only the bottom row with data names the time axis: the rows share it. */
function titleTheLastAxis(rows: ChartRow[]): void {
  for (let i = rows.length - 1; i >= 0; i--) {
    const layer = rows[i]?.layer[0] as { encoding?: { x?: { title?: unknown } } } | undefined;
    if (layer?.encoding?.x) {
      layer.encoding.x.title = 'time since the run started (s)';
      return;
    }
  }
}
