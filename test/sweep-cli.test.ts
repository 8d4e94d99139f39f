/**
 * `llmload sweep` from the command line: its folder layout (sweep.json, one complete run folder per
 * level, the cross-level plots and report), Ctrl-C keeping the levels done, and bad flags named.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/cli.js';
import type { SweepResult } from '../src/core/sweep/sweep-result.js';
import { captureIo } from './helpers/cli-io.js';
import { readRunFolder } from './helpers/run-folder.js';
import { tempDir } from './helpers/temp-dir.js';

const FAST = ['--sim-profile', 'fixed', '--max-tokens', '4', '--seed', '5', '--max_concurrency', '8'];

describe('llmload sweep (CLI)', () => {
  it('writes sweep.json, a run folder per level with warm-up marked, and the sweep plots and report', async () => {
    const out = join(tempDir(), 'sw');
    const cap = captureIo();
    const code = await runCli(['sweep', '--rates', '20,40', '--total_requests', '24', '--warmup', '4', '--slo', 'ttft_ms=500,ttft_p99_ms=800', ...FAST, '--out', out], cap.io);
    expect(cap.stderr()).not.toContain('failed');
    expect(code).toBe(0);
    const sweep = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8')) as SweepResult;
    expect(sweep.kind).toBe('sweep');
    expect(sweep.mode).toBe('rates');
    expect(sweep.levels.map((l) => l.offered)).toEqual([
      { kind: 'rate', ratePerSec: 20 },
      { kind: 'rate', ratePerSec: 40 },
    ]);
    for (const l of sweep.levels) {
      const run = readRunFolder(join(out, l.dir));
      expect(run.records).toHaveLength(24);
      expect(run.records.filter((r) => r.warmup)).toHaveLength(4);
      expect(l.summary.requests).toMatchObject({ total: 20, warmup: 4 });
      expect(l.slo?.requests).toBe(20);
      expect(existsSync(join(out, l.dir, 'report.html'))).toBe(true);
    }
    expect(readdirSync(join(out, 'plot')).filter((f) => f.endsWith('.png')).length).toBeGreaterThanOrEqual(3);
    expect(existsSync(join(out, 'report.html'))).toBe(true);
    // The table names both levels and the SLO verdict.
    expect(cap.stdout()).toMatch(/20 req\/s[\s\S]*40 req\/s/);
    expect(cap.stdout()).toContain('goodput/s');
  }, 60_000);

  it('keeps the levels done when interrupted, and exits 130', async () => {
    const out = join(tempDir(), 'sw');
    const cap = captureIo();
    const pending = runCli(['sweep', '--rates', '50,60,70', '--total_requests', '10', '--no-plots', ...FAST, '--out', out], cap.io);
    // Interrupt once the first level's folder has its summary.
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (existsSync(join(out, '00-rate-50', 'summary.json'))) {
          clearInterval(poll);
          cap.interrupt();
          resolve();
        }
      }, 5);
    });
    expect(await pending).toBe(130);
    const sweep = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8')) as SweepResult;
    expect(sweep.interrupted).toBe(true);
    expect(sweep.levels.length).toBeGreaterThanOrEqual(1);
    expect(sweep.levels.length).toBeLessThan(3);
  }, 60_000);

  it('names every bad flag, exits 2 and creates nothing', async () => {
    const out = join(tempDir(), 'sw');
    const cap = captureIo();
    const code = await runCli(['sweep', '--rates', '1,x,-2', '--concurrencies', '4', '--slo', 'ttft_ms=abc', '--min-attainment', '2', '--out', out], cap.io);
    expect(code).toBe(2);
    const err = cap.stderr();
    expect(err).toContain('--concurrencies: cannot be combined with --rates');
    expect(err).toContain('--slo');
    expect(err).toContain('--min-attainment');
    expect(existsSync(out)).toBe(false);

    const cap2 = captureIo();
    expect(await runCli(['sweep', '--find-max-rate', '--out', out], cap2.io)).toBe(2);
    expect(cap2.stderr()).toContain('--find-max-rate: needs --slo');
    const cap3 = captureIo();
    expect(await runCli(['sweep', '--rates', '1,x', '--out', out], cap3.io)).toBe(2);
    expect(cap3.stderr()).toContain('--rates: "x" is not a number > 0');
  });

  it('llmload plot SWEEP_DIR redraws the sweep and every level; a forged sweep.json is refused by name', async () => {
    const out = join(tempDir(), 'sw');
    expect(await runCli(['sweep', '--rates', '30,60', '--total_requests', '8', '--no-plots', ...FAST, '--out', out], captureIo().io)).toBe(0);
    expect(existsSync(join(out, 'report.html'))).toBe(false);
    const cap = captureIo();
    expect(await runCli(['plot', out], cap.io)).toBe(0);
    expect(existsSync(join(out, 'report.html'))).toBe(true);
    expect(readdirSync(join(out, 'plot')).filter((f) => f.endsWith('.png'))).toHaveLength(3);
    for (const level of ['00-rate-30', '01-rate-60']) expect(existsSync(join(out, level, 'report.html')), level).toBe(true);
    expect(cap.stderr()).toContain('sweep plots in');

    const sweep = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8')) as { levels: { dir: string }[] };
    (sweep.levels[0] as { dir: string }).dir = '../../etc';
    writeFileSync(join(out, 'sweep.json'), JSON.stringify(sweep));
    const bad = captureIo();
    expect(await runCli(['plot', out], bad.io)).toBe(2);
    expect(bad.stderr()).toMatch(/sweep\.json that is not an llmload sweep: levels\.0\.dir: must be a folder inside the sweep folder/);
  }, 90_000);
});

