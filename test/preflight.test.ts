/**
 * The preflight: a wrong target fails in seconds with a typed error naming the URL, before anything is
 * timed; a right one with an API key works, and the key never lands in any output.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/cli.js';
import { ConfigError, LlmloadError } from '../src/errors.js';
import { startSimulator, type SimulatorHandle } from '../src/sim/index.js';
import { captureIo } from './helpers/cli-io.js';
import { closedPort } from './helpers/closed-port.js';
import { collectRun } from './helpers/collect-run.js';
import { startHttpServer, type TestHttpServer } from './helpers/http-server.js';
import { MODELS_ANSWER, sendJson, TEST_MODEL, writeHealthyStream } from './helpers/openai-sse.js';
import { tempDir } from './helpers/temp-dir.js';

/** The setup error a run fails with (the test fails if it succeeds). */
async function setupError(run: Promise<unknown>): Promise<LlmloadError> {
  const err = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(LlmloadError);
  return err as LlmloadError;
}

/** A server that answers only requests carrying `authorization: Bearer <key>`; 401 otherwise. */
function startKeyedServer(key: string): Promise<TestHttpServer> {
  return startHttpServer((req, res) => {
    if (req.headers.authorization !== `Bearer ${key}`) {
      return sendJson(res, 401, { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } });
    }
    if (req.method === 'GET' && req.url === '/v1/models') return sendJson(res, 200, MODELS_ANSWER);
    if (req.method === 'POST' && req.url === '/v1/completions') return writeHealthyStream(res);
    sendJson(res, 404, { detail: 'Not Found' });
  });
}

