/**
 * Build, start and stop the mockllm reference server (../shared/tools/mockllm/mockllm.c), and read
 * its per-request log. See that folder's README for what the server promises.
 */
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Compile mockllm with gcc -O2; returns the binary path, or throws with a message naming what is missing. */
export function buildMockllm(sourcePath, binaryPath) {
  if (!existsSync(sourcePath)) throw new Error(`mockllm source not found at ${sourcePath}`);
  execFileSync('gcc', ['-O2', '-o', binaryPath, sourcePath], { stdio: ['ignore', 'inherit', 'inherit'] });
  return binaryPath;
}

/** A port that was free a moment ago (bind port 0, read it, close). mockllm has no port-0 mode. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/**
 * Start mockllm pinned to `cpu`, resolved once it says it is listening (it prints that after
 * listen(), so no polling). A port taken in the meantime makes it exit; then another is tried.
 *
 * @returns {Promise<{ port: number, pid: number, stop(): Promise<object | null> }>} stop() sends SIGTERM and
 *   resolves to the lateness summary mockllm prints on exit.
 */
export async function startMockllm(binaryPath, { cpu, nice = 0, ttftMs, itlMs, logPath }) {
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const child = spawn(
      'taskset',
      ['-c', String(cpu), ...(nice ? ['setsid', 'nice', '-n', String(nice)] : []), binaryPath, '--port', String(port), '--ttft-ms', String(ttftMs), '--itl-ms', String(itlMs), '--log', logPath],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    const listening = await new Promise((resolve) => {
      child.stderr.on('data', (b) => {
        stderr += b.toString();
        if (stderr.includes('mockllm listening')) resolve(true);
      });
      void exited.then(() => resolve(false));
    });
    if (!listening) continue;
    if (nice) setAutogroupNice(child.pid, nice);
    return {
      port,
      // taskset (and nice) exec mockllm in place, so this is mockllm's own pid.
      pid: child.pid,
      async stop() {
        child.kill('SIGTERM');
        await exited;
        const last = stderr.trim().split('\n').pop() ?? '';
        try {
          return JSON.parse(last);
        } catch {
          return null;
        }
      },
    };
  }
  throw new Error('mockllm did not start (5 attempts); is taskset available and core 0 usable?');
}

/** Give a process's autogroup (its session) a nice value, so nice counts against other sessions too. */
export function setAutogroupNice(pid, nice) {
  try {
    writeFileSync(`/proc/${pid}/autogroup`, String(nice));
  } catch {
    // No autogroup scheduling here, or no permission: plain nice is all there is.
  }
}

/**
 * mockllm's log: `rid arrival_ns first_send_ns last_send_ns ntok max_late_ns sum_late_ns eagain`,
 * one line per finished stream, keyed by rid. Times as ms on CLOCK_MONOTONIC (exact to well under a µs).
 */
export function readMockllmLog(logPath) {
  const byRid = new Map();
  for (const line of readFileSync(logPath, 'utf8').split('\n')) {
    const f = line.trim().split(' ');
    if (f.length < 8) continue;
    byRid.set(Number(f[0]), {
      arrivalMs: Number(f[1]) / 1e6,
      firstSendMs: Number(f[2]) / 1e6,
      lastSendMs: Number(f[3]) / 1e6,
      ntok: Number(f[4]),
      maxLateMs: Number(f[5]) / 1e6,
      sumLateMs: Number(f[6]) / 1e6,
      eagain: Number(f[7]),
    });
  }
  return byRid;
}
