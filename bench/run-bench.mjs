/**
 * `npm run bench`: llmload's own timing overhead, measured against a server that knows the truth.
 *
 * Setup. mockllm (../shared/tools/mockllm/mockllm.c, built here with gcc -O2) runs pinned to core 0
 * (`taskset -c 0`); each scenario runs llmload through its library API (../dist/index.js) in a fresh
 * Node process pinned to core 1 (bench-worker.mjs), with --expose-gc so runBenchmark can collect
 * before the clock starts. This process pins itself to core 0 too and only waits while a scenario runs.
 *
 * Ground truth and how it is matched to what llmload measured. mockllm writes its send time
 * (CLOCK_MONOTONIC ns, read right before write()) into the text of every token, `<rid>.<k>.<ts_ns> `.
 * The worker wraps the protocol client's parseStream (truth-tap.mjs), which runs once per response
 * after the body has ended and sees the raw chunks and the content event times llmload will record.
 * It pairs the k-th content event with the k-th token text, so every token gets an exact error,
 *     error_k = measured arrival of token k (performance.now() mapped to CLOCK_MONOTONIC) - ts_ns_k.
 * performance.now() and process.hrtime() both read uv_hrtime (CLOCK_MONOTONIC), so the mapping is one
 * constant, and the run's offset 0 is captured by wrapping the injected clock. The mockllm log
 * (`rid arrival_ns first_send_ns last_send_ns ntok max_late_ns sum_late_ns eagain`) cannot be matched
 * to records by time without ambiguity at 1,024 lock-step streams, so it is joined by the rid read
 * from the text instead, to give the send-path delay (server's `arrival` minus llmload's `sentAtMs`)
 * and the server's own lateness. The preflight's 1-token POST is in the log as well (rid 1) but has
 * no record, so the join leaves it out; the warm-up GETs of /v1/models are never logged.
 *
 * For Poisson scenarios the same join gives the arrival process as the server saw it (its read times),
 * checked like llmload's own send times.
 *
 * Figures: TTFT error = llmload's TTFT minus the server's (send-path delay + token 0's receive error);
 * token-0 error = receive side only; chunk error = error of every later token; ITL error = the
 * measured gap between consecutive tokens minus the true gap. Arrivals: see arrival-checks.mjs.
 * Memory: peak RSS of the worker process, with records streamed to onRecord and dropped.
 *
 * Usage: node bench/run-bench.mjs [scenario-name-prefix ...]   (no argument: all scenarios)
 */
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildMockllm, readMockllmLog, startMockllm } from './mockllm-process.mjs';
import { gapShape, quantileSorted } from './arrival-checks.mjs';
import { renderBenchTable } from './render-bench-table.mjs';

const benchDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(benchDir, '..');
const outDir = join(benchDir, 'out');
const mockSource = resolve(repoRoot, '../shared/tools/mockllm/mockllm.c');
const SERVER_CPU = 0;
const CLIENT_CPU = 1;
/** Node flags of every worker; the flag variants below add to them. */
const BASE_NODE_FLAGS = ['--expose-gc'];
/** Young generation of a few MB: shorter scavenges, so a GC pause holds fewer chunks back. */
const TUNED_NODE_FLAGS = ['--max-semi-space-size=4'];
/**
 * LLMLOAD_BENCH_NICE=-10 (root only) runs mockllm and the workers at a higher priority, for a machine
 * shared with other work: the figures then describe llmload on a core of its own, as the issue
 * means, rather than the neighbours' load. Off by default; the contention columns say when it matters.
 * With autogroup scheduling (Linux's default) nice only ranks tasks within a session, so each process
 * gets a session of its own (setsid) whose autogroup is given the same nice value.
 */
