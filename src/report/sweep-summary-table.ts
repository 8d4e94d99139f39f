import type { SweepLevel, SweepResult } from '../core/sweep/sweep-result.js';

/**
 * A sweep as a plain-text table for the console: one line per level with the offered and achieved
 * load, the headline latencies and throughput, goodput and the SLO verdict, and whether the level
 * settled. Pure: sweep in, text out.
 */
export function renderSweepSummaryTable(sweep: SweepResult, held?: (level: SweepLevel) => boolean): string {
  const lines: string[] = [];
  lines.push(`llmload ${sweep.tool.version} — ${sweep.interrupted ? 'INTERRUPTED sweep' : 'sweep'} (${sweep.mode}), ${sweep.levels.length} level(s)`);
  const w = sweep.workload;
  lines.push(`  ${w.endpoint} (${w.api}), model ${w.model ?? '(server default)'}, seed ${w.seed}${w.warmupRequests ? `, ${w.warmupRequests} warm-up requests per level` : ''}`);
  if (sweep.maxThroughput) {
    const m = sweep.maxThroughput;
    lines.push(`  maximum throughput (closed loop, concurrency ${m.maxConcurrency}): ${fmt(m.requestsPerSec, 2)} req/s, ${fmt(m.outputTokensPerSec, 0)} output tok/s`);
  }
  lines.push('');
  const head = ['level', 'offered', 'achieved/s', 'ok', 'fail', 'TTFT p50', 'TTFT p99', 'TPOT p50', 'TPOT p99', 'lat p99', 'out tok/s'];
  if (sweep.slo) head.push('goodput/s', 'SLO met', 'held');
  head.push('steady');
  const rows: string[][] = [head];
  for (const l of sweep.levels) {
    const s = l.summary;
    const row = [
      String(l.index),
      l.offered.kind === 'rate' ? `${l.offered.ratePerSec} req/s` : `conc ${l.offered.maxConcurrency}`,
      fmt(l.achievedRatePerSec, 2),
      String(s.requests.completed),
      String(s.requests.failed),
      ms(s.ttftMs?.p50),
      ms(s.ttftMs?.p99),
      ms(s.tpotMs?.p50),
      ms(s.tpotMs?.p99),
      ms(s.latencyMs?.p99),
      fmt(s.outputTokenThroughputPerSec, 0),
    ];
    if (sweep.slo) {
      row.push(
        l.slo ? fmt(l.slo.goodputRequestsPerSec, 2) : '-',
        l.slo ? `${fmt(l.slo.attainment * 100, 1)}%` : '-',
        held ? (held(l) ? 'yes' : 'NO') : '-',
      );
    }
    row.push(l.stoppedEarly ? 'STOPPED' : l.steadyState.reached ? 'yes' : 'no');
    rows.push(row);
  }
  const widths = head.map((_, i) => Math.max(...rows.map((r) => (r[i] as string).length)));
  for (const r of rows) lines.push(`  ${r.map((c, i) => (i < 2 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ')}`);
  lines.push('  (times in ms; achieved = requests completed per second; steady = the wait for the first token had settled by the level\'s end)');
  for (const l of sweep.levels) {
    if (l.stoppedEarly) lines.push(`  level ${l.index} stopped early: ${l.stoppedEarly.reason}`);
    else if (!l.steadyState.reached) lines.push(`  level ${l.index} no steady state: ${l.steadyState.reason}`);
  }
  if (sweep.maxRate) {
    const m = sweep.maxRate;
    lines.push('');
    lines.push(`  maximum rate meeting the objectives: ${m.rate === null ? 'none found' : `${m.rate} req/s`}`);
    lines.push(`  ${m.note}`);
  }
  return `${lines.join('\n')}\n`;
}

function fmt(v: number, digits: number): string {
  return Number.isFinite(v) ? v.toFixed(digits) : String(v);
}

function ms(v: number | undefined): string {
  return v === undefined ? '-' : v.toFixed(v < 100 ? 1 : 0);
}
