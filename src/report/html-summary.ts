import { formatCount, formatMs, formatNumber } from './charts/format.js';
import { describeRate, runName } from './charts/run-title.js';
import { escapeHtml as e } from './html-escape.js';
import type { SavedDistribution } from './saved-result.js';
import type { SavedRun } from './saved-run.js';
import { TELEMETRY_FILES, type TelemetryFileKind } from './telemetry-load.js';
import { noNvmlReason, noServerMetricsReason } from './telemetry-reasons.js';
import { summarizeTelemetry } from './telemetry-summary.js';

/** At most this many distinct error messages are quoted in the report. */
const ERROR_EXAMPLES = 5;
/** The server's /v1/models answer is shown up to this many characters. */
const MODELS_CHARS = 4000;

/** Workload, length checks and reasoning, as summary rows (present in newer runs only). */
function lengthCheckRows(run: SavedRun): [string, string][] {
  const rows: [string, string][] = [];
  const w = run.result.workload;
  if (w?.source) {
    const parts = [w.source];
    if (w.dataset) parts.push(`${w.dataset.file.path} (sha256 ${w.dataset.file.sha256.slice(0, 12)}…)`);
    if (w.tokenizer) parts.push(`tokenizer ${w.tokenizer.name}`);
    rows.push(['workload', parts.join(', ')]);
  }
  const s = run.result.summary;
  const l = s.lengthChecks;
  if (l && l.output.checked > 0) {
    rows.push(['output lengths as asked', l.output.mismatched === 0 ? `all ${formatCount(l.output.checked)} within 1 token` : `${formatCount(l.output.mismatched)} of ${formatCount(l.output.checked)} off by more than 1 token`]);
  }
  if (l && l.input.checked > 0) {
    const shapes = Object.entries(l.input.templateTokens).map(([shape, n]) => `${n} (${shape})`);
    rows.push(['server adds to prompts', `${shapes.join(', ')} tokens; ${formatCount(l.input.mismatched)} of ${formatCount(l.input.checked)} prompts counted differently`]);
  }
  if (s.reasoning && s.reasoning.requests > 0) {
    rows.push(['reasoning', `${formatCount(s.reasoning.requests)} requests, ${formatCount(s.reasoning.tokens)} tokens; ${formatCount(s.reasoning.noAnswer)} with no answer`]);
  }
  return rows;
}

/**
 * The report's text sections as HTML: notices, the summary, errors, and the configuration. Every value
 * that came from the server or the user goes through `e` (escapeHtml); numbers are formatted here.
 */
export function renderHeader(run: SavedRun): string {
  const c = run.result.config;
  const facts = [
    `model <b>${e(c.model ?? '(server default)')}</b>`,
    e(describeRate(c.ratePerSec)),
    `max concurrency ${formatCount(c.maxConcurrency)}`,
    `${formatCount(run.result.summary.requests.total)} requests`,
    `started ${e(run.result.startedAt)}`,
  ];
  return `<header><h1>llmload run <span class="name">${e(runName(run))}</span></h1><p class="facts">${facts.join(' · ')}</p></header>`;
}

