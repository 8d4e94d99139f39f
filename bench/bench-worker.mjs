/**
 * One bench scenario, run in its own Node process (pinned by the parent to its own core): llmload's
 * library API against mockllm, with the ground-truth tap installed. Prints one line
 * `BENCH_RESULT {json}` on stdout and exits.
 *
 * argv[2]: JSON {endpoint, ratePerSec ("inf" or a number), totalRequests, maxConcurrency, maxTokens,
 * seed, keepPerRequest, memCheckpointEvery, serverPid, serverCpu, clientCpu, nice}.
 *
 * What is measured here, over the timed run only (from onStart to runBenchmark's return):
 *   - CPU: process.cpuUsage() delta, and event-loop utilisation;
 *   - memory: peak RSS (getrusage maxRSS, whole process life) and RSS/heap at checkpoints;
 *   - GC: count and total pause from the 'gc' performance entries;
 *   - timing errors (see truth-tap.mjs), and per request the send times for the arrival checks and
 *     (rid, sentAt on CLOCK_MONOTONIC, llmload's TTFT), which the parent joins to mockllm's log.
 * Records are not kept: each is folded into counters as it arrives, as a long run would be.
 */
import { constants, performance, PerformanceObserver } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { cpuContention, probeStalls, readCpuTimes } from './cpu-contention.mjs';
import { checkArrivals } from './arrival-checks.mjs';
import { setAutogroupNice } from './mockllm-process.mjs';
import { createTimingHistogram } from './timing-histogram.mjs';
import { installTruthTap, measurePerfToMonoMs } from './truth-tap.mjs';

// LLMLOAD_BENCH_DIST=/path/to/dist measures another build (a candidate fix) against the same scenarios.
const distUrl = process.env.LLMLOAD_BENCH_DIST
  ? pathToFileURL(`${process.env.LLMLOAD_BENCH_DIST}/index.js`).href
  : new URL('../dist/index.js', import.meta.url).href;
const { PROTOCOLS, createMonotonicClock, parseRunConfig, runBenchmark } = await import(distUrl);

const spec = JSON.parse(process.argv[2] ?? '{}');
if (spec.nice) setAutogroupNice(process.pid, spec.nice);

const ratePerSec = spec.ratePerSec === 'inf' ? Infinity : spec.ratePerSec;
const config = parseRunConfig({
  endpoint: spec.endpoint,
  ratePerSec,
  totalRequests: spec.totalRequests,
  maxConcurrency: spec.maxConcurrency,
  maxTokens: spec.maxTokens,
  seed: spec.seed ?? 1,
  wordLambda: spec.wordLambda ?? 15,
  requestTimeoutSec: 60,
});

const { offsetMs: perfToMonoMs, uncertaintyMs: offsetUncertaintyMs } = measurePerfToMonoMs();
// Half a second of the client core's noise floor, just before the run (see cpu-contention.mjs).
const stallsBefore = probeStalls(500);

// The run's offset 0 on performance.now(): runBenchmark reads `startMs = clock.now()` right after
// onStart returns, with no other clock read in between (the setup exchanges have all finished), so
// the first read after onStart is it. onSend cross-checks: now - sentAtMs - startMs must be tiny.
const base = createMonotonicClock();
let started = false;
let runStartMs;
const clock = {
  now() {
    const t = base.now();
    if (started && runStartMs === undefined) runStartMs = t;
    return t;
  },
  sleepUntil: base.sleepUntil,
};

const tap = installTruthTap(PROTOCOLS['openai-completions'], { perfToMonoMs, runStartMs: () => runStartMs });

const n = config.totalRequests;
const keep = spec.keepPerRequest !== false;
const intendedMs = keep ? new Float64Array(n).fill(NaN) : null;
const readyMs = keep ? new Float64Array(n).fill(NaN) : null;
const sentMs = keep ? new Float64Array(n).fill(NaN) : null;
const ridSent = keep ? [] : null; // [rid, sentAtMs on CLOCK_MONOTONIC, llmload's TTFT ms]
const errorsByKind = {};
let ok = 0;
let failed = 0;
let records = 0;
let outputTokens = 0;
let startCheckMinMs = Infinity;
let startCheckMaxMs = -Infinity;
const memCheckpoints = [];
// The first wave (seq below the concurrency cap) runs on code and connections the warm-up touched only
// once; the TTFT error split shows whether that warm-up is enough.
const ttftErrFirstWave = createTimingHistogram();
const ttftErrLater = createTimingHistogram();

