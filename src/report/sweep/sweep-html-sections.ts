import type { DistributionSummary } from '../../core/metrics/summary.js';
import type { SweepLevel, SweepResult } from '../../core/sweep/sweep-result.js';
import { formatCount, formatNumber } from '../charts/format.js';
import { escapeHtml as e } from '../html-escape.js';
import { describeSlo } from './describe-slo.js';
import { describeOffered, sweepName } from './sweep-title.js';

/**
 * The sweep report's text sections as HTML. Every string that came from the server, the user or the
 * file system (model name, endpoint, level folder names, reasons, notes) goes through `e`
 * (escapeHtml); numbers are formatted here.
 */

/** A level's own report, relative to the sweep folder: each path segment URL-encoded, then escaped. */
export function levelReportHref(dir: string): string {
  // "./" first, so a folder named like a URL scheme ("javascript:...") stays a relative path.
  const path = dir
    .split(/[\\/]/)
    .filter((s) => s !== '' && s !== '.')
    .map(encodeURIComponent)
    .join('/');
  return e(`./${path}${path ? '/' : ''}report.html`);
}

/** The endpoint without credentials: user:password@ and the query string (where keys hide) are cut. */
export function displayEndpoint(endpoint: string): string {
  try {
    const url = new URL(endpoint);
    const query = url.search ? '?…' : '';
    url.username = '';
    url.password = '';
    url.search = '';
    return `${url.toString()}${query}`;
  } catch {
    return endpoint.replace(/\/\/[^/@]*@/, '//').replace(/\?.*$/, '?…');
  }
}

export function renderSweepHeader(sweep: SweepResult): string {
  const w = sweep.workload;
  const facts = [
    `model <b>${e(w.model ?? '(server default)')}</b>`,
    `${formatCount(sweep.levels.length)} levels`,
    w.durationSec !== undefined ? `${formatNumber(w.durationSec)} s per level` : `${formatCount(w.totalRequests)} requests per level`,
    sweep.slo ? `SLO ${e(describeSlo(sweep.slo))}` : 'no SLO given',
    `started ${e(sweep.startedAt)}`,
  ];
  return `<header><h1>llmload sweep <span class="name">${e(sweepName(sweep))}</span></h1><p class="facts">${facts.join(' · ')}</p></header>`;
}

export function renderSweepNotices(sweep: SweepResult): string {
  const notes: string[] = [];
  if (sweep.interrupted) notes.push('This sweep was <b>interrupted</b>: it shows the levels finished before the stop.');
  const unsteady = sweep.levels.filter((l) => !l.steadyState.reached).length;
  if (unsteady) notes.push(`${formatCount(unsteady)} level(s) never reached a steady state: their figures mix the ramp with the plateau (see the table).`);
  const stopped = sweep.levels.filter((l) => l.stoppedEarly).length;
  if (stopped) notes.push(`${formatCount(stopped)} level(s) were stopped early, past saturation.`);
  return notes.length ? `<section class="notices">${notes.map((n) => `<p>${n}</p>`).join('')}</section>` : '';
}

const pair = (d: DistributionSummary | null, scale = 1): string =>
  d ? `${formatNumber(d.p50 * scale)} / ${formatNumber(d.p99 * scale)}` : '<span class="none">none</span>';

function levelRow(level: SweepLevel, slo: boolean): string {
  const s = level.summary;
  const r = level.slo;
  const sloCell = !slo
    ? ''
    : r
      ? `<td>${formatNumber(r.goodputRequestsPerSec)}</td><td>${formatNumber(r.attainment * 100)} %${r.objectives.length ? (r.allObjectivesHeld ? ', <span class="held">held</span>' : ', <span class="broken">broken</span>') : ''}</td>`
      : '<td class="none">—</td><td class="none">—</td>';
  const cells = [
    `<td>${formatCount(level.index)}</td>`,
    `<td class="text">${e(describeOffered(level))}</td>`,
    `<td>${formatNumber(level.achievedRatePerSec)}</td>`,
    `<td>${formatCount(s.requests.completed)} / ${formatCount(s.requests.failed)}</td>`,
    `<td>${pair(s.ttftMs)}</td>`,
    `<td>${pair(s.tpotMs)}</td>`,
    `<td>${pair(s.latencyMs, 1 / 1000)}</td>`,
    `<td>${formatNumber(s.outputTokenThroughputPerSec)}</td>`,
    sloCell,
    `<td class="text">${level.steadyState.reached ? 'yes' : 'no'}<br><span class="fine">${e(level.steadyState.reason)}</span></td>`,
    `<td class="text">${level.stoppedEarly ? e(level.stoppedEarly.reason) : '—'}</td>`,
    `<td class="text"><a href="${levelReportHref(level.dir)}">${e(level.dir)}</a></td>`,
  ];
  return `<tr${level.stoppedEarly ? ' class="stopped"' : ''}>${cells.join('')}</tr>`;
}

