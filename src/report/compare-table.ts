import type { Interval } from '../core/compare/bootstrap.js';
import type { MetricComparison } from '../core/compare/compare-pair.js';
import type { CompareReport, PairReport } from '../core/compare/compare-runs.js';
import type { GateCheck } from '../core/compare/fail-on.js';

/**
 * `llmload compare` as text for the console: one table per pair (candidate against the baseline), the
 * method, what chance alone would flag, and the gate. Pure: report in, text out.
 */
export function renderCompareTable(report: CompareReport): string {
  const out: string[] = [];
  for (const pair of report.pairs) {
    out.push(pairTitle(pair));
    out.push(...alignRows([compareHeader(report), ...pair.metrics.map(compareRow)]).map((l) => `  ${l}`));
    if (pair.gate.length) out.push(...pair.gate.map((g) => `  ${describeGateCheck(g)}`));
    out.push('');
  }
  out.push(...methodLines(report));
  return `${out.join('\n')}\n`;
}

/** "B: runs/b  vs  baseline A: runs/a  (rate 5 req/s)", with request counts. */
export function pairTitle(p: PairReport): string {
  const who = (r: PairReport['baseline']): string =>
    `${r.name} (${r.requests} requests${r.warmupExcluded ? `, ${r.warmupExcluded} warm-up left out` : ''})`;
  return `${p.level ? `[${p.level}] ` : ''}B: ${who(p.candidate)}  vs  baseline A: ${who(p.baseline)}`;
}

export function compareHeader(report: CompareReport): string[] {
  return ['metric', 'A', 'B', 'diff', 'diff %', `${pct(report.method.confidence)} CI of diff`, 'verdict'];
}

/** One metric as table cells: values in the metric's unit, the difference signed, the error rate's in pp. */
export function compareRow(m: MetricComparison): string[] {
  const diffUnit = m.unit === '%' ? 'pp' : '';
  return [
    `${m.label} (${m.unit})`,
    m.a === null ? '-' : fmt(m.a, m.unit),
    m.b === null ? '-' : fmt(m.b, m.unit),
    m.diff === null ? '-' : `${signed(m.diff, m.unit)}${diffUnit}`,
    m.diffPct === null ? '-' : `${signed(m.diffPct, '%')}%`,
    m.ci === null ? '-' : interval(m.ci, m.unit, diffUnit),
    m.verdict,
  ];
}

/** "FAIL --fail-on tpot_p50=+10%: worse by 24.8%, 98.33% CI of the worsening [+22.1%, +27.6%] (significant and past the budget)". */
export function describeGateCheck(g: GateCheck): string {
  const unit = g.threshold.unit;
  const status = g.failed ? 'FAIL' : 'pass';
  if (g.missingInCandidate) return `${status} --fail-on ${g.threshold.spec}: the baseline has this figure and the candidate has none (did every request fail?)`;
  if (g.worsening === null) return `not judged --fail-on ${g.threshold.spec}: not available (the baseline lacks the figure, or is 0 for a % budget)`;
  const fmtUnit = unit === 'ms' ? 'ms' : '%';
  const suffix = unit === 'ms' ? ' ms' : unit;
  const ci = g.ci === null ? 'no interval' : `${pct(g.confidence)} CI of the worsening ${interval(g.ci, fmtUnit, suffix)}`;
  const why = g.failed ? 'significant and past the budget' : !g.exceeded ? 'within the budget' : 'past the budget but not significant';
  const size = g.worsening === 0 ? 'unchanged' : `${g.worsening > 0 ? 'worse' : 'better'} by ${fmt(Math.abs(g.worsening), fmtUnit)}${suffix}`;
  return `${status} --fail-on ${g.threshold.spec}: ${size}, ${ci} (${why})`;
}

function methodLines(r: CompareReport): string[] {
  const lines = [
    `method: bootstrap over requests, ${r.method.resamples} resamples per run, percentile intervals at ${pct(r.method.confidence)}, seed ${r.method.seed} (docs/compare.md)`,
  ];
  const tests = r.pairs.reduce((n, p) => n + p.metrics.filter((m) => m.ci !== null).length, 0);
  const flagged = r.pairs.reduce((n, p) => n + p.metrics.filter((m) => m.verdict === 'better' || m.verdict === 'worse').length, 0);
  lines.push(
    `note: ${tests} intervals at ${pct(r.method.confidence)}: about ${r.expectedFalseAlarms.toFixed(1)} would show a change by chance alone if nothing changed (${flagged} shown); one lone verdict is weak evidence.`,
  );
  if (r.method.gateConfidence !== null) {
    lines.push(
      `gate: ${r.method.gateChecks} check(s), each at ${pct(r.method.gateConfidence)} (Bonferroni), so a false alarm has at most ${pct(1 - r.method.confidence)} chance: ${r.failed ? 'FAILED' : 'passed'}`,
    );
  }
  return lines;
}

/** Left-align the first column, right-align the numbers. */
export function alignRows(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) =>
    r
      .map((cell, i) => (i === 0 || i === r.length - 1 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}

const DIGITS: Record<string, number> = { ms: 2, 'tok/s': 1, 'req/s': 3, '%': 2 };

function fmt(v: number, unit: string): string {
  return v.toFixed(DIGITS[unit] ?? 2);
}

function signed(v: number, unit: string): string {
  const s = fmt(v, unit);
  return v > 0 || (v === 0 && !s.startsWith('-')) ? `+${s}` : s;
}

function interval(ci: Interval, unit: string, suffix: string): string {
  return `[${signed(ci.low, unit)}${suffix}, ${signed(ci.high, unit)}${suffix}]`;
}

function pct(c: number): string {
  return `${Number((c * 100).toPrecision(4))}%`;
}