// GC pauses inside the timed run (the forced collection before offset 0 is left out by its start time).
const gc = { minor: 0, major: 0, other: 0, pauseMs: 0, maxPauseMs: 0, maxMajorMs: 0 };
const gcObserver = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    if (runStartMs === undefined || e.startTime < runStartMs) continue;
    const kind = e.detail?.kind;
    if (kind === constants.NODE_PERFORMANCE_GC_MINOR) gc.minor++;
    else if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
      gc.major++;
      gc.maxMajorMs = Math.max(gc.maxMajorMs, e.duration);
    } else gc.other++;
    gc.pauseMs += e.duration;
    gc.maxPauseMs = Math.max(gc.maxPauseMs, e.duration);
  }
});

let cpu0;
let machine0;
let elu0;
let wall0;
const result = await runBenchmark({
  config,
  clock,
  hooks: {
    onStart() {
      started = true;
      gcObserver.observe({ entryTypes: ['gc'] });
      cpu0 = process.cpuUsage();
      machine0 = readCpuTimes(spec.serverPid);
      elu0 = performance.eventLoopUtilization();
      wall0 = performance.now();
    },
    onSend(d) {
      const lagMs = performance.now() - runStartMs - d.sentAtMs;
      if (lagMs < startCheckMinMs) startCheckMinMs = lagMs;
      if (lagMs > startCheckMaxMs) startCheckMaxMs = lagMs;
    },
    onRecord(r) {
      records++;
      const truth = tap.take(r.contentTimesMs);
      if (truth) (r.seq < config.maxConcurrency ? ttftErrFirstWave : ttftErrLater).add(truth.ttftErrMs);
      if (r.ok) {
        ok++;
        outputTokens += r.outputTokens;
      } else {
        failed++;
        const kind = r.error?.kind ?? 'unknown';
        errorsByKind[kind] = (errorsByKind[kind] ?? 0) + 1;
      }
      if (keep) {
        intendedMs[r.seq] = r.intendedAtMs;
        readyMs[r.seq] = r.readyAtMs;
        sentMs[r.seq] = r.sentAtMs;
        const first = r.contentTimesMs[0];
        if (truth && first !== undefined) ridSent.push([truth.rid, r.sentAtMs + runStartMs + perfToMonoMs, first - r.sentAtMs]);
      }
      if (spec.memCheckpointEvery && records % spec.memCheckpointEvery === 0) {
        const m = process.memoryUsage();
        memCheckpoints.push({ records, rssMb: m.rss / 2 ** 20, heapUsedMb: m.heapUsed / 2 ** 20 });
      }
    },
  },
});
const wallMs = performance.now() - wall0;
const cpu = process.cpuUsage(cpu0);
const contention = cpuContention(machine0, readCpuTimes(spec.serverPid), {
  clientCpu: spec.clientCpu,
  serverCpu: spec.serverCpu,
  clientBusyMs: (cpu.user + cpu.system) / 1000,
});
const elu = performance.eventLoopUtilization(elu0);
gcObserver.disconnect();
tap.uninstall();

const complete = keep && sentMs.every((x) => !Number.isNaN(x));
const out = {
  ratePerSec: ratePerSec === Infinity ? 'inf' : ratePerSec,
  requests: { total: records, ok, failed, errorsByKind, notSent: result.requestsNotSent },
  outputTokens,
  wallMs,
  cpu: {
    userMs: cpu.user / 1000,
    systemMs: cpu.system / 1000,
    /** Share of one core over the timed run. */
    share: (cpu.user + cpu.system) / 1000 / wallMs,
    eventLoopUtilization: elu.utilization,
  },
  memory: {
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    endRssMb: process.memoryUsage().rss / 2 ** 20,
    checkpoints: memCheckpoints,
  },
  gc,
  contention: { ...contention, stallsBefore },
  // startCheck*: onSend's now minus sentAtMs minus the captured start; a wrong start shows as a negative
  // minimum (captured late) or a maximum far above the few µs a prompt takes to draw (captured early).
  clockAlignment: { perfToMonoMs, offsetUncertaintyMs, startCheckMinMs, startCheckMaxMs },
  truth: { ...tap.result(), ttftErrFirstWaveMs: ttftErrFirstWave.summary(), ttftErrLaterMs: ttftErrLater.summary() },
  arrivals: complete && Number.isFinite(ratePerSec) ? checkArrivals(intendedMs, sentMs, readyMs, ratePerSec) : null,
  llmloadSummary: { ttftMs: result.summary.ttftMs, itlMs: result.summary.itlMs, scheduleLagMs: result.summary.scheduleLagMs },
  ridSent,
};
process.stdout.write(`BENCH_RESULT ${JSON.stringify(out)}\n`);
