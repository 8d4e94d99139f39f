import type { SweepLevel, SweepResult } from '../../core/sweep/sweep-result.js';
import { formatCount, formatNumber } from '../charts/format.js';

/** Server- and user-given text is cut to this in chart titles (the HTML report shows it whole). */
const TITLE_FIELD_CHARS = 60;

/** Text cut to `chars` with an ellipsis: a long model name must not push a chart's title off the page. */
export function cutText(s: string, chars = TITLE_FIELD_CHARS): string {
  return s.length > chars ? `${s.slice(0, chars - 1)}…` : s;
}

/** What a level offered, short, as a point's label: "4 req/s" or "c=16". */
export function offeredLabel(level: SweepLevel): string {
  return level.offered.kind === 'rate' ? `${formatNumber(level.offered.ratePerSec)} req/s` : `c=${formatCount(level.offered.maxConcurrency)}`;
}

/** What a level offered, in words, for tables and tooltips. */
export function describeOffered(level: SweepLevel): string {
  return level.offered.kind === 'rate'
    ? `Poisson ${formatNumber(level.offered.ratePerSec)} req/s`
    : `closed loop, ${formatCount(level.offered.maxConcurrency)} concurrent`;
}

/** The sweep's name: its mode and UTC start time to the second. */
export function sweepName(sweep: SweepResult): string {
  return `${sweep.mode} ${sweep.startedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z').replace(/Z$/, ' UTC')}`;
}

/**
 * The line every sweep chart carries under its title: the sweep (mode, start), model, levels and
 * requests per level, so a reader holding one PNG can tell which sweep it shows.
 */
export function sweepSubtitle(sweep: SweepResult): string {
  const w = sweep.workload;
  const parts = [
    `sweep ${sweepName(sweep)}`,
    `model ${cutText(w.model ?? '(server default)')}`,
    `${formatCount(sweep.levels.length)} level${sweep.levels.length === 1 ? '' : 's'}`,
    w.durationSec !== undefined ? `${formatNumber(w.durationSec)} s per level` : `${formatCount(w.totalRequests)} requests per level`,
  ];
  if (sweep.interrupted) parts.push('INTERRUPTED');
  return parts.join(' · ');
}

/**
 * Which load the cross-level charts put on their x axis. Rate levels are plotted against their
 * offered rate; a closed-loop level has no offered rate, so it is left out of those charts unless
 * every level is closed-loop, when the axis is the concurrency instead.
 */
export interface OfferedAxis {
  kind: 'rate' | 'concurrency';
  title: string;
  /** The levels on this axis, in sweep order, with their x. */
  levels: { level: SweepLevel; x: number }[];
  /** Levels of the other kind, left out. */
  leftOut: number;
}

export function offeredAxis(sweep: SweepResult): OfferedAxis {
  const rates = sweep.levels.flatMap((level) =>
    level.offered.kind === 'rate' && Number.isFinite(level.offered.ratePerSec) ? [{ level, x: level.offered.ratePerSec }] : [],
  );
  if (rates.length > 0 || sweep.levels.length === 0) {
    return { kind: 'rate', title: 'offered rate (req/s, Poisson)', levels: rates, leftOut: sweep.levels.length - rates.length };
  }
  const conc = sweep.levels.flatMap((level) => (level.offered.kind === 'concurrency' ? [{ level, x: level.offered.maxConcurrency }] : []));
  return { kind: 'concurrency', title: 'offered concurrency (closed loop, requests in flight)', levels: conc, leftOut: sweep.levels.length - conc.length };
}

/** The note a chart carries when the axis left levels out. */
export function leftOutNote(axis: OfferedAxis): string[] {
  if (!axis.leftOut) return [];
  return [`${formatCount(axis.leftOut)} level${axis.leftOut === 1 ? '' : 's'} without a finite offered rate (closed loop) not shown`];
}
