import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
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

async function server(): ReturnType<typeof startRecordingServer> {
  const s = await startRecordingServer();
  servers.push(s);
  return s;
}

/** A prompt of `n` words ("w0 w1 ..."), distinct per row. */
const words = (row: number, n: number): string => Array.from({ length: n }, (_, i) => `row${row} word${i}`).join(' ');

/** 30 well-formed ShareGPT rows, plus rows vLLM's filters drop and a conversation without a reply. */
function shareGptRows(): unknown[] {
  const rows: unknown[] = [];
  for (let i = 0; i < 30; i++) {
    rows.push({ id: `c${i}`, conversations: [{ from: 'human', value: words(i, 5 + i) }, { from: 'gpt', value: words(100 + i, 3 + (i % 7)) }, { from: 'human', value: 'and then?' }] });
  }
  rows.push({ id: 'short', conversations: [{ from: 'human', value: 'hi' }, { from: 'gpt', value: words(200, 20) }] });
  rows.push({ id: 'long', conversations: [{ from: 'human', value: words(201, 600) }, { from: 'gpt', value: 'ok then, fine' }] });
  rows.push({ id: 'lonely', conversations: [{ from: 'human', value: words(202, 10) }] });
  return rows;
}

describe('ShareGPT', () => {
  it('sends first human turns, asks for the reply\'s length, applies vLLM\'s filters, records the file\'s sha256', async () => {
    const dir = tempDir();
    const file = join(dir, 'sg.json');
    const rows = shareGptRows();
    writeFileSync(file, JSON.stringify(rows, null, 2));
    const s = await server();
    const { records, result } = await collectRun({
      endpoint: `${s.url}/v1/completions`,
      dataset: 'sharegpt',
      datasetPath: file,
      totalRequests: 40,
      ratePerSec: Infinity,
      maxConcurrency: 4,
      metricsUrl: 'off',
      gpus: 'off',
    });
    const byPrompt = new Map<string, { reply: string; id: string }>();
    for (const r of rows as { id: string; conversations: { value: string }[] }[]) {
      if (r.conversations.length > 1) byPrompt.set(r.conversations[0]!.value, { reply: r.conversations[1]!.value, id: r.id });
    }
    const bodies = s.bodies();
    expect(bodies).toHaveLength(40);
    const ids = new Set<string>();
    for (const b of bodies) {
      const row = byPrompt.get(b.prompt as string);
      expect(row, `sent a prompt that is no row's first human turn: ${String(b.prompt).slice(0, 40)}`).toBeDefined();
      ids.add(row!.id);
      expect(b.max_tokens).toBe(tokens(row!.reply));
      // A dataset's output lengths are the reply's; ignore_eos stays off unless asked for.
      expect(b.ignore_eos).toBeUndefined();
    }
    // 'short' (1 token in), 'long' (over 1,024 in) are filtered and 'lonely' has no reply; the other 30
    // are each sent once, then 10 drawn again.
    expect(ids.has('short') || ids.has('long')).toBe(false);
    expect(ids.size).toBe(30);
    const d = result.workload!.dataset!;
    expect(d.file.sha256).toBe(createHash('sha256').update(readFileSync(file)).digest('hex'));
    expect(d.file.sizeBytes).toBe(readFileSync(file).length);
    expect(d.stats).toMatchObject({ rows: 33, badRows: 0, skipped: { 'no human turn with a reply': 1 }, distinctRows: 30, repeated: 10 });
    expect(d.stats.filtered).toEqual({ tooShort: 1, inputTooLong: 1, totalTooLong: 0 });
    // Records carry where each request came from and its exact input length.
    for (const r of records) {
      expect(r.sourceId).toMatch(/^\$\[\d+\] \(id c\d+\)$/);
      expect(r.promptTokens).toBeGreaterThan(4);
      expect(r.requestedOutputTokens).toBeGreaterThan(0);
    }
    expect(result.summary.lengthChecks?.input.mismatched).toBe(0);
  });

  it('the same seed draws the same rows; another seed others; --dataset-order file takes the first rows in order', async () => {
    const dir = tempDir();
    const file = join(dir, 'sg.json');
    writeFileSync(file, JSON.stringify(shareGptRows()));
    const s = await server();
    const cfg = { endpoint: `${s.url}/v1/completions`, dataset: 'sharegpt' as const, datasetPath: file, totalRequests: 6, ratePerSec: Infinity, maxConcurrency: 1, metricsUrl: 'off' as const, gpus: 'off' as const };
    await collectRun({ ...cfg, seed: 3 });
    await collectRun({ ...cfg, seed: 3 });
    await collectRun({ ...cfg, seed: 4 });
    await collectRun({ ...cfg, datasetOrder: 'file' });
    const p = s.bodies().map((b) => b.prompt as string);
    expect(p.slice(0, 6)).toEqual(p.slice(6, 12));
    expect(p.slice(12, 18)).not.toEqual(p.slice(0, 6));
    expect(p.slice(18)).toEqual([0, 1, 2, 3, 4, 5].map((i) => words(i, 5 + i)));
  });

  it('--output-tokens overrides the replies, and the prompt goes to a chat endpoint as a user message', async () => {
    const dir = tempDir();
    const file = join(dir, 'sg.json');
    writeFileSync(file, JSON.stringify(shareGptRows()));
    const s = await server();
    await collectRun({ endpoint: `${s.url}/v1/chat/completions`, dataset: 'sharegpt', datasetPath: file, outputTokens: '9', totalRequests: 5, ratePerSec: Infinity, metricsUrl: 'off', gpus: 'off' });
    for (const b of s.bodies()) {
      expect(b.max_tokens).toBe(9);
      expect(b.messages).toEqual([{ role: 'user', content: expect.stringMatching(/^row\d+ word0/) }]);
    }
  });

  it('refuses malformed rows naming the file and JSON path, exit 2, nothing sent; --skip-bad-rows skips and counts them', async () => {
    const dir = tempDir();
    const file = join(dir, 'bad.json');
    const rows = shareGptRows();
    rows.splice(2, 0, 'not a row', { id: 'x', conversations: 'nope' });
    writeFileSync(file, JSON.stringify(rows));
    const s = await server();
    const base = ['run', '--endpoint', `${s.url}/v1/completions`, '--dataset-name', 'sharegpt', '--dataset-path', file, '--total_requests', '4', '--no-plots', '--no-server-metrics', '--no-gpu'];
    const cap = captureIo();
    expect(await runCli([...base, '--quiet', '--out', join(dir, 'a')], cap.io)).toBe(2);
    expect(cap.stderr()).toContain(`--dataset-path: ${file}: $[2]: not an object`);
    expect(cap.stderr()).toContain('--skip-bad-rows');
    expect(s.received).toHaveLength(0);

    const cap2 = captureIo();
    expect(await runCli([...base, '--skip-bad-rows', '--out', join(dir, 'b')], cap2.io), cap2.stderr()).toBe(0);
    expect(cap2.stderr()).toMatch(/skipped 2 malformed rows of .*bad\.json.*\$\[2\]: not an object/);
    const summary = JSON.parse(readFileSync(join(dir, 'b', 'summary.json'), 'utf8')) as { workload: { dataset: { stats: { badRows: number; badRowExamples: string[] } } } };
    expect(summary.workload.dataset.stats.badRows).toBe(2);
    expect(summary.workload.dataset.stats.badRowExamples[1]).toBe('$[3].conversations: missing or not a list');
  });

  it('names the line of invalid JSON, and refuses a missing file, a JSON object and a truncated list', async () => {
    const dir = tempDir();
    const s = await server();
    const run = async (content: string | null): Promise<string> => {
      const file = join(dir, `f${Math.random()}.json`);
      if (content !== null) writeFileSync(file, content);
      const cap = captureIo();
      const code = await runCli(['run', '--endpoint', `${s.url}/v1/completions`, '--dataset', 'sharegpt', '--dataset-path', file, '--quiet', '--no-plots', '--out', `${file}.out`], cap.io);
      expect(code).toBe(2);
      return cap.stderr();
    };
    const lines = JSON.stringify(shareGptRows().slice(0, 3), null, 2).split('\n');
    lines.splice(6, 0, '   oops,');
    expect(await run(lines.join('\n'))).toMatch(/not valid JSON near line 7/);
    expect(await run(null)).toMatch(/: no such file/);
    expect(await run('{"conversations": []}')).toMatch(/is not a JSON list/);
    expect(await run(JSON.stringify(shareGptRows()).slice(0, -40))).toMatch(/ends before its JSON list closes/);
    expect(await run('')).toMatch(/is empty/);
    expect(s.received).toHaveLength(0);
  });
});

