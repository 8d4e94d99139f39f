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
  const arrivals = result.arrivals?.description ?? (c.ratePerSec === Infinity ? 'all at once (rate inf)' : `Poisson ${c.ratePerSec} req/s`);
  if (result.arrivals?.users !== undefined) {
    const offered = s.durationS > 0 ? s.requests.total / s.durationS : 0;
    kv('arrivals', `${arrivals}; offered ${fmt(offered, 2)} req/s as it resulted, seed ${c.seed}`);
  } else {
    kv('arrivals', `${arrivals}, max concurrency ${c.maxConcurrency}, seed ${c.seed}`);
  }
  if (result.arrivals?.degraded) kv('REPLAY DEGRADED', result.arrivals.degraded);
  const w = result.workload;
  if (w) kv('workload', workloadLine(w));
  kv('requests', `${s.requests.completed} ok, ${s.requests.failed} failed of ${s.requests.total} sent${result.requestsNotSent ? `, ${result.requestsNotSent} never sent` : ''}`);
  if (s.requests.warmup) kv('warm-up', `${s.requests.warmup} requests sent first, left out of every figure below`);
  for (const [kind, n] of Object.entries(s.requests.errorsByKind)) kv(`  errors: ${kind}`, String(n));
  for (const [status, n] of Object.entries(s.requests.errorsByStatus)) kv(`  HTTP ${status}`, String(n));
  kv('duration', `${fmt(s.durationS, 2)} s`);
  kv('request throughput', `${fmt(s.requestThroughputPerSec, 2)} req/s`);
  kv('output token throughput', `${fmt(s.outputTokenThroughputPerSec, 1)} tok/s`);
  kv('total token throughput', `${fmt(s.totalTokenThroughputPerSec, 1)} tok/s`);
  kv('tokens in / out', `${s.totalInputTokens} / ${s.totalOutputTokens}${tokenSourceNote(result)}`);
  for (const [k, v] of lengthCheckLines(result)) kv(k, v);
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
  // Time to first answer token differs from TTFT only for a model that streams its reasoning first.
  if (s.reasoning && s.reasoning.requests > 0) add('TTFOT (first answer)', s.ttfotMs ?? null);
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
  lines.push(...stageLines(result));
  lines.push(...telemetryLines(result));
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

/** GPU and server figures, each with its source, or the reason there are none. */
function telemetryLines(result: RunResult): string[] {
  const t = result.telemetry;
  if (!t) return []; // results saved before telemetry existed
  const lines = [''];
  if (t.gpu.status === 'on') {
    for (const d of t.gpu.devices) {
      const util = d.utilizationPct ? `, utilisation mean ${fmt(d.utilizationPct.mean, 0)}% peak ${fmt(d.utilizationPct.peak, 0)}%` : '';
      kv(`GPU ${d.index} (${d.name}, NVML)`, `memory peak ${fmt(d.memoryUsedMiB.peak, 0)} / mean ${fmt(d.memoryUsedMiB.mean, 0)} of ${fmt(d.memoryTotalMiB, 0)} MiB${util}`);
    }
    if (t.gpu.problem) lines.push(`  GPU telemetry stopped mid-run: ${t.gpu.problem}`);
  } else lines.push(`  GPU telemetry                  off: ${t.gpu.reason}`);
  if (t.server.status === 'on') {
    const f = t.server.figures;
    const parts: string[] = [];
    if (f.running) parts.push(`running peak ${fmt(f.running.peak, 0)}`);
    if (f.waiting) parts.push(`waiting peak ${fmt(f.waiting.peak, 0)}`);
    if (f.kvCacheUsage) parts.push(`KV cache peak ${fmt(f.kvCacheUsage.peak * 100, 1)}%`);
    if (f.preemptionsPerSec && f.preemptionsPerSec.peak > 0) parts.push(`preemptions up to ${fmt(f.preemptionsPerSec.peak, 1)}/s`);
    kv(`server metrics (${t.server.servers.join(', ') || 'unrecognised'})`, `${parts.join(', ') || 'no recognised figures'}; ${t.server.scrapes} scrapes, ${t.server.failedScrapes} failed`);
    t.server.gpuMemoryUsedMiB?.forEach((g, i) => kv(`  GPU ${i} (DCGM, from the server)`, `memory peak ${fmt(g.peak, 0)} / mean ${fmt(g.mean, 0)} MiB`));
  } else lines.push(`  server metrics                 off: ${t.server.reason}`);
  lines.push(`  gpu_memory_mb column           ${t.gpuMemorySource === 'nvml' ? 'from NVML on this machine' : t.gpuMemorySource === 'server_metrics' ? "from the server's DCGM_FI_DEV_FB_USED" : 'empty (no GPU figure)'}`);
  return lines;

  function kv(k: string, v: string): void {
    lines.push(`  ${k.padEnd(30)} ${v}`);
  }
}

