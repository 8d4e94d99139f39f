/**
 * The CLI end to end, in-process through runCli with injected io (and once as the real built binary):
 * flag spellings, one message for every bad flag, the output folder and the files in it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/cli.js';
import { CSV_COLUMNS } from '../src/report/csv.js';
import { RESULT_SCHEMA_VERSION } from '../src/runner/run-benchmark.js';
import { startSimulator, type SimulatorHandle } from '../src/sim/index.js';
import { captureIo } from './helpers/cli-io.js';
import { startFaultServer } from './helpers/fault-server.js';
import { readRunFolder } from './helpers/run-folder.js';
import { spawnCli } from './helpers/spawn-cli.js';
import { tempDir } from './helpers/temp-dir.js';

const SEED_COLUMNS = [
  'seq',
  'input_tokens',
  'output_tokens',
  'total_tokens',
  'latency',
  'ttft',
  'tpot',
  'throughput_tps',
  'tokens_per_sec',
  'status',
  'gpu_memory_mb',
];

const PACKAGE_VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

describe('llmload run (CLI)', () => {
  let sim: SimulatorHandle;
  let endpoint: string;
  beforeAll(async () => {
    sim = await startSimulator({ ttftMs: 2, itlMs: 1 });
    endpoint = `${sim.url}/v1/completions`;
  });
  afterAll(() => sim.close());

  /** Run the CLI in-process; returns the exit code, the captured io and the out folder. */
  async function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string; stdout: string; stderr: string }> {
    const out = args.includes('--out') ? (args[args.indexOf('--out') + 1] as string) : join(tempDir(), 'run');
    const cap = captureIo(env);
    // Plotting after a run is covered by plot-cli.test.ts; here it would only cost time.
    const code = await runCli(
      ['run', '--endpoint', endpoint, '--max-tokens', '3', '--no-plots', ...(args.includes('--out') ? [] : ['--out', out]), ...args],
      cap.io,
    );
    return { code, out, stdout: cap.stdout(), stderr: cap.stderr() };
  }

  it("accepts the seed prototype's snake_case flags and they land in summary.json", async () => {
    const { code, out, stderr } = await cli(['--total_requests', '7', '--word_lambda', '3', '--max_concurrency', '2', '--rate', '50', '--seed', '1']);
    expect(stderr).not.toContain('invalid');
    expect(code).toBe(0);
    const run = readRunFolder(out);
    expect(run.summary?.config).toMatchObject({ totalRequests: 7, wordLambda: 3, maxConcurrency: 2, ratePerSec: 50, seed: 1, maxTokens: 3 });
    expect(run.records).toHaveLength(7);
    // Poisson(3) words: a prompt of the default mean (15) would be far longer.
    expect(run.records.reduce((a, r) => a + r.promptWords, 0) / 7).toBeLessThan(8);
  });

  it('accepts the kebab-case flags and the --flag=value form', async () => {
    const { code, out } = await cli(['--total-requests=5', '--word-lambda', '40', '--max-concurrency=3', '--rate', '40', '--request-timeout', '9', '--grace', '0.25']);
    expect(code).toBe(0);
    const run = readRunFolder(out);
    expect(run.summary?.config).toMatchObject({ totalRequests: 5, wordLambda: 40, maxConcurrency: 3, ratePerSec: 40, requestTimeoutSec: 9, graceSec: 0.25 });
    expect(run.records).toHaveLength(5);
    expect(run.records.reduce((a, r) => a + r.promptWords, 0) / 5).toBeGreaterThan(25);
  });

  it('reports every bad flag in one message, exits 2 and sends nothing', async () => {
    const server = await startFaultServer(() => null);
    try {
      const out = join(tempDir(), 'never');
      const cap = captureIo();
      const code = await runCli(
        ['run', '--endpoint', server.endpoint, '--rate', 'abc', '--total_requests', '0', '--max_concurrency', '-1', '--bogus', '--out', out],
        cap.io,
      );
      expect(code).toBe(2);
      const err = cap.stderr();
      expect(err.match(/invalid configuration/g)).toHaveLength(1);
      const problemLines = err.split('\n').filter((l) => l.startsWith('  '));
      expect(problemLines).toEqual([
        '  --bogus: unknown option (see llmload run --help)',
        '  --rate: "abc" is not a number (or inf)',
        expect.stringMatching(/^ {2}--total_requests: .*>= 1/),
        expect.stringMatching(/^ {2}--max_concurrency: .*>= 1/),
      ]);
      expect(err).toContain('Nothing was sent.');
      expect(cap.stdout()).toBe('');
      expect(server.requests).toBe(0);
      expect(existsSync(out)).toBe(false);
    } finally {
      await server.close();
    }
  });

  it('writes the CSV with the seed columns first, one row per request, consistent with requests.jsonl', async () => {
    const { code, out } = await cli(['--total_requests', '12', '--rate', '100', '--seed', '7']);
    expect(code).toBe(0);
    const run = readRunFolder(out);
    expect(run.csvHeader.slice(0, SEED_COLUMNS.length)).toEqual(SEED_COLUMNS);
    expect(run.csvHeader).toEqual([...CSV_COLUMNS]);
    expect(run.csvRows).toHaveLength(12);
    expect(run.records).toHaveLength(12);
    expect(run.csvRows.map((r) => Number(r.seq)).sort((a, b) => a - b)).toEqual([...Array(12).keys()]);

    const bySeq = new Map(run.records.map((r) => [r.seq, r]));
    // requests.jsonl keeps times to the microsecond and the CSV seconds to 6 digits: 3 us covers both.
    const close = (csv: string | undefined, expected: number, tol = 3e-6): void => expect(Math.abs(Number(csv) - expected)).toBeLessThanOrEqual(tol);
    for (const row of run.csvRows) {
      const r = bySeq.get(Number(row.seq));
      if (r === undefined) throw new Error(`no record for CSV row ${row.seq}`);
      expect(r.ok).toBe(true);
      const first = r.contentTimesMs[0] as number;
      const latencyS = (r.endAtMs - r.sentAtMs) / 1000;
      const ttftS = (first - r.sentAtMs) / 1000;
      expect(Number(row.input_tokens)).toBe(r.inputTokens);
      expect(Number(row.output_tokens)).toBe(3);
      expect(r.outputTokens).toBe(3);
      expect(Number(row.total_tokens)).toBe(r.inputTokens + r.outputTokens);
      close(row.latency, latencyS);
      close(row.ttft, ttftS);
      close(row.tpot, (latencyS - ttftS) / (r.outputTokens - 1));
      expect(Number(row.throughput_tps)).toBeCloseTo(r.outputTokens / latencyS, -1);
      expect(Number(row.tokens_per_sec)).toBeCloseTo((r.inputTokens + r.outputTokens) / latencyS, -1);
      expect(row.status).toBe('200');
      expect(row.gpu_memory_mb).toBe('');
      expect(row.ok).toBe('true');
      expect(Number(row.intended_at_ms)).toBeCloseTo(r.intendedAtMs, 2);
      expect(Number(row.prompt_words)).toBe(r.promptWords);
      // The simulator counts prompt tokens as words, and llmload asked for usage.
      expect(r.inputTokensSource).toBe('usage');
      expect(r.inputTokens).toBe(r.promptWords);
    }
  });

  it('writes failed requests to the CSV with their status and error, and no timing', async () => {
    const server = await startFaultServer((n) => (n % 2 === 0 ? 'http_500' : null));
    try {
      const out = join(tempDir(), 'run');
      const cap = captureIo();
      const code = await runCli(['run', '--endpoint', server.endpoint, '--total_requests', '6', '--rate', '200', '--out', out, '--quiet'], cap.io);
      expect(code).toBe(0);
      const run = readRunFolder(out);
      const failed = run.csvRows.filter((r) => r.ok === 'false');
      expect(failed).toHaveLength(3);
      for (const row of failed) {
        expect(row.status).toBe('500');
        expect(row.error_kind).toBe('http_status');
        expect(row.error_message).toContain('engine overloaded');
        expect(row.ttft).toBe('');
        expect(row.throughput_tps).toBe('');
      }
      expect(run.summary?.summary.requests.errorsByStatus).toEqual({ '500': 3 });
    } finally {
      await server.close();
    }
  });

  it('writes summary.json with schema version, resolved config, seed, tool version, the models answer and the start time', async () => {
    const before = Date.now();
    const { code, out } = await cli(['--total_requests', '4', '--rate', '100', '--seed', '123', '--label', 'sum']);
    const after = Date.now();
    expect(code).toBe(0);
    const s = readRunFolder(out).summary;
    if (s === undefined) throw new Error('no summary.json');
    expect(s.schemaVersion).toBe(RESULT_SCHEMA_VERSION);
    expect(s.tool).toEqual({ name: 'llmload', version: PACKAGE_VERSION });
    expect(s.config).toMatchObject({ endpoint, api: 'openai-completions', model: 'llmload-sim', seed: 123, label: 'sum', totalRequests: 4 });
    const models = (await (await fetch(`${sim.url}/v1/models`)).json()) as unknown;
    expect(s.target).toEqual({ simulated: false, models });
    const started = Date.parse(s.startedAt);
    expect(s.startedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(started).toBeGreaterThanOrEqual(before);
    expect(started).toBeLessThanOrEqual(after);
    expect(s.interrupted).toBe(false);
    expect(s.requestsNotSent).toBe(0);
    expect(s.summary.requests).toMatchObject({ total: 4, completed: 4, failed: 0 });
    expect(s.summary.totalOutputTokens).toBe(12);
  });

  it('repeats arrivals and prompts exactly with the same --seed', async () => {
    const args = ['--total_requests', '15', '--rate', '300', '--max_concurrency', '15'];
    const a = readRunFolder((await cli([...args, '--seed', '42'])).out);
    const b = readRunFolder((await cli([...args, '--seed', '42'])).out);
    const c = readRunFolder((await cli([...args, '--seed', '43'])).out);
    const schedule = (records: typeof a.records): [number, number, number][] =>
      [...records].sort((x, y) => x.seq - y.seq).map((r) => [r.seq, r.intendedAtMs, r.promptWords]);
    expect(schedule(a.records)).toHaveLength(15);
    expect(schedule(b.records)).toEqual(schedule(a.records));
    expect(schedule(c.records)).not.toEqual(schedule(a.records));
    expect(b.summary?.config.seed).toBe(42);
  });

  it('prints the seed it drew when none was given, and that seed is saved', async () => {
    const { code, out, stderr } = await cli(['--total_requests', '2', '--rate', '100']);
    expect(code).toBe(0);
    const seed = readRunFolder(out).summary?.config.seed;
    expect(Number.isInteger(seed)).toBe(true);
    expect(stderr).toContain(`--seed ${seed}`);
  });

  it('prints the result as parseable JSON on stdout with --json (inf rates as "inf")', async () => {
    const { code, out, stdout } = await cli(['--total_requests', '5', '--rate', 'inf', '--max_concurrency', '5', '--json']);
    expect(code).toBe(0);
    const parsed = JSON.parse(stdout) as { outDir: string; config: { ratePerSec: unknown }; summary: { requests: { total: number } } };
    expect(parsed.outDir).toBe(out);
    expect(parsed.config.ratePerSec).toBe('inf');
    expect(parsed.summary.requests.total).toBe(5);
    expect(readRunFolder(out).summary?.config.ratePerSec).toBe('inf');
  });

  it('refuses an --out folder that already holds a run, exit 2, and leaves it untouched', async () => {
    const server = await startFaultServer(() => null);
    try {
      const out = join(tempDir(), 'run');
      const args = ['run', '--endpoint', server.endpoint, '--total_requests', '3', '--rate', '100', '--out', out, '--quiet'];
      expect(await runCli(args, captureIo().io)).toBe(0);
      const jsonl = readFileSync(join(out, 'requests.jsonl'), 'utf8');
      const seen = server.requests;

      const cap = captureIo();
      expect(await runCli(args, cap.io)).toBe(2);
      expect(cap.stderr()).toMatch(/--out: ".*" already holds a run/);
      expect(server.requests).toBe(seen);
      expect(readFileSync(join(out, 'requests.jsonl'), 'utf8')).toBe(jsonl);
    } finally {
      await server.close();
    }
  });

  it('prints the package version with --version', async () => {
    const cap = captureIo();
    expect(await runCli(['--version'], cap.io)).toBe(0);
    expect(cap.stdout().trim()).toBe(PACKAGE_VERSION);
  });

  it('smoke: the built binary writes to results/<UTC time>-<label>/ under its cwd by default', async () => {
    const cwd = tempDir();
    const before = Math.floor(Date.now() / 1000) * 1000;
    const run = spawnCli(['run', '--endpoint', endpoint, '--max-tokens', '2', '--total_requests', '3', '--rate', '100', '--label', 'smoke'], { cwd });
    const { code, stdout, stderr } = await run.exited;
    const after = Date.now();
    expect(stderr).not.toContain('unexpected error');
    expect(code).toBe(0);
    expect(stdout).toContain('run summary');
    expect(stdout).toMatch(/requests\s+3 ok, 0 failed of 3 sent/);
    const dirs = readdirSync(join(cwd, 'results'));
    expect(dirs).toHaveLength(1);
    const m = /^(\d{4}-\d\d-\d\d)T(\d\d)-(\d\d)-(\d\d)Z-smoke$/.exec(dirs[0] as string);
    expect(m).not.toBeNull();
    const stamp = Date.parse(`${m?.[1]}T${m?.[2]}:${m?.[3]}:${m?.[4]}Z`);
    expect(stamp).toBeGreaterThanOrEqual(before);
    expect(stamp).toBeLessThanOrEqual(after);
    const folder = readRunFolder(join(cwd, 'results', dirs[0] as string));
    expect(folder.records).toHaveLength(3);
    expect(folder.summary?.config.label).toBe('smoke');
    expect(stderr).toContain(`results in ${join('results', dirs[0] as string)}/`);
  });
});