export function renderNotices(run: SavedRun): string {
  const notes: string[] = [];
  for (const w of run.result.workload?.warnings ?? []) notes.push(`<b>Warning:</b> ${e(w)}`);
  const l = run.result.summary.lengthChecks;
  if (l && l.output.mismatched > 0) {
    notes.push(
      `<b>${formatCount(l.output.mismatched)} of ${formatCount(l.output.checked)}</b> requests got an output length more than 1 token away from what was asked ` +
        `(${formatCount(l.output.short)} short, ${formatCount(l.output.long)} long): token rates are not for the asked lengths.`,
    );
  }
  if (l && l.input.mismatched > 0) {
    notes.push(`<b>${formatCount(l.input.mismatched)} of ${formatCount(l.input.checked)}</b> prompts were counted differently by the server's tokenizer than by llmload's (see docs/workloads.md).`);
  }
  if (run.result.interrupted) notes.push('This run was <b>interrupted</b>: it shows what was gathered before the stop.');
  if (run.result.requestsNotSent) notes.push(`${formatCount(run.result.requestsNotSent)} requests had arrived but were never sent before the stop.`);
  if (run.skipped.count) {
    notes.push(
      `${formatCount(run.skipped.count)} line(s) of requests.jsonl could not be read and are left out: ${run.skipped.examples.map(e).join('; ')}`,
    );
  }
  for (const kind of Object.keys(TELEMETRY_FILES) as TelemetryFileKind[]) {
    const skipped = run.telemetry.skipped[kind];
    if (!skipped.count) continue;
    notes.push(`${formatCount(skipped.count)} line(s) of ${TELEMETRY_FILES[kind]} could not be read and are left out: ${skipped.examples.map(e).join('; ')}`);
  }
  return notes.length ? `<section class="notices">${notes.map((n) => `<p>${n}</p>`).join('')}</section>` : '';
}

export function renderSummary(run: SavedRun): string {
  const s = run.result.summary;
  const rows: [string, string][] = [
    ['requests', `${formatCount(s.requests.completed)} ok, ${formatCount(s.requests.failed)} failed of ${formatCount(s.requests.total)} sent`],
    ['duration', `${formatNumber(s.durationS)} s`],
    ['request throughput', `${formatNumber(s.requestThroughputPerSec)} req/s`],
    ['output token throughput', `${formatNumber(s.outputTokenThroughputPerSec)} tok/s`],
    ['total token throughput', `${formatNumber(s.totalTokenThroughputPerSec)} tok/s`],
    ['tokens in / out', `${formatCount(s.totalInputTokens)} / ${formatCount(s.totalOutputTokens)}`],
    ...lengthCheckRows(run),
  ];
  const dist: [string, SavedDistribution | null][] = [
    ['TTFT', s.ttftMs],
    ...(s.ttfotMs ? ([['TTFOT (first answer token)', s.ttfotMs]] as [string, SavedDistribution | null][]) : []),
    ['TPOT', s.tpotMs],
    ['ITL', s.itlMs],
    ['latency (end to end)', s.latencyMs],
    ['schedule lag', s.scheduleLagMs],
    ['client queue', s.clientQueueMs],
    ['send delay', s.sendDelayMs ?? null],
  ];
  const cells = (d: SavedDistribution | null): string =>
    d
      ? [d.mean, d.p50, d.p90, d.p95, d.p99, d.max].map((v) => `<td>${e(formatMs(v).replace(' ms', ''))}</td>`).join('') + `<td>${formatCount(d.count)}</td>`
      : '<td colspan="7" class="none">none</td>';
  return `<section id="summary"><h2>Summary</h2>
<table class="kv">${rows.map(([k, v]) => `<tr><th>${k}</th><td>${e(v)}</td></tr>`).join('')}</table>
<table class="dist"><thead><tr><th>metric (ms)</th><th>mean</th><th>p50</th><th>p90</th><th>p95</th><th>p99</th><th>max</th><th>n</th></tr></thead>
<tbody>${dist.map(([name, d]) => `<tr><th>${name}</th>${cells(d)}</tr>`).join('')}</tbody></table>
<p class="fine">Latency figures are over successful requests; schedule lag, client queue and send delay over every request sent. See docs/metrics.md for each definition.</p>
${renderTelemetrySummary(run)}
</section>`;
}

/**
 * The telemetry's headline figures: peak and mean GPU memory per device with where they came from,
 * peak utilisation and KV-cache usage, the most requests the server held; or why there are none.
 */
