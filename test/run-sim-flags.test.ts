/**
 * `llmload run --sim-profile / --sim-fault-rate`: choosing the built-in simulator's behaviour from the
 * run command, validated before anything is created or sent.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/cli.js';
import { captureIo } from './helpers/cli-io.js';
import { readRunFolder } from './helpers/run-folder.js';
import { tempDir } from './helpers/temp-dir.js';

describe('llmload run --sim-*', () => {
  it('runs the chosen profile with the chosen share of injected faults', async () => {
    const out = join(tempDir(), 'run');
    const cap = captureIo();
    const code = await runCli(
      ['run', '--sim-profile', 'fixed', '--sim-fault-rate', '0.5', '--total_requests', '6', '--rate', '200', '--max-tokens', '2', '--seed', '3', '--no-plots', '--out', out],
      cap.io,
    );
    expect(code).toBe(0);
    const run = readRunFolder(out);
    expect(run.summary?.summary.requests.total).toBe(6);
    // Faults are spread evenly: half of the six generation requests fail.
    expect(run.summary?.summary.requests.failed).toBe(3);
    expect(run.records.filter((r) => !r.ok)).toHaveLength(3);
  });

  it('names a bad profile or rate by its flag, exits 2 and creates nothing', async () => {
    const out = join(tempDir(), 'run');
    const cap = captureIo();
    const code = await runCli(['run', '--sim-profile', 'gpu9000', '--sim-fault-rate', '2', '--out', out], cap.io);
    expect(code).toBe(2);
    const lines = cap.stderr().split('\n').filter((l) => l.startsWith('  ')).map((l) => l.trim().split(':')[0]);
    expect(lines.sort()).toEqual(['--sim-fault-rate', '--sim-profile']);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses --sim-* together with --endpoint', async () => {
    const cap = captureIo();
    const code = await runCli(['run', '--endpoint', 'http://127.0.0.1:9/v1/completions', '--sim-profile', 'fixed', '--out', join(tempDir(), 'r')], cap.io);
    expect(code).toBe(2);
    expect(cap.stderr()).toContain('--sim-profile: applies only to the built-in simulator (without --endpoint)');
  });
});
