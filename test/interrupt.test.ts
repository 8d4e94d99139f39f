/**
 * Ctrl-C on the real built binary: arrivals stop, in-flight requests get --grace to finish and are
 * then cut, and everything gathered is written consistently; the exit code is 130.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type SimulatorHandle } from '../src/sim/index.js';
import { readRunFolder } from './helpers/run-folder.js';
import { spawnCli } from './helpers/spawn-cli.js';
import { tempDir } from './helpers/temp-dir.js';

/** Wait until `file` holds at least `lines` complete lines, polling briefly; false after `limitMs`. */
async function waitForLines(file: string, lines: number, limitMs: number): Promise<boolean> {
  const deadline = performance.now() + limitMs;
  while (performance.now() < deadline) {
    if (existsSync(file) && readFileSync(file, 'utf8').split('\n').length - 1 >= lines) return true;
    await sleep(15);
  }
  return false;
}

describe('Ctrl-C', () => {
  let sim: SimulatorHandle;
  beforeAll(async () => {
    // Each request streams for ~1 s (20 ms to first token, then 10 ms per token for 100 tokens):
    // longer than the grace period, so a request sent just before the stop cannot finish in time.
    sim = await startSimulator({ ttftMs: 20, itlMs: 10, outputTokens: 100 });
  });
  afterAll(() => sim.close());

  it('stops, lets in-flight requests finish within --grace, cuts the rest, writes it all, exits 130', async () => {
    const out = join(tempDir(), 'run');
    const { child, exited } = spawnCli([
      'run',
      '--endpoint', `${sim.url}/v1/completions`,
      '--rate', '20',
      '--total_requests', '1000',
      '--max_concurrency', '4',
      '--max-tokens', '100',
      '--seed', '3',
      '--out', out,
      '--grace', '0.5',
    ]);
    const jsonl = join(out, 'requests.jsonl');
    const ready = await waitForLines(jsonl, 1, 10_000);
    if (!ready) child.kill('SIGKILL');
    expect(ready).toBe(true);

    const stoppedAt = performance.now();
    child.kill('SIGINT');
    const { code, stderr } = await exited;
    const stopTookMs = performance.now() - stoppedAt;

    expect(code).toBe(130);
    expect(stderr).toContain('llmload: stopping — no new requests');
    expect(stderr).toContain('interrupted; what was gathered is in');
    // Grace 0.5 s, then the cut and the writes; generous for loaded machines (idle: ~0.6 s).
    expect(stopTookMs).toBeLessThan(4_000);

    const run = readRunFolder(out);
    const s = run.summary;
    if (s === undefined) throw new Error('no summary.json after Ctrl-C');
    expect(s.interrupted).toBe(true);
    expect(run.records.length).toBe(s.summary.requests.total);
    expect(run.csvRows.length).toBe(s.summary.requests.total);
    expect(new Set(run.csvRows.map((r) => Number(r.seq)))).toEqual(new Set(run.records.map((r) => r.seq)));
    // Requests sent are numbered 0..total-1 with no gap: nothing sent was lost.
    expect(run.records.map((r) => r.seq).sort((a, b) => a - b)).toEqual([...Array(run.records.length).keys()]);
    // Far fewer than 1000 went out; the arrivals that were queued for a slot are counted, not sent.
    expect(s.summary.requests.total).toBeLessThan(20);
    expect(s.requestsNotSent).toBeGreaterThan(0);

    // Those that finished are whole; the one sent when the first finished needed ~1 s and was cut.
    const completed = run.records.filter((r) => r.ok);
    expect(completed.length).toBeGreaterThanOrEqual(1);
    for (const r of completed) expect(r.outputTokens).toBe(100);
    const failed = run.records.filter((r) => !r.ok);
    expect(failed.length).toBeGreaterThanOrEqual(1);
    for (const r of failed) {
      expect(r.error?.kind).toBe('aborted');
      expect(r.contentTimesMs.length).toBeLessThan(100);
    }
    expect(s.summary.requests.errorsByKind).toEqual({ aborted: failed.length });
    expect(s.summary.requests.completed).toBe(completed.length);
  });
});