/** One row per level: load, outcome, latency percentiles, throughput, SLO, and a link to its report. */
export function renderLevelsTable(sweep: SweepResult): string {
  const slo = sweep.slo !== null;
  const head = [
    '#',
    'offered',
    'completed (req/s)',
    'completed / failed',
    'TTFT p50 / p99 (ms)',
    'TPOT p50 / p99 (ms)',
    'latency p50 / p99 (s)',
    'output tok/s',
    ...(slo ? ['goodput (req/s)', 'SLO attainment'] : []),
    'steady state',
    'stopped early',
    'level report',
  ];
  const body = sweep.levels.length
    ? sweep.levels.map((l) => levelRow(l, slo)).join('\n')
    : `<tr><td colspan="${head.length}" class="none">no level was run</td></tr>`;
  return `<section id="levels"><h2>Levels</h2>
<div class="wide"><table class="levels"><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead>
<tbody>${body}</tbody></table></div>
<p class="fine">Figures leave out each level's warm-up requests; latency percentiles are over successful requests. Goodput counts requests per second that succeeded within every per-request limit; SLO attainment is their share of all requests, and "held" / "broken" is whether every percentile objective held. Each level is a complete run folder: its link opens that run's own report.</p>
</section>`;
}

/** find-max-rate's answer and its trials; the closed-loop probe of the server's maximum throughput. */
export function renderMaxSections(sweep: SweepResult): string {
  const out: string[] = [];
  const m = sweep.maxRate;
  if (m) {
    const answer = m.rate === null ? 'no rate tried held every objective' : `<b>${formatNumber(m.rate)} req/s</b>`;
    const bracket = m.lower !== null || m.upper !== null ? ` (the answer lies in [${m.lower === null ? '—' : formatNumber(m.lower)}, ${m.upper === null ? '—' : formatNumber(m.upper)}) req/s, searched to ${formatNumber(m.precisionPerSec)} req/s)` : '';
    const trials = m.trials.map((t) => `<tr><td>${formatNumber(t.ratePerSec)}</td><td>${t.held ? 'held' : 'broken'}</td><td>${formatCount(t.level)}</td></tr>`).join('');
    out.push(`<section id="max-rate"><h2>Highest rate holding the SLO</h2><p>${answer}${bracket}</p><p class="fine">${e(m.note)}</p>
<table class="kv"><thead><tr><th>rate tried (req/s)</th><th>objectives</th><th>level #</th></tr></thead><tbody>${trials}</tbody></table></section>`);
  }
  const p = sweep.maxThroughput;
  if (p) {
    out.push(`<section id="max-throughput"><h2>Maximum throughput (closed-loop probe)</h2><p>${formatNumber(p.requestsPerSec)} req/s, ${formatNumber(p.outputTokensPerSec)} output tok/s at ${formatCount(p.maxConcurrency)} requests in flight (<a href="${levelReportHref(p.dir)}">${e(p.dir)}</a>).</p></section>`);
  }
  return out.join('\n');
}

export function renderWorkload(sweep: SweepResult): string {
  const w = sweep.workload;
  const rows: [string, string][] = [
    ['mode', sweep.mode],
    ['endpoint', displayEndpoint(w.endpoint)],
    ['api', w.api],
    ['model', w.model ?? '(server default)'],
    ['arrival', w.arrival],
    ['prompt words (mean)', formatNumber(w.wordLambda)],
    ['max tokens', w.maxTokens === undefined ? '(server default)' : formatCount(w.maxTokens)],
    ['requests per level', formatCount(w.totalRequests)],
    ['duration per level', w.durationSec === undefined ? '(until the requests are done)' : `${formatNumber(w.durationSec)} s`],
    ['max concurrency (rate levels)', formatCount(w.maxConcurrency)],
    ['warm-up requests per level', formatCount(w.warmupRequests)],
    ['seed', String(w.seed)],
    ['SLO', sweep.slo ? describeSlo(sweep.slo) : 'none (--slo not given)'],
    ['started at (UTC)', sweep.startedAt],
    ['tool', `${sweep.tool.name} ${sweep.tool.version}`],
  ];
  return `<section id="workload"><h2>Workload</h2>
<table class="kv">${rows.map(([k, v]) => `<tr><th>${e(k)}</th><td>${e(v)}</td></tr>`).join('')}</table></section>`;
}
