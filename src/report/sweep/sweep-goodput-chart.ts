import type { SweepResult } from '../../core/sweep/sweep-result.js';
import { legendSymbols, noDataLayer, type ChartLayer, type ChartParts } from '../charts/chart.js';
import { formatCount, formatNumber } from '../charts/format.js';
import { COLOR } from '../charts/theme.js';
import { describeSlo } from './describe-slo.js';
import { tooltipIf, type SweepChartOptions } from './sweep-frame.js';
import { describeOffered, leftOutNote, offeredAxis, offeredLabel } from './sweep-title.js';

/** What the chart says when the sweep had no objectives to measure goodput against. */
export const NO_SLO_MESSAGE = 'No --slo given: goodput and SLO attainment need objectives (for example --slo ttft_ms=500,tpot_ms=50)';

/** One level of the goodput chart: pure, what the tests check. */
export interface GoodputPoint {
  level: number;
  x: number;
  label: string;
  offered: string;
  goodputPerSec: number;
  completedPerSec: number;
  attainmentPct: number;
  objectivesHeld: boolean;
  objectives: string;
}

/** The levels that have an SLO result, on the offered axis. */
export function goodputPoints(sweep: SweepResult): { points: GoodputPoint[]; missing: number } {
  const axis = offeredAxis(sweep);
  const points: GoodputPoint[] = [];
  for (const { level, x } of axis.levels) {
    if (!level.slo) continue;
    points.push({
      level: level.index,
      x,
      label: offeredLabel(level),
      offered: describeOffered(level),
      goodputPerSec: level.slo.goodputRequestsPerSec,
      completedPerSec: level.summary.requestThroughputPerSec,
      attainmentPct: level.slo.attainment * 100,
      objectivesHeld: level.slo.allObjectivesHeld,
      objectives: level.slo.objectives.map((o) => `${o.name}: ${o.actualMs === null ? 'none' : formatNumber(o.actualMs)} ms (${o.held ? 'held' : 'broken'})`).join('; '),
    });
  }
  return { points, missing: axis.levels.length - points.length };
}

/**
 * Goodput and SLO attainment against the offered load: goodput (requests per second that met every
 * per-request limit) beside completed requests per second on the left axis, attainment (the share of
 * requests meeting the limits) on the right. Where goodput leaves the completed line, the server is
 * still answering but no longer well enough. Levels whose percentile objectives broke are crossed;
 * a find-max-rate sweep marks its answer.
 */
export function sweepGoodputChart(sweep: SweepResult, opts: SweepChartOptions): ChartParts {
  const title = 'Goodput and SLO attainment against offered load';
  if (!sweep.slo) return { title, notes: [], layer: [noDataLayer(NO_SLO_MESSAGE)] };
  const axis = offeredAxis(sweep);
  const notes = [`SLO ${describeSlo(sweep.slo)}`, ...leftOutNote(axis)];
  const { points, missing } = goodputPoints(sweep);
  if (missing) notes.push(`${formatCount(missing)} level${missing === 1 ? '' : 's'} without an SLO result not shown`);
  if (points.length === 0) return { title, notes, layer: [noDataLayer('No level has an SLO result')] };

  const hasObjectives = sweep.slo.percentiles.length > 0;
  const S = {
    goodput: 'goodput (req/s meeting every limit)',
    completed: 'completed (req/s)',
    attainment: 'attainment (% of requests, right axis)',
    broken: 'percentile objectives broken',
    maxRate: 'highest rate holding the SLO',
  };
  // find-max-rate's answer is a rate: it has no place on a concurrency axis.
  const maxRate = axis.kind === 'rate' ? (sweep.maxRate?.rate ?? null) : null;
  const domain = [S.goodput, S.completed, S.attainment, ...(hasObjectives ? [S.broken] : []), ...(maxRate !== null ? [S.maxRate] : [])];
  const range = [COLOR.blue, COLOR.grey, COLOR.green, ...(hasObjectives ? [COLOR.vermillion] : []), ...(maxRate !== null ? [COLOR.purple] : [])];
  const color = {
    field: 'series',
    type: 'nominal',
    title: null,
    scale: { domain, range },
    legend: legendSymbols({ [S.goodput]: 'circle', [S.completed]: 'stroke', [S.attainment]: 'square', [S.broken]: 'cross', [S.maxRate]: 'stroke' }),
  } as const;
  const x = { field: 'x', type: 'quantitative', title: axis.title, scale: { zero: true, nice: true } } as const;
  const yRate = { type: 'quantitative', title: 'requests per second', scale: { zero: true, nice: true } } as const;
  const tooltip = [
    { field: 'level', type: 'quantitative', title: 'level #' },
    { field: 'offered', type: 'nominal', title: 'offered' },
    { field: 'goodputPerSec', type: 'quantitative', title: 'goodput (req/s)', format: '.4~r' },
    { field: 'completedPerSec', type: 'quantitative', title: 'completed (req/s)', format: '.4~r' },
    { field: 'attainmentPct', type: 'quantitative', title: 'attainment (%)', format: '.1f' },
    ...(hasObjectives ? [{ field: 'objectives', type: 'nominal', title: 'objectives' } as const] : []),
  ] as const;
  const of = (series: string) => points.map((p) => ({ ...p, series }));

  const left: ChartLayer[] = [
    {
      data: { values: of(S.completed) },
      mark: { type: 'line', strokeWidth: 1.5, strokeDash: [6, 4] },
      encoding: { x, y: { ...yRate, field: 'completedPerSec' }, color },
    },
    {
      data: { values: of(S.goodput) },
      mark: { type: 'line', strokeWidth: 2.5, point: { filled: true, size: 60 } },
      encoding: { x, y: { ...yRate, field: 'goodputPerSec' }, color, ...tooltipIf(opts, [...tooltip]) },
    },
    {
      data: { values: of(S.goodput) },
      mark: { type: 'text', align: 'left', baseline: 'bottom', dx: 6, dy: -6, fontSize: 11, color: '#333333' },
      encoding: { x, y: { ...yRate, field: 'goodputPerSec' }, text: { field: 'label', type: 'nominal' } },
    },
  ];
  if (hasObjectives) {
    left.push({
      data: { values: of(S.broken).filter((p) => !p.objectivesHeld) },
      mark: { type: 'point', shape: 'cross', filled: true, size: 170, opacity: 1 },
      encoding: { x, y: { ...yRate, field: 'goodputPerSec' }, color, ...tooltipIf(opts, [...tooltip]) },
    });
  }
  if (maxRate !== null) {
    notes.push(`highest rate holding the SLO: ${formatNumber(maxRate)} req/s${sweep.maxRate?.upper != null ? ` (broken at ${formatNumber(sweep.maxRate.upper)})` : ''}`);
    left.push({
      data: { values: [{ x: maxRate, series: S.maxRate }] },
      mark: { type: 'rule', strokeWidth: 2, strokeDash: [3, 3] },
      encoding: { x, color },
    });
  }
  const right: ChartLayer = {
    data: { values: of(S.attainment) },
    mark: { type: 'line', strokeWidth: 2, point: { filled: true, shape: 'square', size: 50 } },
    encoding: {
      x,
      y: { field: 'attainmentPct', type: 'quantitative', title: 'SLO attainment (% of requests)', scale: { domain: [0, 100] }, axis: { orient: 'right' } },
      color,
      ...tooltipIf(opts, [...tooltip]),
    },
  };
  const layer = [{ layer: left }, right] as ChartLayer[];
  return { title, notes, layer, resolve: { scale: { y: 'independent' } } };
}
