import type { SavedRun } from '../saved-run.js';
import { formatCount, formatNumber } from './format.js';

/** Server- and user-given text is cut to this in chart titles (the HTML report shows it whole). */
const TITLE_FIELD_CHARS = 60;

function cut(s: string): string {
  return s.length > TITLE_FIELD_CHARS ? `${s.slice(0, TITLE_FIELD_CHARS - 1)}…` : s;
}

/** "Poisson 20 req/s" or "all at once (rate inf)". */
export function describeRate(ratePerSec: number): string {
  return ratePerSec === Infinity ? 'all at once (rate inf)' : `Poisson ${formatNumber(ratePerSec)} req/s`;
}

/** The run's name: its label, else its UTC start time to the second. */
export function runName(run: SavedRun): string {
  const label = run.result.config.label;
  return label ? cut(label) : `${run.result.startedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z').replace(/Z$/, ' UTC')}`;
}

/**
 * The line every chart carries under its title, naming the run: label (or start time), model,
 * arrival rate, concurrency cap and size. A reader holding one PNG can tell which run it shows.
 */
export function runSubtitle(run: SavedRun): string {
  const c = run.result.config;
  const r = run.result.summary.requests;
  const parts = [
    `run ${runName(run)}`,
    `model ${cut(c.model ?? '(server default)')}`,
    describeRate(c.ratePerSec),
    `max concurrency ${c.maxConcurrency}`,
    `${formatCount(r.total)} requests${r.failed ? ` (${formatCount(r.failed)} failed)` : ''}`,
  ];
  if (run.result.interrupted) parts.push('INTERRUPTED');
  return parts.join(' · ');
}