export function renderTelemetrySummary(run: SavedRun): string {
  const t = summarizeTelemetry(run.telemetry);
  const gib = (mib: number): string => `${formatNumber(mib / 1024)} GiB`;
  const rows: [string, string][] = [];
  for (const g of t.gpuMemory) {
    const source = g.source === 'nvml' ? 'NVML' : `server /metrics ${g.metric ?? ''}`.trim();
    const of = g.totalMiB ? ` of ${gib(g.totalMiB)}` : '';
    rows.push([`GPU ${g.gpu} memory${g.name ? ` (${g.name})` : ''}`, `peak ${gib(g.peakMiB)}, mean ${gib(g.meanMiB)}${of} · ${source}, ${formatCount(g.readings)} readings`]);
  }
  if (!t.gpuMemory.length) rows.push(['GPU memory', [noNvmlReason(run), noServerMetricsReason(run)].filter((r) => r !== null).join('; ') || 'no DCGM_FI_DEV_FB_USED in the server\u2019s /metrics']);
  if (t.peakUtilizationPct !== null) rows.push(['GPU utilisation', `peak ${formatNumber(t.peakUtilizationPct)} % (any GPU)`]);
  const noServer = noServerMetricsReason(run);
  if (noServer) rows.push(['server metrics', noServer]);
  else {
    if (t.peakKvCacheUsage !== null) rows.push(['KV-cache usage', `peak ${formatNumber(100 * t.peakKvCacheUsage)} %`]);
    if (t.maxRunning !== null || t.maxWaiting !== null) {
      rows.push(['server requests', `at most ${t.maxRunning === null ? '?' : formatCount(t.maxRunning)} running, ${t.maxWaiting === null ? '?' : formatCount(t.maxWaiting)} waiting`]);
    }
    rows.push(['scrapes of /metrics', `${formatCount(t.scrapes.ok)} answered, ${formatCount(t.scrapes.failed)} failed (gaps in the telemetry chart)`]);
  }
  return `<h3 id="telemetry">Telemetry</h3>
<table class="kv">${rows.map(([k, v]) => `<tr><th>${e(k)}</th><td>${e(v)}</td></tr>`).join('')}</table>`;
}

export function renderErrors(run: SavedRun): string {
  const s = run.result.summary.requests;
  if (!s.failed) return '';
  const kinds = Object.entries(s.errorsByKind).map(([k, n]) => `<tr><th>${e(k)}</th><td>${formatCount(n ?? 0)}</td></tr>`);
  const statuses = Object.entries(s.errorsByStatus).map(([k, n]) => `<tr><th>HTTP ${e(k)}</th><td>${formatCount(n)}</td></tr>`);
  const seen = new Map<string, number>();
  for (const r of run.requests) {
    if (r.errorMessage === null || r.ok) continue;
    const key = `${r.errorKind ?? ''}: ${r.errorMessage}`;
    if (!seen.has(key) && seen.size < ERROR_EXAMPLES) seen.set(key, r.seq);
  }
  const examples = [...seen].map(([msg, seq]) => `<li>request #${seq}: <code>${e(msg)}</code></li>`).join('');
  return `<section id="errors"><h2>Errors</h2><table class="kv">${[...kinds, ...statuses].join('')}</table>${
    examples ? `<p>First distinct messages:</p><ul class="errors">${examples}</ul>` : ''
  }</section>`;
}

export function renderConfiguration(run: SavedRun): string {
  const r = run.result;
  const rows: [string, string][] = Object.entries(r.config).map(([k, v]) => [k, formatValue(v)]);
  rows.push(['target', r.target.simulated ? 'built-in simulator' : 'external server']);
  rows.push(['started at (UTC)', r.startedAt]);
  rows.push(['tool', `${r.tool.name} ${r.tool.version}`]);
  let models = JSON.stringify(r.target.models, null, 2) ?? 'null';
  if (models.length > MODELS_CHARS) models = `${models.slice(0, MODELS_CHARS)}\n… (cut)`;
  return `<section id="configuration"><h2>Configuration</h2>
<table class="kv">${rows.map(([k, v]) => `<tr><th>${e(k)}</th><td>${e(v)}</td></tr>`).join('')}</table>
<details><summary>The server's /v1/models answer</summary><pre>${e(models)}</pre></details>
</section>`;
}

function formatValue(v: unknown): string {
  if (v === Infinity) return 'inf';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v) ?? String(v);
}
