import type { SweepResult } from '../../core/sweep/sweep-result.js';
import { legendSymbols, noDataLayer, type ChartLayer, type ChartParts } from '../charts/chart.js';
import { formatNumber } from '../charts/format.js';
import { COLOR } from '../charts/theme.js';
import { tooltipIf, type SweepChartOptions } from './sweep-frame.js';
import { describeOffered, leftOutNote, offeredAxis, offeredLabel } from './sweep-title.js';

/**
 * A level has fallen behind when it completes less than this share of what it sent (both counted from
 * first to last, so neither the draining tail nor the Poisson draw's deviation from the asked rate
 * moves it). Below saturation a level completes what it sends; past it, completions stay at the
 * server's capacity while the sends keep rising.
 */
export const BEHIND_SHARE = 0.9;

/** One level of the achieved-against-offered chart: pure, what the tests check. */
export interface AchievedPoint {
  level: number;
  x: number;
  label: string;
  offered: string;
  sentPerSec: number;
  completedPerSec: number;
  stoppedEarly: string | null;
  steadyState: string;
  dir: string;
}

export function achievedPoints(sweep: SweepResult): {
  points: AchievedPoint[];
  /** The first rate level that completed under BEHIND_SHARE of what it sent (null: none, or not rates). */
  firstBehind: AchievedPoint | null;
} {
  const axis = offeredAxis(sweep);
  const points = axis.levels.map(({ level, x }): AchievedPoint => ({
    level: level.index,
    x,
    label: offeredLabel(level),
    offered: describeOffered(level),
    sentPerSec: level.sentRatePerSec,
    completedPerSec: level.achievedRatePerSec,
    stoppedEarly: level.stoppedEarly?.reason ?? null,
    steadyState: `${level.steadyState.reached ? 'reached' : 'not reached'}: ${level.steadyState.reason}`,
    dir: level.dir,
  }));
  const byRate = [...points].sort((a, b) => a.x - b.x);
  const firstBehind = axis.kind === 'rate' ? (byRate.find((p) => p.completedPerSec < BEHIND_SHARE * p.sentPerSec) ?? null) : null;
  return { points, firstBehind };
}

/**
 * What the server took against what it was offered: requests sent and completed per second at each
 * level against the offered rate, with the y = x line of a server that keeps up. The completed line
 * leaves y = x at saturation and flattens at the server's capacity; the first level completing under 90 % of
 * its offer is marked. Levels stopped early are crossed, the reason in the tooltip and the notes.
 * In a closed-loop sweep there is no offered rate: the x axis is the concurrency and there is no
 * y = x line.
 */
