import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encode } from 'gpt-tokenizer/encoding/cl100k_base';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/cli.js';
import { collectRun } from './helpers/collect-run.js';
import { captureIo } from './helpers/cli-io.js';
import { startRecordingServer } from './helpers/recording-llm-server.js';
import { tempDir } from './helpers/temp-dir.js';

const tokens = (t: string): number => encode(t, { disallowedSpecial: new Set() }).length;
const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('trace replay', () => {
  it('Mooncake: send times from the trace (scaled), shared hash_ids share prompt text, lengths exact and held', async () => {
    const dir = tempDir();
    const file = join(dir, 'mooncake.jsonl');
    const rows = [
      { timestamp: 1000, input_length: 700, output_length: 5, hash_ids: [1, 2] },
      { timestamp: 1040, input_length: 1200, output_length: 3, hash_ids: [1, 2, 3] },
      { timestamp: 1100, input_length: 600, output_length: 4, hash_ids: [1, 4] },
      { timestamp: 1160, input_length: 300, output_length: 2, hash_ids: [9] },
      { timestamp: 1160, input_length: 40, output_length: 2 },
    ];
    writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n'));
    const server = await startRecordingServer();
    servers.push(server);
    const { records, result } = await collectRun({ endpoint: `${server.url}/v1/completions`, trace: file, traceFormat: 'mooncake', timeScale: 2, metricsUrl: 'off', gpus: 'off', maxConcurrency: 8 });
    const sorted = [...records].sort((a, b) => a.seq - b.seq);
    expect(sorted.map((r) => r.intendedAtMs)).toEqual([0, 80, 200, 320, 320]);
    expect(sorted.map((r) => r.sourceId)).toEqual(['line 1', 'line 2', 'line 3', 'line 4', 'line 5']);
    expect(sorted.map((r) => r.promptTokens)).toEqual([700, 1200, 600, 300, 40]);
    const byLen = new Map(server.bodies().map((b) => [tokens(b.prompt as string), b]));
    const p = (n: number): string => byLen.get(n)!.prompt as string;
    // Blocks 1 and 2 (1,024 tokens) lead the 1,200-token prompt and make up the 700-token one's start.
    expect(p(1200).startsWith(p(700))).toBe(true);
    const block1 = p(700).split(' ').slice(1, 513).join(' ');
    expect(p(600).startsWith(` ${block1}`)).toBe(true);
    expect(p(300).startsWith(` ${block1.slice(0, 30)}`)).toBe(false);
    // The trace's output lengths, held with ignore_eos.
    expect(byLen.get(700)).toMatchObject({ max_tokens: 5, ignore_eos: true, min_tokens: 5 });
    expect(result.workload?.source).toBe('trace');
    expect(result.workload?.trace).toMatchObject({ format: 'mooncake', entries: 5, timeScale: 2, capped: false });
    expect(result.arrivals?.description).toBe(`replay of ${file} (mooncake), time scale 2`);
    expect(result.arrivals?.degraded).toBeNull();
  });

  it('BurstGPT: a model filter and a window replay a slice; a replay that falls behind is marked degraded', async () => {
    const dir = tempDir();
    const file = join(dir, 'burst.csv');
    writeFileSync(
      file,
      [
        'Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type',
        '0,ChatGPT,50,5,55,Conversation log',
        '1,GPT-4,60,6,66,Conversation log',
        '2,ChatGPT,70,0,70,Conversation log',
        '3,ChatGPT,80,8,88,Conversation log',
        '4,ChatGPT,90,9,99,Conversation log',
        '9,ChatGPT,99,9,108,Conversation log',
      ].join('\n'),
    );
    const server = await startRecordingServer();
    servers.push(server);
    const { records, result } = await collectRun({
      endpoint: `${server.url}/v1/completions`,
      trace: file,
      traceFormat: 'burstgpt',
      traceModel: 'chatgpt',
      traceStartS: 1,
      traceWindowS: 4,
      timeScale: 0.1,
      // Any lag at all passes this threshold: the degraded mark must show.
      degradedLagMs: 1e-6,
      metricsUrl: 'off',
      gpus: 'off',
    });
    const sorted = [...records].sort((a, b) => a.seq - b.seq);
    // Rows at 3 s and 4 s (GPT-4 filtered out, 0 response tokens skipped, 9 s past the window), from 1 s, ×0.1.
    expect(sorted.map((r) => r.intendedAtMs)).toEqual([200, 300]);
    expect(sorted.map((r) => r.requestedOutputTokens)).toEqual([8, 9]);
    expect(result.workload?.trace?.stats.skipped).toMatchObject({ 'zero response tokens': 1 });
    expect(result.arrivals?.degraded).toMatch(/^schedule lag p99 .* not a faithful replay$/);
  });

  it('refuses a trace without a format, a trace beside --rate, and a missing file, naming each, exit 2', async () => {
    const cap = captureIo();
    expect(await runCli(['run', '--trace', 'x.jsonl', '--rate', '4', '--quiet'], cap.io)).toBe(2);
    expect(cap.stderr()).toMatch(/--trace-format: --trace needs --trace-format \(mooncake, burstgpt, azure, jsonl\)/);
    expect(cap.stderr()).toMatch(/--rate: cannot be combined with --trace/);
    const server = await startRecordingServer();
    servers.push(server);
    const cap2 = captureIo();
    const out = join(tempDir(), 'o');
    expect(await runCli(['run', '--endpoint', `${server.url}/v1/completions`, '--trace', '/nonexistent/t.jsonl', '--trace-format', 'mooncake', '--quiet', '--out', out], cap2.io)).toBe(2);
    expect(cap2.stderr()).toMatch(/--trace: \/nonexistent\/t\.jsonl: no such file/);
    expect(server.received).toHaveLength(0);
  });
});
