/**
 * `llmload sim` through the CLI, in-process: its profiles, its flags (every bad one named at once),
 * and a served request with the engine and fault flags applied.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/cli.js';
import { captureIo } from './helpers/cli-io.js';

describe('llmload sim', () => {
  it('lists the profiles with their derived figures and sources', async () => {
    const cap = captureIo();
    expect(await runCli(['sim', '--list-profiles'], cap.io)).toBe(0);
    const out = cap.stdout();
    expect(out).toContain('llama-3.1-8b-1xh100 (default): Llama 3.1 8B Instruct, BF16, on one H100 SXM 80GB');
    expect(out).toContain('llama-3.1-70b-8xh100');
    expect(out).toContain('fixed: simple latency model');
    expect(out).toMatch(/inter-token latency at batch 1 \/ 64 \/ 256 .*: 6\.\d \//);
    expect(out).toContain('vllm-project/vllm#10517');
  });

  it('names every bad flag, by the flag, and exits 2', async () => {
    const cap = captureIo();
    const code = await runCli(['sim', '--profile', 'gpu9000', '--kv-cache-tokens', 'lots', '--fault-rate', '3', '--faults', 'cut,boom'], cap.io);
    expect(code).toBe(2);
    const lines = cap.stderr().split('\n').filter((l) => l.startsWith('  '));
    expect(lines.map((l) => l.trim().split(':')[0])).toEqual(['--kv-cache-tokens', '--profile', '--fault-rate', '--faults']);
  });

  it('serves with the engine and fault flags applied, until interrupted', async () => {
    const cap = captureIo();
    const running = runCli(
      ['sim', '--port', '0', '--max-num-seqs', '4', '--kv-cache-tokens', '4096', '--no-enable-prefix-caching', '--fault-rate', '1', '--faults', '503'],
      cap.io,
    );
    let url: string | undefined;
    for (let i = 0; i < 200 && url === undefined; i++) {
      await new Promise((r) => setTimeout(r, 10));
      url = /at (http:\/\/127\.0\.0\.1:\d+)/.exec(cap.stderr())?.[1];
    }
    expect(cap.stderr()).toContain('profile llama-3.1-8b-1xh100');
    expect(cap.stderr()).toContain('Faults: 100% of requests (503)');
    const models = (await (await fetch(`${url}/v1/models`)).json()) as { data: { max_model_len: number }[] };
    expect(models.data[0]?.max_model_len).toBe(4096);
    const res = await fetch(`${url}/v1/completions`, { method: 'POST', body: JSON.stringify({ prompt: 'hi', max_tokens: 2 }) });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    cap.interrupt();
    expect(await running).toBe(0);
    expect(cap.stderr()).toContain('llmload sim: stopped.');
  });
});
