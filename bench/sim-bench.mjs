/**
 * How many streamed chunks per second one simulator process can serve: the figure that says whether
 * the simulator can stand in for a real GPU server when llmload itself is benchmarked.
 *
 * Setup. The simulator (dist/, so `npm run build` first) runs in its own Node process pinned to core 0
 * (`taskset -c 0`); a load client runs in another, pinned to core 1. The client keeps `streams`
 * streaming completions open (ignore_eos, max_tokens fixed), starting the next request on a
 * connection as soon as the previous one ends, so the offered load always exceeds what the server
 * can do. Each scenario offers more than 50,000 tokens/s on paper; what comes out is what the single
 * simulator core can write.
 *
 * Measured. Over a window after a 2 s warm-up: content chunks the client received per second (each
 * `data: {` event is one chunk of one token), and the CPU the server process used in that window
 * (from /proc). Each scenario runs `--repeats` times (default 3) on fresh processes; the median is
 * reported, with every run beside it, since this 2-core machine is shared. The scenarios:
 *   - fixed:   the simple latency model (TTFT 0, 10 ms between tokens) with 1,024 streams: 102,400
 *              tokens/s on paper, every stream on its own timer appointment.
 *   - batched: the continuous-batching engine with a "very fast GPU" (8 ms steps whatever the batch,
 *              1,024 running sequences): 128,000 tokens/s on paper, all tokens of a step written at once.
 *   - realistic: the default profile (Llama 3.1 8B on one H100) with 256 streams: the GPU model is
 *              the limit here, and the figure to read is how little of its core the simulator needs.
 *
 * Usage: npm run build && node bench/sim-bench.mjs [--seconds S] [--streams N] [--repeats R]
 * Internal: node bench/sim-bench.mjs --serve '<options json>' | --client '<args json>'
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const DIST = join(HERE, '..', 'dist', 'index.js');

const SCENARIOS = [
  { name: 'fixed', sim: { profile: 'fixed', ttftMs: 0, itlMs: 10 } },
  {
    name: 'batched',
    sim: {
      profile: 'llama-3.1-8b-1xh100',
      maxNumSeqs: 1024,
      // A very fast GPU: every step costs its 8 ms overhead and nothing else, so the engine never
      // limits the load and the simulator's own CPU does.
      stepOverheadMs: 8,
      memBandwidthGBs: 1e9,
      peakTflops: 1e9,
      stepJitter: 0,
    },
  },
  // The default profile as it is: what a realistic run asks of the simulator's CPU.
  { name: 'realistic', streams: 256, sim: { profile: 'llama-3.1-8b-1xh100' } },
];

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i === -1 ? fallback : process.argv[i + 1];
}

/** --serve: run the simulator until stdin closes; print its URL as the first line. */
async function serve(options) {
  const { startSimulator } = await import(DIST);
  const sim = await startSimulator({ ...options, port: 0 });
  process.stdout.write(`${sim.url}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => void sim.close().then(() => process.exit(0)));
}

/** --client: keep `streams` streams busy for warmup + seconds; print the counts as JSON. */
async function client({ url, streams, seconds, warmupSec, maxTokens }) {
  const { hostname, port } = new URL(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: streams });
  const body = JSON.stringify({ prompt: 'count the chunks', max_tokens: maxTokens, ignore_eos: true, stream: true });
  const marker = Buffer.from('data: {');
  let chunks = 0;
  let requests = 0;
  let errors = 0;
  let stopped = false;
  const loop = () => {
    if (stopped) return;
    const req = http.request(
      { agent, hostname, port, method: 'POST', path: '/v1/completions', headers: { 'content-type': 'application/json' } },
      (res) => {
        // Count events without parsing: a chunk may hold several events, or part of one; a marker
        // split across reads is missed, at most one per read (negligible, and only ever undercounts).
        res.on('data', (buf) => {
          for (let at = buf.indexOf(marker); at !== -1; at = buf.indexOf(marker, at + marker.length)) chunks++;
        });
        res.on('end', () => {
          requests++;
          loop();
        });
        res.on('error', () => errors++);
      },
    );
    req.on('error', () => {
      errors++;
      if (!stopped) setTimeout(loop, 10);
    });
    req.end(body);
  };
  for (let i = 0; i < streams; i++) loop();
  await new Promise((r) => setTimeout(r, warmupSec * 1000));
  // Tell the orchestrator the window starts (it reads the server's CPU time now), then count.
  process.stdout.write('window\n');
  const start = { t: performance.now(), chunks, requests, cpu: process.cpuUsage() };
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const end = { t: performance.now(), chunks, requests, cpu: process.cpuUsage(start.cpu) };
  stopped = true;
  const sec = (end.t - start.t) / 1000;
  process.stdout.write(
    `${JSON.stringify({
      seconds: sec,
      chunksPerSec: (end.chunks - start.chunks) / sec,
      requestsPerSec: (end.requests - start.requests) / sec,
      clientCpuPct: (100 * (end.cpu.user + end.cpu.system)) / 1e6 / sec,
      errors,
    })}\n`,
  );
  agent.destroy();
  process.exit(0);
}

/** Run a child pinned to a core; `line()` resolves with its next stdout line. */
function pinned(core, args) {
  const child = spawn('taskset', ['-c', String(core), process.execPath, fileURLToPath(import.meta.url), ...args], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = [];
  const waiting = [];
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
    for (let nl = out.indexOf('\n'); nl !== -1; nl = out.indexOf('\n')) {
      const line = out.slice(0, nl);
      out = out.slice(nl + 1);
      const w = waiting.shift();
      if (w) w.resolve(line);
      else lines.push(line);
    }
  });
  child.on('exit', (code) => {
    for (const w of waiting.splice(0)) w.reject(new Error(`child exited with ${code} before answering`));
  });
  const line = () => (lines.length > 0 ? Promise.resolve(lines.shift()) : new Promise((resolve, reject) => waiting.push({ resolve, reject })));
  return { child, line };
}

/** CPU time of a process (user + system), seconds, from /proc. */
async function cpuSeconds(pid) {
  const { readFileSync } = await import('node:fs');
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
}

/** One run of one scenario: a fresh server and a fresh client. */
async function runOnce(s, streams, seconds) {
  const server = pinned(0, ['--serve', JSON.stringify(s.sim)]);
  const url = await server.line();
  const client = pinned(1, ['--client', JSON.stringify({ url, streams: s.streams ?? streams, seconds, warmupSec: 2, maxTokens: 200 })]);
  await client.line(); // the window starts
  const cpu0 = await cpuSeconds(server.child.pid);
  const t0 = performance.now();
  const measured = JSON.parse(await client.line());
  const serverCpuPct = (100 * ((await cpuSeconds(server.child.pid)) - cpu0)) / ((performance.now() - t0) / 1000);
  server.child.stdin.end();
  await new Promise((r) => server.child.once('exit', r));
  return { ...measured, serverCpuPct };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const seconds = Number(arg('--seconds', '5'));
  const streams = Number(arg('--streams', '1024'));
  const repeats = Number(arg('--repeats', '3'));
  const results = [];
  for (const s of SCENARIOS) {
    const runs = [];
    for (let i = 0; i < repeats; i++) runs.push(await runOnce(s, streams, seconds));
    const best = runs.find((r) => r.chunksPerSec === median(runs.map((x) => x.chunksPerSec)));
    results.push({ scenario: s.name, streams: s.streams ?? streams, median: best, runs, sim: s.sim });
    console.log(
      `${s.name.padEnd(9)} ${String(s.streams ?? streams).padStart(5)} streams: ${Math.round(best.chunksPerSec).toLocaleString('en-US').padStart(7)} chunks/s ` +
        `(median of ${repeats}: ${runs.map((r) => Math.round(r.chunksPerSec).toLocaleString('en-US')).join(', ')}), ` +
        `${best.requestsPerSec.toFixed(0)} req/s, server CPU ${best.serverCpuPct.toFixed(0)}% of core 0, ` +
        `client CPU ${best.clientCpuPct.toFixed(0)}% of core 1, errors ${best.errors}`,
    );
  }
  const out = join(HERE, 'out');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'sim-bench.json'), `${JSON.stringify({ node: process.version, seconds, results }, null, 2)}\n`);
}

if (process.argv.includes('--serve')) await serve(JSON.parse(arg('--serve')));
else if (process.argv.includes('--client')) await client(JSON.parse(arg('--client')));
else await main();
