import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encode } from 'gpt-tokenizer/encoding/cl100k_base';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/cli.js';
import { loadTokenizer, parseTokenizerSpec } from '../src/tokenizers/load-tokenizer.js';
import { collectRun } from './helpers/collect-run.js';
import { captureIo } from './helpers/cli-io.js';
import { isPreflightProbe, startRecordingServer } from './helpers/recording-llm-server.js';
import { tempDir } from './helpers/temp-dir.js';

const plain = (t: string): number => encode(t, { disallowedSpecial: new Set() }).length;
const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('random prompts, token-exact', () => {
  it.each(['cl100k', 'llama3', 'qwen3', 'deepseek-v3', 'gpt-oss', 'o200k'])('each prompt is exactly the drawn length under %s', async (name) => {
    const server = await startRecordingServer();
    servers.push(server);
    const { records } = await collectRun({
      endpoint: `${server.url}/v1/completions`,
      dataset: 'random',
      inputTokens: '16:300',
      outputTokens: '8',
      tokenizer: name,
      totalRequests: 12,
      ratePerSec: Infinity,
      maxConcurrency: 4,
      metricsUrl: 'off',
      gpus: 'off',
    });
    const tok = await loadTokenizer(parseTokenizerSpec(name));
    const bodies = server.bodies();
    expect(bodies).toHaveLength(12);
    // Concurrent sends may reach the server out of seq order: compare the lengths as multisets.
    const sent = bodies.map((b) => tok.local!.encode(b.prompt as string).length).sort((x, y) => x - y);
    const recorded = records.map((r) => r.promptTokens!).sort((x, y) => x - y);
    expect(sent).toEqual(recorded);
    const lengths = new Set(recorded);
    for (const n of recorded) {
      expect(n).toBeGreaterThanOrEqual(16);
      expect(n).toBeLessThanOrEqual(300);
    }
    for (const body of bodies) {
      // --output-tokens on random sends ignore_eos and min_tokens, as vLLM does.
      expect(body).toMatchObject({ max_tokens: 8, min_tokens: 8, ignore_eos: true });
    }
    expect(lengths.size).toBeGreaterThan(6);
  });

  it('the same seed sends the same prompts byte for byte; another seed does not', async () => {
    const server = await startRecordingServer();
    servers.push(server);
    const cfg = { endpoint: `${server.url}/v1/completions`, dataset: 'random' as const, inputTokens: '64', totalRequests: 5, metricsUrl: 'off' as const, gpus: 'off' as const, ratePerSec: Infinity };
    await collectRun({ ...cfg, seed: 11 });
    await collectRun({ ...cfg, seed: 11 });
    await collectRun({ ...cfg, seed: 12 });
    const prompts = server.bodies().map((b) => b.prompt);
    expect(prompts.slice(0, 5)).toEqual(prompts.slice(5, 10));
    expect(prompts.slice(10)).not.toEqual(prompts.slice(0, 5));
  });
});

describe('shared prefixes', () => {
  it('--prefix-groups 4 gives exactly 4 distinct prefixes of the asked length, on chat as a system message', async () => {
    const server = await startRecordingServer({ addedPromptTokens: 7 });
    servers.push(server);
    const { records, result } = await collectRun({
      endpoint: `${server.url}/v1/chat/completions`,
      dataset: 'random',
      inputTokens: '32',
      prefixTokens: 200,
      prefixGroups: 4,
      totalRequests: 40,
      ratePerSec: Infinity,
      maxConcurrency: 8,
      metricsUrl: 'off',
      gpus: 'off',
    });
    const systems = server.bodies().map((b) => (b.messages as { role: string; content: string }[])[0]!);
    expect(systems.every((m) => m.role === 'system' && plain(m.content) === 200)).toBe(true);
    expect(new Set(systems.map((m) => m.content)).size).toBe(4);
    expect(new Set(records.map((r) => r.prefixGroup)).size).toBe(4);
    for (const r of records) expect(r.promptTokens).toBe(232);
    // The server's usage = ours + 7: the template's tokens, recorded per request, no mismatch.
    expect(records.every((r) => r.templateTokens === 7)).toBe(true);
    expect(result.summary.lengthChecks?.input).toEqual({ checked: 40, mismatched: 0, templateTokens: { 'messages=2': 7 } });
    expect(result.workload?.prefix).toMatchObject({ tokens: 200, groups: 4, unique: false, nonce: null });
  });

  it('--unique-prefix puts a fresh nonce before every prompt: same seed, different runs, different first tokens', async () => {
    const server = await startRecordingServer();
    servers.push(server);
    const cfg = { endpoint: `${server.url}/v1/completions`, dataset: 'random' as const, inputTokens: '20', prefixTokens: 50, uniquePrefix: true, totalRequests: 3, metricsUrl: 'off' as const, gpus: 'off' as const, seed: 5 };
    const a = await collectRun(cfg);
    const b = await collectRun(cfg);
    const prompts = server.bodies().map((x) => x.prompt as string);
    expect(a.result.workload?.prefix.nonce).not.toBe(b.result.workload?.prefix.nonce);
    expect(prompts[0]!.startsWith(` ${a.result.workload!.prefix.nonce!}`)).toBe(true);
    expect(prompts[3]!.startsWith(` ${b.result.workload!.prefix.nonce!}`)).toBe(true);
    // Within a run every prompt shares the nonce and the prefix; the bodies after it are the seed's.
    expect(prompts.slice(0, 3).every((p) => p.startsWith(prompts[0]!.slice(0, 40)))).toBe(true);
    expect(prompts[0]!.slice(-60)).toBe(prompts[3]!.slice(-60));
  });
});