describe('JSONL', () => {
  it('sends prompt rows as written, with their output_tokens, ids and extra fields in the records', async () => {
    const dir = tempDir();
    const file = join(dir, 'p.jsonl');
    const lines = Array.from({ length: 8 }, (_, i) => JSON.stringify({ id: `q${i}`, prompt: `Question ${i}: ${words(i, 4)}`, output_tokens: 3 + i, topic: `t${i}` }));
    lines.splice(3, 0, '');
    writeFileSync(file, `${lines.join('\r\n')}\n`);
    const s = await server();
    const { records, result } = await collectRun({ endpoint: `${s.url}/v1/completions`, dataset: 'jsonl', datasetPath: file, datasetOrder: 'file', totalRequests: 8, ratePerSec: Infinity, maxConcurrency: 1, metricsUrl: 'off', gpus: 'off' });
    const bodies = s.bodies();
    expect(bodies.map((b) => b.prompt)).toEqual(Array.from({ length: 8 }, (_, i) => `Question ${i}: ${words(i, 4)}`));
    expect(bodies.map((b) => b.max_tokens)).toEqual([3, 4, 5, 6, 7, 8, 9, 10]);
    const sorted = [...records].sort((a, b) => a.seq - b.seq);
    // The blank line counts as a line: the 4th row is on line 5.
    expect(sorted[3]!.sourceId).toBe('line 5 (id q3)');
    expect(sorted.map((r) => r.promptTokens)).toEqual(bodies.map((b) => tokens(b.prompt as string)));
    expect(result.workload?.dataset?.stats.rows).toBe(8);
  });

  it('sends messages rows to chat endpoints, and refuses them on a completions endpoint before sending anything', async () => {
    const dir = tempDir();
    const file = join(dir, 'm.jsonl');
    const rows = [
      { messages: [{ role: 'system', content: 'You are terse.' }, { role: 'user', content: 'Name a prime.' }], max_tokens: 4 },
      { messages: [{ role: 'user', content: 'Name a colour.' }] },
    ];
    writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n'));
    const s = await server();
    const { records } = await collectRun({ endpoint: `${s.url}/v1/chat/completions`, dataset: 'jsonl', datasetPath: file, datasetOrder: 'file', totalRequests: 2, ratePerSec: Infinity, maxConcurrency: 1, metricsUrl: 'off', gpus: 'off' });
    expect(s.bodies().map((b) => b.messages)).toEqual(rows.map((r) => r.messages));
    expect(s.bodies()[0]!.max_tokens).toBe(4);
    expect(s.bodies()[1]!.max_tokens).toBeUndefined();
    const first = records.find((r) => r.seq === 0)!;
    expect(first.promptTokens).toBe(tokens('You are terse.') + tokens('Name a prime.'));

    const s2 = await server();
    const cap = captureIo();
    expect(await runCli(['run', '--endpoint', `${s2.url}/v1/completions`, '--dataset', 'jsonl', '--dataset-path', file, '--quiet', '--no-plots', '--out', join(dir, 'o')], cap.io)).toBe(2);
    expect(cap.stderr()).toMatch(/--dataset-path: .*m\.jsonl holds chat messages, but openai-completions takes a text prompt/);
    expect(s2.received).toHaveLength(0);
  });

  it('names the line of a bad row; --skip-bad-rows skips it; --dataset-path without a file source is refused', async () => {
    const dir = tempDir();
    const file = join(dir, 'b.jsonl');
    writeFileSync(file, ['{"prompt":"one two three"}', '{"prompt":"four five"}', '[1]', '{"text":"x"}', '{"prompt":"six'].join('\n'));
    const s = await server();
    const cap = captureIo();
    const args = ['run', '--endpoint', `${s.url}/v1/completions`, '--dataset', 'jsonl', '--dataset-path', file, '--total_requests', '2', '--no-plots', '--no-server-metrics', '--no-gpu'];
    expect(await runCli([...args, '--quiet', '--out', join(dir, 'a')], cap.io)).toBe(2);
    expect(cap.stderr()).toContain(`${file}: line 3: not a JSON object`);
    const cap2 = captureIo();
    expect(await runCli([...args, '--skip-bad-rows', '--out', join(dir, 'b')], cap2.io), cap2.stderr()).toBe(0);
    expect(cap2.stderr()).toMatch(/skipped 3 malformed rows/);
    expect(s.bodies().map((b) => b.prompt).sort()).toEqual(['four five', 'one two three']);
    const cap3 = captureIo();
    expect(await runCli(['run', '--dataset-path', file, '--quiet'], cap3.io)).toBe(2);
    expect(cap3.stderr()).toMatch(/--dataset-path: --dataset words reads no file/);
  });
});