/** One row per --stages step: asked rate against what was sent and achieved, and its TTFT. */
function stageLines(r: RunResult): string[] {
  const stages = r.arrivals?.stages;
  if (!stages?.length) return [];
  const head = ['stage', 'asked/s', 'from s', 'sent', 'ok', 'sent/s', 'TTFT p50', 'TTFT p99', 'TPOT p50', 'lat p99'];
  const rows = [head];
  for (const st of stages) {
    const x = st.summary;
    rows.push([
      String(st.index),
      fmt(st.ratePerSec, 2),
      fmt(st.startS, 0),
      String(x.requests.total),
      String(x.requests.completed),
      fmt(x.requests.total / st.durationS, 2),
      fmt(x.ttftMs?.p50 ?? NaN, 1),
      fmt(x.ttftMs?.p99 ?? NaN, 1),
      fmt(x.tpotMs?.p50 ?? NaN, 1),
      fmt(x.latencyMs?.p99 ?? NaN, 1),
    ]);
  }
  const widths = head.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  return [
    '',
    ...rows.map((row) => `  ${row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ')}`),
    '  (per stage by intended send time; sent/s = requests sent / stage length; times in ms)',
  ];
}

function workloadLine(w: NonNullable<RunResult['workload']>): string {
  const parts: string[] = [w.source];
  if (w.dataset) parts.push(`${w.dataset.file.path} (sha256 ${w.dataset.file.sha256.slice(0, 12)}…)`);
  if (w.trace) parts.push(`${w.trace.file.path} (${w.trace.format}, ${w.trace.entries} entries, sha256 ${w.trace.file.sha256.slice(0, 12)}…)`);
  if (w.inputTokens) parts.push(`in ${w.inputTokens}`);
  if (w.outputTokens) parts.push(`out ${w.outputTokens}${w.ignoreEos ? ' (ignore_eos)' : ''}`);
  if (w.tokenizer) parts.push(`tokenizer ${w.tokenizer.name}`);
  if (w.prefix.tokens > 0) parts.push(`${w.prefix.groups} shared prefix${w.prefix.groups > 1 ? 'es' : ''} of ${w.prefix.tokens} tokens`);
  if (w.prefix.unique) parts.push('unique per-run prefix');
  return parts.join(', ');
}

/** The checks that the server did what was asked, shown when they found something (or always for output). */
function lengthCheckLines(r: RunResult): [string, string][] {
  const out: [string, string][] = [];
  const l = r.summary.lengthChecks;
  if (l && l.output.checked > 0) {
    out.push([
      'output lengths as asked',
      l.output.mismatched === 0
        ? `all ${l.output.checked} within 1 token`
        : `${l.output.mismatched} of ${l.output.checked} OFF by more than 1 token (${l.output.short} short, ${l.output.long} long)${r.workload?.ignoreEos ? ': the server did not honour ignore_eos/min_tokens, so token rates are not for the asked lengths' : ' (without --ignore-eos a model may stop at EOS)'}`,
    ]);
  }
  if (l && l.input.checked > 0) {
    const template = Object.entries(l.input.templateTokens).map(([shape, n]) => `${n} (${shape})`).join(', ');
    out.push(['server adds to prompts', `${template} tokens`]);
    if (l.input.mismatched > 0) out.push(['input token MISMATCH', `${l.input.mismatched} of ${l.input.checked}: the server's tokenizer counts differently from --tokenizer ${r.workload?.tokenizer?.name ?? ''}`]);
  }
  for (const w of r.workload?.warnings ?? []) out.push(['WARNING', w]);
  const rs = r.summary.reasoning;
  if (rs && rs.requests > 0) {
    out.push(['reasoning', `${rs.requests} requests reasoned, ${rs.tokens} reasoning tokens${rs.noAnswer ? `; ${rs.noAnswer} gave NO ANSWER (reasoning used up max_tokens)` : ''}`]);
  }
  return out;
}

function tokenSourceNote(r: RunResult): string {
  const s = r.summary;
  if (s.requests.completed === 0) return '';
  const notes: string[] = [];
  if (s.tokenSources.inputFromUsage < s.requests.completed) {
    notes.push(r.workload?.tokenizer && r.workload.source !== 'words' ? `input from --tokenizer ${r.workload.tokenizer.name} where the server sent no usage` : 'input from prompt words where the server sent no usage');
  }
  if (s.tokenSources.outputFromUsage < s.requests.completed) notes.push('output from content chunks where the server sent no usage');
  return notes.length ? ` (${notes.join('; ')})` : ' (server usage)';
}

function fmt(v: number, digits: number): string {
  return Number.isFinite(v) ? v.toFixed(digits) : '-';
}