const NICE = Number(process.env.LLMLOAD_BENCH_NICE ?? 0);
/** LLMLOAD_BENCH_CPU_PROF=1: each worker writes a V8 CPU profile to bench/out/prof (summarised by bench/profile-summary.mjs). */
const PROFILE_FLAGS =
  process.env.LLMLOAD_BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${join(outDir, 'prof')}`] : [];
const niced = (argv) => (NICE ? ['setsid', 'nice', '-n', String(NICE), ...argv] : argv);

const streams = (n, flags, tag = '') => ({
  name: `streams-${n}${tag}`,
  kind: 'streams',
  server: { ttftMs: 20, itlMs: 10 },
  // Three rounds of 200-token streams (~2 s each) keep n streams busy for about 6 s.
  run: { ratePerSec: 'inf', maxConcurrency: n, totalRequests: 3 * n, maxTokens: 200 },
  nodeFlags: flags,
});
const poisson = (rate) => ({
  name: `poisson-${rate}`,
  kind: 'poisson',
  server: { ttftMs: 5, itlMs: 2 },
  // About 3 s of arrivals with 6-token answers; the cap is far above what is ever in flight (~30).
  run: { ratePerSec: rate, maxConcurrency: 512, totalRequests: 3 * rate, maxTokens: 6 },
  nodeFlags: TUNED_NODE_FLAGS,
});
const memory = (total) => ({
  name: `memory-${total / 1000}k`,
  kind: 'memory',
  server: { ttftMs: 2, itlMs: 1 },
  run: { ratePerSec: 2000, maxConcurrency: 256, totalRequests: total, maxTokens: 4, keepPerRequest: false, memCheckpointEvery: 5000 },
  nodeFlags: TUNED_NODE_FLAGS,
});

const SCENARIOS = [
  streams(16, TUNED_NODE_FLAGS),
  streams(256, TUNED_NODE_FLAGS),
  streams(1024, TUNED_NODE_FLAGS),
  // The same loads with V8's default young generation, to show what the flag buys.
  streams(256, [], '-default-v8'),
  streams(1024, [], '-default-v8'),
  poisson(100),
  poisson(500),
  poisson(1000),
  poisson(2000),
  memory(20_000),
  memory(60_000),
];

async function main() {
  const only = process.argv.slice(2);
  const chosen = only.length ? SCENARIOS.filter((s) => only.some((p) => s.name.startsWith(p))) : SCENARIOS;
  mkdirSync(outDir, { recursive: true });
  let binary;
  try {
    binary = buildMockllm(mockSource, join(outDir, 'mockllm'));
  } catch (err) {
    process.stderr.write(`bench: SKIPPED, cannot build mockllm: ${err.message}\n`);
    return;
  }
  pinSelf(SERVER_CPU);
  const results = [];
  const failures = [];
  const t0 = Date.now();
  for (const s of chosen) {
    process.stderr.write(`bench: ${s.name} ...`);
    const begun = Date.now();
    try {
      results.push(await runScenario(binary, s));
      process.stderr.write(` ${((Date.now() - begun) / 1000).toFixed(1)} s\n`);
    } catch (err) {
      // One broken scenario should not cost the others' figures.
      failures.push({ name: s.name, error: String(err?.message ?? err) });
      process.stderr.write(` FAILED: ${String(err?.message ?? err).slice(0, 500)}\n`);
    }
  }
  const doc = {
    machine: { cpus: execFileSync('nproc').toString().trim(), node: process.version, serverCpu: SERVER_CPU, clientCpu: CLIENT_CPU },
    dist: process.env.LLMLOAD_BENCH_DIST ?? join(repoRoot, 'dist'),
    niceness: NICE,
    totalWallS: (Date.now() - t0) / 1000,
    results,
    failures,
  };
  writeFileSync(join(outDir, 'results.json'), `${JSON.stringify(doc, null, 2)}\n`);
  const failed = failures.map((f) => `FAILED ${f.name}: ${f.error.slice(0, 300)}\n`).join('');
  if (failures.length) process.exitCode = 1;
  process.stdout.write(`${renderBenchTable(results)}\n${failed}wrote ${join(outDir, 'results.json')} (total ${doc.totalWallS.toFixed(0)} s)\n`);
}

async function runScenario(binary, s) {
  const logPath = join(outDir, `mockllm-${s.name}.log`);
  const server = await startMockllm(binary, { cpu: SERVER_CPU, nice: NICE, ...s.server, logPath });
  let worker;
  let serverStats;
  try {
    worker = await runWorker(
      {
        ...s.run,
        endpoint: `http://127.0.0.1:${server.port}/v1/completions`,
        seed: 1,
        serverPid: server.pid,
        serverCpu: SERVER_CPU,
        clientCpu: CLIENT_CPU,
        nice: NICE,
      },
      s.nodeFlags,
    );
  } finally {
    serverStats = await server.stop();
  }
  const { ridSent, ...w } = worker;
  return {
    name: s.name,
    kind: s.kind,
    nodeFlags: [...BASE_NODE_FLAGS, ...s.nodeFlags],
    server: { ...s.server, lateness: serverStats },
    run: s.run,
    ...w,
    serverLog: joinServerLog(readMockllmLog(logPath), ridSent, typeof s.run.ratePerSec === 'number' ? s.run.ratePerSec : null),
  };
}

