/**
 * `node bench/plot-bench.mjs [--requests N] [--out DIR] [--keep] [--fail-every K] [--one-token]
 *                             [--per-chart] [--write-only]`
 *
 * How long the plots and the HTML report of a large run take: writes a synthetic run of N requests
 * (default 100,000) to a folder as `llmload run` would (requests.jsonl + summary.json), then times
 * each stage as `llmload plot` runs it: reading the folder back (loadRun), every PNG, and the report
 * (--per-chart adds each chart alone). --write-only stops after writing the run (to look at it with
 * `llmload plot`). Needs `npm run build` first (it uses dist/).
 *
 * The synthetic run: Poisson arrivals at 200 req/s, 16-255 output tokens a request with ~12 ms
 * between tokens, TTFT around 50 ms with a 1 % heavy tail, a slowdown of up to 50 % over the run
 * (so drift shows), and every K-th request failing with HTTP 503 when --fail-every is given.
 * --one-token makes every answer a single token (no ITL or TPOT: the "no data" panels).
 * The folder is deleted afterwards unless --keep or --out is given.
 */
import { mkdtempSync, rmSync, createWriteStream, writeFileSync, mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const dist = new URL('../dist/', import.meta.url);
const { createRng } = await import(new URL('core/arrival/rng.js', dist).href);
const { createSummaryAccumulator } = await import(new URL('core/metrics/summary.js', dist).href);
const { renderRecordLine } = await import(new URL('report/jsonl.js', dist).href);
const { loadRun } = await import(new URL('report/load-run.js', dist).href);
const { renderPlotPng, renderOverviewPng, renderPlots } = await import(new URL('report/render-plots.js', dist).href);
const { CHART_KINDS } = await import(new URL('report/charts/index.js', dist).href);
const { renderHtmlReport } = await import(new URL('report/html.js', dist).href);

const { values: args } = parseArgs({
  options: {
    requests: { type: 'string', default: '100000' },
    out: { type: 'string' },
    keep: { type: 'boolean', default: false },
    'fail-every': { type: 'string' },
    'one-token': { type: 'boolean', default: false },
    'write-only': { type: 'boolean', default: false },
    'per-chart': { type: 'boolean', default: false },
  },
});
const n = Number(args.requests);
const failEvery = args['fail-every'] ? Number(args['fail-every']) : 0;
const dir = args.out ?? mkdtempSync(join(tmpdir(), 'llmload-plot-bench-'));
mkdirSync(dir, { recursive: true });

/** Writes the synthetic run; returns nothing, keeps nothing in memory but the summary accumulator. */
async function writeSyntheticRun() {
  const rng = createRng(42);
  const rate = 200;
  const acc = createSummaryAccumulator();
  const out = createWriteStream(join(dir, 'requests.jsonl'));
  let t = 0;
  for (let seq = 0; seq < n; seq++) {
    t += (-Math.log(1 - rng.next()) / rate) * 1000;
    const progress = seq / n;
    const ready = t + 0.05 + rng.next() * 0.1;
    const sent = ready + 0.1;
    const fail = failEvery > 0 && seq % failEvery === failEvery - 1;
    const outputTokens = fail ? 0 : args['one-token'] ? 1 : 16 + rng.int(240);
    const ttft = 40 + 20 * rng.next() + (rng.next() < 0.01 ? 400 * rng.next() : 0) + 30 * progress;
    const itl = 12 * (1 + 0.5 * progress);
    const contentTimesMs = [];
    let c = sent + ttft;
    for (let k = 0; k < outputTokens; k++) {
      contentTimesMs.push(c);
      c += itl * (0.8 + 0.4 * rng.next());
    }
    const end = fail ? sent + 4 + rng.next() : (contentTimesMs.at(-1) ?? sent) + 0.4;
    const record = {
      seq,
      intendedAtMs: t,
      readyAtMs: ready,
      dispatchedAtMs: ready,
      sentAtMs: sent,
      headersAtMs: sent + 3,
      contentTimesMs,
      endAtMs: end,
      status: fail ? 503 : 200,
      ok: !fail,
      error: fail ? { kind: 'http_status', message: 'engine overloaded: KV cache exhausted' } : null,
      promptWords: 15,
      inputTokens: 20,
      inputTokensSource: 'usage',
      outputTokens,
      outputTokensSource: 'usage',
      finishReason: fail ? null : 'length',
      gpuMemoryMb: null,
    };
    acc.add(record);
    if (!out.write(renderRecordLine(record))) await new Promise((r) => out.once('drain', r));
  }
  await new Promise((r) => out.end(r));
  const result = {
    schemaVersion: 1,
    tool: { name: 'llmload', version: 'bench' },
    config: {
      ratePerSec: rate,
      totalRequests: n,
      wordLambda: 15,
      maxConcurrency: 256,
      seed: 42,
      requestTimeoutSec: 600,
      graceSec: 3,
      warmup: true,
      endpoint: 'http://127.0.0.1:8000/v1/completions',
      api: 'openai-completions',
      model: 'synthetic-model',
      label: 'plot-bench',
    },
    target: { simulated: true, models: null },
    startedAt: '2026-01-01T00:00:00.000Z',
    interrupted: false,
    requestsNotSent: 0,
    summary: acc.summarize(),
  };
  writeFileSync(join(dir, 'summary.json'), `${JSON.stringify(result, null, 2)}\n`);
}

const time = async (label, fn) => {
  const t0 = performance.now();
  const value = await fn();
  const ms = performance.now() - t0;
  console.log(`${label.padEnd(34)} ${(ms / 1000).toFixed(2).padStart(7)} s`);
  return { value, ms };
};

try {
  await time(`write synthetic run (${n.toLocaleString('en-US')} requests)`, writeSyntheticRun);
  if (args['write-only']) {
    console.log(`run written to ${dir}`);
  } else {
    // What `llmload plot` does, stage by stage: read, every PNG (pipelined: vega lays out a chart
    // while resvg and zlib draw the previous ones), the report.
    const total0 = performance.now();
    const { value: run } = await time('read the run folder (loadRun)', () => loadRun(dir));
    const { value: pngs } = await time('every PNG (renderPlots)', () => renderPlots(run));
    const { value: html } = await time('report.html (renderHtmlReport)', () => renderHtmlReport(run));
    console.log(`${'total, as llmload plot'.padEnd(34)} ${((performance.now() - total0) / 1000).toFixed(2).padStart(7)} s`);
    if (args.keep || args.out) {
      mkdirSync(join(dir, 'plot'), { recursive: true });
      for (const p of pngs) writeFileSync(join(dir, 'plot', p.file), p.bytes);
      writeFileSync(join(dir, 'report.html'), html);
    }
    if (args['per-chart']) {
      console.log('each chart alone (layout + drawing, not pipelined):');
      for (const kind of CHART_KINDS) await time(`  ${kind}`, () => renderPlotPng(run, kind));
      await time('  overview', () => renderOverviewPng(run));
    }
    console.log(`requests.jsonl: ${(statSync(join(dir, 'requests.jsonl')).size / 1e6).toFixed(0)} MB; report.html: ${(Buffer.byteLength(html) / 1e6).toFixed(2)} MB; peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
  }
} finally {
  if (!args.keep && !args.out) rmSync(dir, { recursive: true, force: true });
}