export function sweepAchievedChart(sweep: SweepResult, opts: SweepChartOptions): ChartParts {
  const axis = offeredAxis(sweep);
  const title = axis.kind === 'rate' ? 'Achieved against offered rate' : 'Achieved rate against offered concurrency';
  const notes = leftOutNote(axis);
  const { points, firstBehind } = achievedPoints(sweep);
  if (points.length === 0) return { title, notes, layer: [noDataLayer('No level was run')] };
  if (axis.kind === 'concurrency') notes.push('closed loop: no offered rate, so no y = x line; the curve flattens where the server is saturated');

  const S = {
    sent: 'offered, as drawn (req/s)',
    completed: 'completed (req/s)',
    ideal: 'y = x: every offered request served',
    stopped: 'stopped early (past saturation)',
    probe: 'max throughput probe (closed loop)',
    behind: `first level completing under ${BEHIND_SHARE * 100} % of its arrivals`,
  };
  const stopped = points.filter((p) => p.stoppedEarly !== null);
  const probe = sweep.maxThroughput;
  const series = [
    [S.sent, COLOR.blue, 'circle'],
    [S.completed, COLOR.orange, 'square'],
    ...(axis.kind === 'rate' ? [[S.ideal, COLOR.grey, 'stroke']] : []),
    ...(stopped.length ? [[S.stopped, COLOR.vermillion, 'cross']] : []),
    ...(probe ? [[S.probe, COLOR.purple, 'stroke']] : []),
    ...(firstBehind ? [[S.behind, COLOR.ink, 'stroke']] : []),
  ] as [string, string, 'circle' | 'square' | 'cross' | 'stroke'][];
  const color = {
    field: 'series',
    type: 'nominal',
    title: null,
    scale: { domain: series.map((s) => s[0]), range: series.map((s) => s[1]) },
    // Three to a row: six entries in one row run off a 900 px chart.
    legend: { ...legendSymbols(Object.fromEntries(series.map((s) => [s[0], s[2]]))), columns: 3 },
  } as const;
  const x = { field: 'x', type: 'quantitative', title: axis.title, scale: { zero: true, nice: true } } as const;
  const y = { type: 'quantitative', title: 'requests per second', scale: { zero: true, nice: true } } as const;
  const tooltip = [
    { field: 'level', type: 'quantitative', title: 'level #' },
    { field: 'offered', type: 'nominal', title: 'offered' },
    { field: 'sentPerSec', type: 'quantitative', title: 'offered, as drawn (req/s)', format: '.4~r' },
    { field: 'completedPerSec', type: 'quantitative', title: 'completed (req/s)', format: '.4~r' },
    { field: 'steadyState', type: 'nominal', title: 'steady state' },
    { field: 'stoppedEarly', type: 'nominal', title: 'stopped early' },
    { field: 'dir', type: 'nominal', title: 'folder' },
  ] as const;
  const of = (s: string, from = points) => from.map((p) => ({ ...p, series: s }));

  const layer: ChartLayer[] = [];
  if (axis.kind === 'rate') {
    const top = Math.max(...points.map((p) => p.x));
    layer.push({
      data: { values: [{ x: 0, v: 0, series: S.ideal }, { x: top, v: top, series: S.ideal }] },
      mark: { type: 'line', strokeWidth: 1.5, strokeDash: [6, 4] },
      encoding: { x, y: { ...y, field: 'v' }, color },
    });
  }
  layer.push(
    {
      data: { values: of(S.sent) },
      mark: { type: 'line', strokeWidth: 2, point: { filled: true, size: 55 } },
      encoding: { x, y: { ...y, field: 'sentPerSec' }, color, order: { field: 'x', type: 'quantitative' }, ...tooltipIf(opts, [...tooltip]) },
      ...(opts.interactive ? { params: [{ name: 'zoom_achieved', select: 'interval', bind: 'scales' }] } : {}),
    },
    {
      data: { values: of(S.completed) },
      mark: { type: 'line', strokeWidth: 2, point: { filled: true, shape: 'square', size: 50 } },
      encoding: { x, y: { ...y, field: 'completedPerSec' }, color, order: { field: 'x', type: 'quantitative' }, ...tooltipIf(opts, [...tooltip]) },
    },
    {
      data: { values: of(S.completed) },
      mark: { type: 'text', align: 'left', baseline: 'top', dx: 6, dy: 6, fontSize: 11, color: '#333333' },
      encoding: { x, y: { ...y, field: 'completedPerSec' }, text: { field: 'label', type: 'nominal' } },
    },
  );
  if (stopped.length) {
    notes.push(...stopped.slice(0, 3).map((p) => `stopped early at ${p.label}: ${p.stoppedEarly}`));
    if (stopped.length > 3) notes.push(`and ${stopped.length - 3} more levels stopped early`);
    layer.push({
      data: { values: of(S.stopped, stopped) },
      mark: { type: 'point', shape: 'cross', filled: true, size: 220, opacity: 1 },
      encoding: { x, y: { ...y, field: 'sentPerSec' }, color, ...tooltipIf(opts, [...tooltip]) },
    });
  }
  if (probe) {
    notes.push(`max throughput probe: ${formatNumber(probe.requestsPerSec)} req/s at ${probe.maxConcurrency} concurrent`);
    layer.push({
      data: { values: [{ v: probe.requestsPerSec, series: S.probe }] },
      mark: { type: 'rule', strokeWidth: 1.5, strokeDash: [3, 3] },
      encoding: { y: { ...y, field: 'v' }, color },
    });
  }
  if (firstBehind) {
    notes.push(`saturation: completions first fell under ${BEHIND_SHARE * 100} % of the arrivals at ${firstBehind.label}`);
    layer.push({
      data: { values: [{ x: firstBehind.x, series: S.behind }] },
      mark: { type: 'rule', strokeWidth: 1, strokeDash: [2, 3] },
      encoding: { x, color },
    });
  }
  return { title, notes, layer };
}
