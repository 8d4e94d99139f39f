/**
 * How busy the two pinned cores were with work that is not the bench's, over one timed run.
 *
 * These machines are shared: other processes (test runs, builds) land on the same two cores and
 * delay both mockllm and llmload by whole scheduler slices. Their share is what a core was busy in
 * /proc/stat minus what our own process on it used; steal is time the hypervisor gave the vCPU to
 * someone else. Both are reported beside every figure so a bad number can be told from a bad moment.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';

let msPerTick;
function tickMs() {
  if (msPerTick === undefined) {
    try {
      msPerTick = 1000 / Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());
    } catch {
      msPerTick = 10;
    }
  }
  return msPerTick;
}

/** Per-core busy/idle/steal (ms) and, when a pid is given, that process's CPU time (ms). */
export function readCpuTimes(pid) {
  const t = tickMs();
  const cores = {};
  for (const line of readFileSync('/proc/stat', 'utf8').split('\n')) {
    const m = /^cpu(\d+) (.*)$/.exec(line);
    if (!m) continue;
    const [user, nice, system, idle, iowait, irq, softirq, steal] = m[2].trim().split(/\s+/).map(Number);
    cores[m[1]] = { busyMs: (user + nice + system + irq + softirq) * t, idleMs: (idle + iowait) * t, stealMs: steal * t };
  }
  let procMs = null;
  if (pid) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      procMs = (Number(fields[11]) + Number(fields[12])) * t;
    } catch {
      procMs = null;
    }
  }
  return { cores, procMs, atMs: performance.now() };
}

/**
 * Shares (percent of the window) for the client and server cores: busy, of it ours, the rest foreign.
 * Tick accounting is 10 ms coarse, so over a few seconds expect a percent or so of noise.
 */
export function cpuContention(a, b, { clientCpu, serverCpu, clientBusyMs }) {
  const windowMs = b.atMs - a.atMs;
  const pct = (x) => Math.round((1000 * x) / windowMs) / 10;
  const core = (i) => {
    const x = a.cores[i];
    const y = b.cores[i];
    if (!x || !y) return null;
    return { busyMs: y.busyMs - x.busyMs, stealMs: y.stealMs - x.stealMs };
  };
  const c = core(clientCpu);
  const s = core(serverCpu);
  const serverProcMs = a.procMs !== null && b.procMs !== null ? b.procMs - a.procMs : null;
  return {
    windowMs,
    clientCore: c && { busyPct: pct(c.busyMs), foreignPct: pct(Math.max(0, c.busyMs - clientBusyMs)), stealPct: pct(c.stealMs) },
    serverCore: s && {
      busyPct: pct(s.busyMs),
      serverPct: serverProcMs === null ? null : pct(serverProcMs),
      foreignPct: serverProcMs === null ? null : pct(Math.max(0, s.busyMs - serverProcMs)),
      stealPct: pct(s.stealMs),
    },
    loadavg1: loadavg()[0],
  };
}

/**
 * The noise floor of this core right now: spin on the clock for `durationMs` and count the gaps where
 * this process did not run (another task, or the hypervisor, had the core). Steal time in /proc/stat
 * misses the latter on some VMs; this does not. Gaps under 0.1 ms are left out: on a VM every timer
 * interrupt costs 20-50 µs, thousands of times a second, which delays a timestamp by no more than that.
 */
export function probeStalls(durationMs) {
  const thresholdMs = 0.1;
  const start = performance.now();
  const end = start + durationMs;
  let prev = start;
  let stalledMs = 0;
  let maxStallMs = 0;
  let stallsOver1Ms = 0;
  while (prev < end) {
    const t = performance.now();
    const gap = t - prev;
    if (gap > thresholdMs) {
      stalledMs += gap;
      if (gap > maxStallMs) maxStallMs = gap;
      if (gap > 1) stallsOver1Ms++;
    }
    prev = t;
  }
  const spanMs = prev - start;
  return {
    durationMs: spanMs,
    stalledPct: Math.round((1000 * stalledMs) / spanMs) / 10,
    maxStallMs,
    stallsOver1MsPerSec: (stallsOver1Ms * 1000) / spanMs,
  };
}
