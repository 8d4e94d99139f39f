/**
 * The bench's results as plain-text tables (timing, then arrivals), with the targets checked.
 */

const TARGETS = [
  { scenario: 'streams-256', maxP99Ms: 2 },
  { scenario: 'streams-1024', maxP99Ms: 20 },
];
const RATE_TOLERANCE = 0.01;

const num = (x, digits = 2) => (x === undefined || x === null || !Number.isFinite(x) ? '-' : x.toFixed(digits));
const pair = (s, digits = 2) => (s ? `${num(s.p50, digits)}/${num(s.p99, digits)}` : '-');
const share = (x) => (x === undefined || x === null ? '-' : `${(x * 100).toFixed(1)}%`);
const pct = (ratio) => `${ratio >= 1 ? '+' : ''}${((ratio - 1) * 100).toFixed(2)}%`;

function table(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

/** @param {any[]} results */
export function renderBenchTable(results) {
  const timing = table(
    [
      'scenario',
      'ok/total',
      'TTFT err p50/p99 ms',
      'tok0 err p50/p99',
      'chunk err p50/p99 ms',
      'ITL err p99 ms',
      'send p50/p99 ms',
      'CPU %',
      'CPU us/chunk',
      'GC n/ms/max',
      'RSS MB',
      'srv late p99 ms',
      'c1 stalls/s max ms',
      'foreign c0/c1 %',
    ],
    results.map((r) => {
      const t = r.truth;
      const chunks = (t.ttftErrMs?.count ?? 0) + (t.chunkErrMs?.count ?? 0);
      const cpuMs = r.cpu.userMs + r.cpu.systemMs;
      const stalls = r.contention.stallsBefore;
      return [
        r.name,
        `${r.requests.ok}/${r.requests.total}`,
        pair(r.serverLog.ttftErrMs),
        pair(t.ttftErrMs),
        pair(t.chunkErrMs),
        num(t.itlErrMs?.p99),
        pair(r.serverLog.sendDelayMs),
        (r.cpu.share * 100).toFixed(0),
        chunks ? ((cpuMs * 1000) / chunks).toFixed(1) : '-',
        `${r.gc.minor + r.gc.major + r.gc.other}/${r.gc.pauseMs.toFixed(0)}/${r.gc.maxPauseMs.toFixed(1)}`,
        r.memory.maxRssMb.toFixed(0),
        r.server.lateness ? (r.server.lateness.late_us_p99 / 1000).toFixed(2) : '-',
        stalls ? `${stalls.stallsOver1MsPerSec.toFixed(0)}/${stalls.maxStallMs.toFixed(1)}` : '-',
        `${r.contention.serverCore?.foreignPct ?? '-'}/${r.contention.clientCore?.foreignPct ?? '-'}`,
      ];
    }),
  );
  const withArrivals = results.filter((r) => r.arrivals);
  const arrivals = table(
    ['scenario', 'asked/s', 'schedule/s', 'achieved/s', 'vs sched', 'vs asked (s.d.)', 'lag p50/p99/max ms', 'timer lag p99 ms', 'gaps<.05ms sent/server/sched/exp', 'KS sent/server/sched (crit)', 'CPU us/req'],
    withArrivals.map((r) => {
      const a = r.arrivals;
      const srv = r.serverLog.serverArrivals;
      const cpuMs = r.cpu.userMs + r.cpu.systemMs;
      return [
        r.name,
        String(a.askedPerSec),
        a.scheduleRatePerSec.toFixed(1),
        a.achievedRatePerSec.toFixed(1),
        pct(a.achievedVsSchedule),
        `${pct(a.achievedVsAsked)} (${(a.sampleRateRelSd * 100).toFixed(1)}%)`,
        `${num(a.lagMs.p50, 3)}/${num(a.lagMs.p99, 2)}/${num(a.lagMs.max, 1)}`,
        num(a.timerLagMs.p99),
        `${share(a.tinyGaps.sent)}/${share(srv?.tiny)}/${share(a.tinyGaps.intended)}/${share(a.tinyGaps.expected)}`,
        `${num(a.ks.sent, 3)}/${num(srv?.ks, 3)}/${num(a.ks.intended, 3)} (${num(a.ks.critical5pct, 3)})`,
        ((cpuMs * 1000) / r.requests.total).toFixed(0),
      ];
    }),
  );
  return [...timing, '', ...(withArrivals.length ? [...arrivals, ''] : []), ...renderTargets(results)].join('\n');
}

function renderTargets(results) {
  const lines = ['targets (issue): timing error p99 <= 2 ms at 256 streams, <= 20 ms at 1024; rate within 1% up to 2000 req/s; memory flat'];
  for (const { scenario, maxP99Ms } of TARGETS) {
    const r = results.find((x) => x.name === scenario);
    if (!r) continue;
    const ttft = r.serverLog.ttftErrMs?.p99 ?? Infinity;
    const chunk = r.truth.chunkErrMs?.p99 ?? Infinity;
    const worst = Math.max(ttft, chunk);
    lines.push(
      `  ${scenario}: TTFT err p99 ${num(ttft)} ms, chunk err p99 ${num(chunk)} ms vs <= ${maxP99Ms} ms: ${worst <= maxP99Ms ? 'MET' : 'MISSED'}`,
    );
  }
  for (const r of results.filter((x) => x.arrivals)) {
    const off = Math.abs(r.arrivals.achievedVsSchedule - 1);
    lines.push(`  ${r.name}: achieved rate ${pct(r.arrivals.achievedVsSchedule)} off the drawn schedule: ${off <= RATE_TOLERANCE ? 'MET' : 'MISSED'}`);
  }
  const mem = results.filter((x) => x.kind === 'memory').sort((x, y) => x.requests.total - y.requests.total);
  if (mem.length >= 2) {
    const [small, large] = [mem[0], mem[mem.length - 1]];
    const grow = large.memory.maxRssMb - small.memory.maxRssMb;
    const checkpoints = large.memory.checkpoints.map((c) => `${c.records / 1000}k:${c.rssMb.toFixed(0)}`).join(' ');
    lines.push(
      `  memory: peak RSS ${small.memory.maxRssMb.toFixed(0)} MB after ${small.requests.total} requests, ` +
        `${large.memory.maxRssMb.toFixed(0)} MB after ${large.requests.total} (${grow >= 0 ? '+' : ''}${grow.toFixed(0)} MB); ` +
        `RSS MB along the larger run ${checkpoints}`,
    );
  }
  const probes = results.map((r) => r.contention.stallsBefore).filter(Boolean);
  if (probes.length) {
    const perSec = probes.reduce((a, p) => a + p.stallsOver1MsPerSec, 0) / probes.length;
    const longest = Math.max(...probes.map((p) => p.maxStallMs));
    lines.push(
      `  noise floor of the client core (0.5 s probes before each run): ${perSec.toFixed(1)} stalls > 1 ms per second, ` +
        `longest ${longest.toFixed(1)} ms; chunks that arrive during a stall are stamped that much late whatever llmload does`,
    );
  }
  const noisy = results.filter((r) => (r.contention.clientCore?.foreignPct ?? 0) > 5 || (r.contention.serverCore?.foreignPct ?? 0) > 20);
  if (noisy.length) {
    lines.push(
      `  NOTE: other processes held the cores during ${noisy.map((r) => r.name).join(', ')} (foreign column): ` +
        'those figures include the neighbours; LLMLOAD_BENCH_NICE=-10 helps.',
    );
  }
  return lines;
}
