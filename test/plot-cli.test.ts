/**
 * `llmload plot RUN_DIR` and the plots `llmload run` draws when it ends, end to end through runCli:
 * the files, the messages, exit code 2 for a folder that is not a run, and a run that keeps its
 * results and its exit code when the plots cannot be drawn.
 */
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/cli.js';
import { CHART_KINDS, CHARTS } from '../src/report/charts/index.js';
import { startSimulator, type SimulatorHandle } from '../src/sim/index.js';
import { captureIo } from './helpers/cli-io.js';
import { decodePng } from './helpers/png.js';
import { writeSyntheticRunFolder } from './helpers/synthetic-run.js';
import { tempDir } from './helpers/temp-dir.js';

const PNG_FILES = [...CHART_KINDS.map((k) => CHARTS[k].file), 'overview.png'].sort();

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const cap = captureIo();
  const code = await runCli(args, cap.io);
  return { code, stdout: cap.stdout(), stderr: cap.stderr() };
}

describe('llmload plot RUN_DIR', () => {
  it("draws every PNG and the report from the folder alone, and says where they are and what it skipped", async () => {
    const dir = tempDir();
    writeSyntheticRunFolder(dir, { n: 25, failEvery: 6 });
    appendFileSync(join(dir, 'requests.jsonl'), '{"seq": 25, "intendedAtMs"'); // a torn last line
    const { code, stderr } = await cli(['plot', dir]);
    expect(code).toBe(0);
    expect(readdirSync(join(dir, 'plot')).sort()).toEqual(PNG_FILES);
    for (const f of PNG_FILES) expect(decodePng(readFileSync(join(dir, 'plot', f))).width, f).toBeGreaterThan(1000);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toMatch(/^<!doctype html>/);
    expect(stderr).toContain(`plots in ${join(dir, 'plot')}/ (10 PNG), report ${join(dir, 'report.html')}`);
    expect(stderr).toContain('1 line(s) of requests.jsonl could not be read and were left out (line 26: not valid JSON)');
  });

  it('exits 2 with a clear message when the folder is not a run', async () => {
    const dir = tempDir();
    const { code, stderr } = await cli(['plot', dir]);
    expect(code).toBe(2);
    expect(stderr).toContain(`"${dir}" is not an llmload run folder: requests.jsonl and summary.json missing`);
    expect(existsSync(join(dir, 'plot'))).toBe(false);
    expect((await cli(['plot'])).code).toBe(2);
  });
});

describe('llmload run draws the plots when it ends', () => {
  let sim: SimulatorHandle;
  let endpoint: string;
  beforeAll(async () => {
    sim = await startSimulator({ ttftMs: 2, itlMs: 1 });
    endpoint = `${sim.url}/v1/completions`;
  });
  afterAll(() => sim.close());
  const run = (out: string, ...extra: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
    cli(['run', '--endpoint', endpoint, '--max-tokens', '4', '--total_requests', '6', '--rate', '100', '--seed', '3', '--out', out, ...extra]);

  it('into RUN_DIR/plot/ and RUN_DIR/report.html, unless --no-plots', async () => {
    const out = join(tempDir(), 'run');
    const { code, stderr } = await run(out);
    expect(code).toBe(0);
    expect(readdirSync(join(out, 'plot')).sort()).toEqual(PNG_FILES);
    expect(existsSync(join(out, 'report.html'))).toBe(true);
    expect(stderr).toContain(`llmload: plots in ${join(out, 'plot')}/ (10 PNG), report ${join(out, 'report.html')}`);

    const bare = join(tempDir(), 'bare');
    expect((await run(bare, '--no-plots')).code).toBe(0);
    // server_metrics.jsonl: the built-in simulator serves /metrics, which every run scrapes.
    expect(readdirSync(bare).sort()).toEqual(['benchmark_results.csv', 'requests.jsonl', 'server_metrics.jsonl', 'summary.json']);
  });

  it('keeps the run and its exit code when the plots cannot be drawn, and says how to retry', async () => {
    const out = join(tempDir(), 'blocked');
    mkdirSync(out);
    writeFileSync(join(out, 'plot'), 'a file where the plot folder should go');
    const { code, stderr } = await run(out);
    expect(code).toBe(0);
    expect(stderr).toMatch(/llmload: the plots could not be drawn \(.*\); the run's results are saved\. Retry with: llmload plot /);
    for (const f of ['benchmark_results.csv', 'requests.jsonl', 'summary.json']) expect(existsSync(join(out, f)), f).toBe(true);
  });
});
