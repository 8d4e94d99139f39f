import type { DistributionSummary } from '../core/metrics/summary.js';
import type { RunResult } from '../runner/run-benchmark.js';

/**
 * The end-of-run summary as a plain-text table for the console. Pure: result in, text out.
 */
export function renderSummaryTable(result: RunResult): string {
  const s = result.summary;
  const c = result.config;
  const lines: string[] = [];
  const kv = (k: string, v: string): void => {
    lines.push(`  ${k.padEnd(30)} ${v}`);
  };
  lines.push(`llmload ${result.tool.version} — ${result.interrupted ? 'INTERRUPTED run' : 'run'} summary`);
  if (result.stoppedEarly) kv('STOPPED EARLY', result.stoppedEarly.reason);
  kv('endpoint', `${c.endpoint} (${c.api}${result.target.simulated ? ', built-in simulator' : ''})`);
  kv('model', c.model ?? '(server default)');
  kv('arrivals', `${c.ratePerSec === Infinity ? 'all at once (rate inf)' : `Poisson ${c.ratePerSec} req/s`}, max concurrency ${c.maxConcurrency}, seed ${c.seed}`);
  kv('requests', `${s.requests.completed} ok, ${s.requests.failed} failed of ${s.requests.total} sent${result.requestsNotSent ? `, ${result.requestsNotSent} never sent` : ''}`);
  if (s.requests.warmup) kv('warm-up', `${s.requests.warmup} requests sent first, left out of every figure below`);
  for (const [kind, n] of Object.entries(s.requests.errorsByKind)) kv(`  errors: ${kind}`, String(n));
  for (const [status, n] of Object.entries(s.requests.errorsByStatus)) kv(`  HTTP ${status}`, String(n));
  kv('duration', `${fmt(s.durationS, 2)} s`);
  kv('request throughput', `${fmt(s.requestThroughputPerSec, 2)} req/s`);
  kv('output token throughput', `${fmt(s.outputTokenThroughputPerSec, 1)} tok/s`);
  kv('total token throughput', `${fmt(s.totalTokenThroughputPerSec, 1)} tok/s`);
  kv('tokens in / out', `${s.totalInputTokens} / ${s.totalOutputTokens}${tokenSourceNote(result)}`);
  lines.push('');
  const head = ['metric (ms)', 'mean', 'p50', 'p90', 'p95', 'p99', 'max', 'n'];
  const rows: string[][] = [head];
  const add = (name: string, d: DistributionSummary | null): void => {
    if (!d) {
      rows.push([name, '-', '-', '-', '-', '-', '-', '0']);
      return;
    }
    rows.push([name, ...[d.mean, d.p50, d.p90, d.p95, d.p99, d.max].map((v) => fmt(v, 2)), String(d.count)]);
  };
  add('TTFT', s.ttftMs);
  add('TPOT', s.tpotMs);
  add('ITL', s.itlMs);
  add('latency (e2e)', s.latencyMs);
  add('schedule lag', s.scheduleLagMs);
  add('client queue', s.clientQueueMs);
  add('send delay', s.sendDelayMs);
  const widths = head.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  for (const r of rows) {
    lines.push(`  ${r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ')}`);
  }
  const q = s.clientQueueMs;
  if (q && q.p90 >= 1) {
    lines.push('');
    lines.push(
      `  note: the concurrency cap (${c.maxConcurrency}) held requests back: p90 client queue time ${fmt(q.p90, 1)} ms.\n` +
        '  The server saw less than the asked rate; raise --max_concurrency to offer the full load.',
    );
  }
  return `${lines.join('\n')}\n`;
}

function tokenSourceNote(r: RunResult): string {
  const s = r.summary;
  if (s.requests.completed === 0) return '';
  const notes: string[] = [];
  if (s.tokenSources.inputFromUsage < s.requests.completed) notes.push('input from prompt words where the server sent no usage');
  if (s.tokenSources.outputFromUsage < s.requests.completed) notes.push('output from content chunks where the server sent no usage');
  return notes.length ? ` (${notes.join('; ')})` : ' (server usage)';
}

function fmt(v: number, digits: number): string {
  return Number.isFinite(v) ? v.toFixed(digits) : '-';
}