/**
 * Joined by rid to mockllm's log: the send-path delay (server's arrival minus llmload's sentAtMs) and
 * the end-to-end TTFT error, llmload's TTFT (first content minus sentAtMs) minus the server's own
 * (first send minus arrival). The latter is what a user of llmload's TTFT figure is misled by: it is
 * the send-path delay plus the receive-side error of token 0.
 */
function joinServerLog(byRid, ridSent, ratePerSec) {
  if (!ridSent) return { logLines: byRid.size };
  const arrivals = [];
  const delays = [];
  const ttftErr = [];
  const maxLate = [];
  let eagain = 0;
  for (const [rid, sentMonoMs, ttftMs] of ridSent) {
    const e = byRid.get(rid);
    if (!e) continue;
    arrivals.push(e.arrivalMs);
    delays.push(e.arrivalMs - sentMonoMs);
    ttftErr.push(ttftMs - (e.firstSendMs - e.arrivalMs));
    maxLate.push(e.maxLateMs);
    eagain += e.eagain;
  }
  const spread = (xs) => {
    const d = Float64Array.from(xs).sort();
    return { p50: quantileSorted(d, 0.5), p99: quantileSorted(d, 0.99), max: d[d.length - 1] };
  };
  return {
    logLines: byRid.size,
    joined: delays.length,
    sendDelayMs: spread(delays),
    ttftErrMs: spread(ttftErr),
    perRequestMaxLateMs: spread(maxLate),
    eagainWrites: eagain,
    // The arrival process as the server saw it: what a Poisson load test is meant to produce.
    serverArrivals: ratePerSec && arrivals.length > 2 ? gapShape(Float64Array.from(arrivals).sort(), ratePerSec) : null,
  };
}

function runWorker(spec, nodeFlags) {
  const args = ['-c', String(CLIENT_CPU), ...niced([process.execPath]), ...BASE_NODE_FLAGS, ...PROFILE_FLAGS, ...nodeFlags, join(benchDir, 'bench-worker.mjs'), JSON.stringify(spec)];
  return new Promise((resolvePromise, reject) => {
    const child = spawn('taskset', args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (b) => (stdout += b.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.once('exit', (code, sig) => {
      clearTimeout(timer);
      const line = stdout.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
      if (!line) reject(new Error(`bench worker failed (exit ${code ?? sig}): ${stdout.slice(-2000)}`));
      else resolvePromise(JSON.parse(line.slice('BENCH_RESULT '.length)));
    });
  });
}

/** Keep this coordinating process off the client's core. */
function pinSelf(cpu) {
  try {
    execFileSync('taskset', ['-a', '-cp', String(cpu), String(process.pid)], { stdio: 'ignore' });
  } catch {
    process.stderr.write('bench: could not pin the coordinating process (taskset); going on unpinned\n');
  }
}

await main();