describe('preflight', () => {
  let sim: SimulatorHandle;
  beforeAll(async () => {
    sim = await startSimulator({ ttftMs: 2, itlMs: 1 });
  });
  afterAll(() => sim.close());

  it('fails fast with LLMLOAD_TARGET_UNREACHABLE naming the URL when nothing listens', async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}/v1/completions`;
    const t0 = performance.now();
    const err = await setupError(collectRun({ endpoint, totalRequests: 3 }));
    expect(performance.now() - t0).toBeLessThan(5_000);
    expect(err.code).toBe('LLMLOAD_TARGET_UNREACHABLE');
    expect(err.message).toContain(endpoint);
    expect(err.message).toContain('ECONNREFUSED');
  });

  it('exits 3 from the CLI for an unreachable target, and writes no run', async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}/v1/completions`;
    const out = join(tempDir(), 'run');
    const cap = captureIo();
    const code = await runCli(['run', '--endpoint', endpoint, '--out', out, '--quiet'], cap.io);
    expect(code).toBe(3);
    expect(cap.stderr()).toContain(`cannot reach ${endpoint}`);
    expect(cap.stderr()).toContain('[LLMLOAD_TARGET_UNREACHABLE]');
    // The folder was prepared, but holds no summary: nothing ran.
    expect(readdirSync(out)).not.toContain('summary.json');
  });

  it('refuses an endpoint whose path names no API, naming --endpoint', async () => {
    const err = await setupError(collectRun({ endpoint: `${sim.url}/v1/complete` }));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.code).toBe('LLMLOAD_CONFIG_INVALID');
    const problems = (err as ConfigError).problems;
    expect(problems).toHaveLength(1);
    expect(problems[0]?.field).toBe('--endpoint');
    expect(problems[0]?.message).toContain('"/v1/complete"');
  });

  it('rejects a path the server answers with 404, naming the URL and the status', async () => {
    const endpoint = `${sim.url}/v2/completions`;
    const err = await setupError(collectRun({ endpoint }));
    expect(err.code).toBe('LLMLOAD_TARGET_REJECTED');
    expect(err.message).toContain(`POST ${endpoint} answered HTTP 404`);
    expect(err.message).toContain('--endpoint');
  });

  it('rejects a model the server does not serve with the 404 body', async () => {
    const err = await setupError(collectRun({ endpoint: `${sim.url}/v1/completions`, model: 'no-such-model' }));
    expect(err.code).toBe('LLMLOAD_TARGET_REJECTED');
    expect(err.message).toContain('HTTP 404');
    expect(err.message).toContain('no-such-model');
  });

  it('reports a missing or wrong API key as LLMLOAD_TARGET_FORBIDDEN (model given)', async () => {
    const server = await startKeyedServer('sk-right');
    try {
      const endpoint = `${server.url}/v1/completions`;
      const err = await setupError(collectRun({ endpoint, model: TEST_MODEL }, { apiKey: 'sk-wrong' }));
      expect(err.code).toBe('LLMLOAD_TARGET_FORBIDDEN');
      // The first request to carry the key (GET /v1/models) is the one refused; the message names it.
      expect(err.message).toContain(`GET ${server.url}/v1/models answered HTTP 401`);
      expect(err.message).toContain('Incorrect API key provided');
      expect(err.message).not.toContain('sk-wrong');
    } finally {
      await server.close();
    }
  });

  // A server that requires a key answers /v1/models with 401 too: that must not turn into
  // "no model listed, pass --model", which would send the user after the wrong fix.
  it('reports a missing API key as LLMLOAD_TARGET_FORBIDDEN when no --model is given', async () => {
    const server = await startKeyedServer('sk-right');
    try {
      const err = await setupError(collectRun({ endpoint: `${server.url}/v1/completions` }));
      expect(err.code).toBe('LLMLOAD_TARGET_FORBIDDEN');
    } finally {
      await server.close();
    }
  });

  it('sends the key from OPENAI_API_KEY on every request and never writes it anywhere', async () => {
    const key = `sk-test-${randomBytes(12).toString('hex')}`;
    const server = await startKeyedServer(key);
    try {
      const out = join(tempDir(), 'run');
      const cap = captureIo({ OPENAI_API_KEY: key });
      const code = await runCli(
        ['run', '--endpoint', `${server.url}/v1/completions`, '--rate', '200', '--total_requests', '4', '--out', out, '--json', '--seed', '5'],
        cap.io,
      );
      expect(cap.stderr()).not.toContain('llmload: invalid');
      expect(code).toBe(0);
      const result = JSON.parse(cap.stdout()) as { summary: { requests: { completed: number } } };
      expect(result.summary.requests.completed).toBe(4);
      // The preflight's GET and POST and every generation carried the key (warm-up: see below).
      const posts = server.received.filter((r) => r.method === 'POST');
      expect(posts).toHaveLength(5);
      for (const r of [server.received[0], ...posts]) expect(r?.headers.authorization).toBe(`Bearer ${key}`);

      // Every file the run wrote, plots and report included (the PNGs read as bytes, the key as ASCII).
      const files = readdirSync(out, { recursive: true }).map(String);
      expect(files.filter((f) => !f.startsWith('plot')).sort()).toEqual(['benchmark_results.csv', 'report.html', 'requests.jsonl', 'summary.json']);
      expect(files.some((f) => f.endsWith('.png'))).toBe(true);
      for (const f of files) if (statSync(join(out, f)).isFile()) expect(readFileSync(join(out, f), 'latin1')).not.toContain(key);
      expect(cap.stdout()).not.toContain(key);
      expect(cap.stderr()).not.toContain(key);
    } finally {
      await server.close();
    }
  });

  // The warm-up GETs that open one connection per slot must carry the key: otherwise a keyed server
  // answers each with 401 (noise in its logs; a gateway that closes on 401 defeats the warm-up).
  it('sends the key on the warm-up requests too', async () => {
    const key = `sk-test-${randomBytes(12).toString('hex')}`;
    const server = await startKeyedServer(key);
    try {
      const { result } = await collectRun(
        { endpoint: `${server.url}/v1/completions`, totalRequests: 1, maxConcurrency: 3, warmup: true },
        { apiKey: key },
      );
      expect(result.summary.requests.completed).toBe(1);
      const gets = server.received.filter((r) => r.method === 'GET' && r.path === '/v1/models');
      expect(gets).toHaveLength(4); // the preflight's, then one per slot
      for (const r of gets) expect(r.headers.authorization).toBe(`Bearer ${key}`);
      // The metrics probe is the one other GET; the key is for the API and is not sent there (the
      // metrics URL may be another service, such as a DCGM exporter).
      const others = server.received.filter((r) => r.method === 'GET' && r.path !== '/v1/models');
      expect(others.map((r) => r.path)).toEqual(['/metrics']);
      for (const r of others) expect(r.headers.authorization).toBeUndefined();
    } finally {
      await server.close();
    }
  });

  it('reads the key from the variable --api-key-env names', async () => {
    const key = `sk-test-${randomBytes(12).toString('hex')}`;
    const server = await startKeyedServer(key);
    try {
      const cap = captureIo({ OPENAI_API_KEY: 'sk-not-this-one', MY_GATEWAY_KEY: key });
      const out = join(tempDir(), 'run');
      const args = ['run', '--endpoint', `${server.url}/v1/completions`, '--total_requests', '2', '--rate', '100', '--out', out, '--quiet'];
      expect(await runCli([...args, '--api-key-env', 'MY_GATEWAY_KEY'], cap.io)).toBe(0);
      expect(readFileSync(join(out, 'summary.json'), 'utf8')).not.toContain(key);

      // Without the variable the server says 401 and the CLI exits 3 with the forbidden code.
      const bare = captureIo({ OPENAI_API_KEY: 'sk-not-this-one' });
      const code = await runCli([...args.slice(0, -3), '--out', join(tempDir(), 'run'), '--model', TEST_MODEL], bare.io);
      expect(code).toBe(3);
      expect(bare.stderr()).toContain('[LLMLOAD_TARGET_FORBIDDEN]');
      expect(bare.stderr()).not.toContain('sk-not-this-one');
    } finally {
      await server.close();
    }
  });
});