describe('output and input lengths checked', () => {
  it('a server that stops early despite ignore_eos is caught by the length check', async () => {
    const server = await startRecordingServer({ stopAtShare: 0.5 });
    servers.push(server);
    const { result } = await collectRun({
      endpoint: `${server.url}/v1/completions`,
      dataset: 'random',
      inputTokens: '40',
      outputTokens: '20',
      totalRequests: 6,
      metricsUrl: 'off',
      gpus: 'off',
      ratePerSec: Infinity,
    });
    expect(result.summary.lengthChecks?.output).toEqual({ checked: 6, mismatched: 6, short: 6, long: 0 });
  });

  it("a server whose tokenizer counts differently shows as input mismatches", async () => {
    // The server counts whitespace words: for random word-token prompts that is ours, plus one per
    // word our tokenizer split... so it differs from request to request only when counts differ; use a
    // character count, which certainly varies against tokens.
    const server = await startRecordingServer({ countPrompt: (t) => Math.ceil(t.length / 3) });
    servers.push(server);
    const { result } = await collectRun({
      endpoint: `${server.url}/v1/completions`,
      dataset: 'random',
      inputTokens: '50:400',
      totalRequests: 10,
      metricsUrl: 'off',
      gpus: 'off',
      ratePerSec: Infinity,
    });
    expect(result.summary.lengthChecks?.input.checked).toBe(10);
    expect(result.summary.lengthChecks?.input.mismatched).toBeGreaterThan(5);
  });
});

describe('--extra-body, --header and the API key', () => {
  it('reach the server; the key and header values appear in no output file', async () => {
    const server = await startRecordingServer();
    servers.push(server);
    const dir = tempDir();
    const out = join(dir, 'run');
    const cap = captureIo({ MY_KEY: 'sk-secret-key-123' });
    const io = cap.io;
    const code = await runCli(
      [
        'run', '--endpoint', `${server.url}/v1/completions`, '--dataset', 'random', '--random-input-len', '30', '--random-output-len', '4',
        '--extra-body', '{"temperature":0.5,"top_p":0.9}', '--header', 'X-Tenant: team-secret-header', '--api-key-env', 'MY_KEY',
        '--total_requests', '3', '--out', out, '--no-plots', '--quiet', '--no-server-metrics', '--no-gpu',
      ],
      io,
    );
    expect(code, cap.stderr()).toBe(0);
    const posts = server.received.filter(
      (r) => r.path === '/v1/completions' && r.body.includes('"stream":true') && !isPreflightProbe(JSON.parse(r.body) as Record<string, unknown>),
    );
    expect(posts).toHaveLength(3);
    for (const p of posts) {
      expect(JSON.parse(p.body)).toMatchObject({ temperature: 0.5, top_p: 0.9, ignore_eos: true });
      expect(p.headers['x-tenant']).toBe('team-secret-header');
      expect(p.headers.authorization).toBe('Bearer sk-secret-key-123');
    }
    for (const f of ['summary.json', 'requests.jsonl', 'benchmark_results.csv']) {
      const text = readFileSync(join(out, f), 'utf8');
      expect(text).not.toContain('sk-secret-key-123');
      expect(text).not.toContain('team-secret-header');
    }
    expect(cap.stderr() + cap.stdout()).not.toContain('sk-secret');
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { config: { headerNames: string[] } };
    expect(summary.config.headerNames).toEqual(['x-tenant']);
  });

  it('refuses a body key llmload sets, an Authorization header and a bad spec, naming each flag, exit 2', async () => {
    const server = await startRecordingServer();
    servers.push(server);
    const cap = captureIo();
    const code = await runCli(
      ['run', '--endpoint', `${server.url}/v1/completions`, '--header', 'Authorization: Bearer x', '--output-tokens', 'normal:abc', '--extra-body', '[1]', '--quiet'],
      cap.io,
    );
    expect(code).toBe(2);
    expect(cap.stderr()).toMatch(/--header: Authorization is not accepted/);
    expect(cap.stderr()).toMatch(/--output-tokens: "normal:abc" is not a length/);
    expect(cap.stderr()).toMatch(/--extra-body: must be a JSON object/);
    const cap2 = captureIo();
    expect(await runCli(['run', '--endpoint', `${server.url}/v1/completions`, '--extra-body', '{"max_tokens": 3}', '--quiet', '--no-plots', '--out', join(tempDir(), 'r')], cap2.io)).toBe(2);
    expect(cap2.stderr()).toMatch(/--extra-body: sets max_tokens, which llmload sets itself/);
    expect(server.received.filter((r) => r.body.includes('"stream":true'))).toHaveLength(0);
  });
});
