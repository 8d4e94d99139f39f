import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TraceEntry, TraceFormat } from '../src/core/trace/trace-entry.js';
import { readTrace, type ReadTraceOptions } from '../src/workload/read-trace.js';
import { ConfigError } from '../src/errors.js';
import { runWithHeapCap } from './helpers/bounded-heap.js';
import { tempDir } from './helpers/temp-dir.js';

const MB = 1024 * 1024;
const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

function fixture(name: string, text: string | Buffer): string {
  const path = join(tempDir(), name);
  writeFileSync(path, text);
  return path;
}

/** Reads the whole trace, keeping every entry (fine for fixtures of a few rows). */
async function readAll(path: string, format: TraceFormat, more: Partial<ReadTraceOptions> = {}) {
  const entries: TraceEntry[] = [];
  const stats = await readTrace({ path, format, skipBadRows: false, onEntry: (e) => void entries.push(e), ...more });
  return { entries, stats };
}

/** The one problem a refused trace reports. */
async function refusal(path: string, format: TraceFormat, more: Partial<ReadTraceOptions> = {}): Promise<string> {
  const err = await readAll(path, format, more).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConfigError);
  const problems = (err as ConfigError).problems;
  expect(problems).toHaveLength(1);
  expect(problems[0]!.field).toBe('--trace');
  return problems[0]!.message;
}

const HINT = ' (--skip-bad-rows skips such rows)';

describe('reading each trace format', () => {
  it('Mooncake JSONL: every field, \\r\\n and blank lines, line numbers as an editor counts them, the sha256 of the file', async () => {
    const path = fixture(
      'mooncake.jsonl',
      [
        '{"timestamp": 0, "input_length": 6758, "output_length": 500, "hash_ids": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]}',
        '{"timestamp": 0, "input_length": 915, "output_length": 355, "hash_ids": [0, 462]}',
        '',
        '{"timestamp": 3000, "input_length": 1053, "output_length": 26}',
        '{"timestamp": 5999, "input_length": 1, "output_length": 0}',
        '{"timestamp": 9000, "input_length": 1477, "output_length": 615, "hash_ids": []}',
      ].join('\r\n'),
    );
    const { entries, stats } = await readAll(path, 'mooncake');
    expect(entries).toEqual([
      { timestampMs: 0, inputTokens: 6758, outputTokens: 500, hashIds: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13], sourceId: 'line 1' },
      { timestampMs: 0, inputTokens: 915, outputTokens: 355, hashIds: [0, 462], sourceId: 'line 2' },
      { timestampMs: 3000, inputTokens: 1053, outputTokens: 26, sourceId: 'line 4' },
      { timestampMs: 9000, inputTokens: 1477, outputTokens: 615, hashIds: [], sourceId: 'line 6' },
    ]);
    expect(stats).toEqual({
      rows: 5,
      entries: 4,
      badRows: 0,
      badRowExamples: [],
      skipped: { 'zero output tokens': 1 },
      stopped: false,
      file: { path, sizeBytes: statSync(path).size, sha256: sha256(path) },
    });
  });

  it('BurstGPT CSV: seconds to ms, failed requests skipped, the model filter, a BOM, \\r\\n, extra columns', async () => {
    const path = fixture(
      'burst.csv',
      '\ufeffTimestamp,Session ID,Model,Request tokens,Response tokens,Total tokens,Log Type\r\n' +
        '5,s1,ChatGPT,472,18,490,Conversation log\r\n' +
        '45,s2,ChatGPT,1087,230,1317,Conversation log\r\n' +
        '46.5,s3,ChatGPT,100,0,100,Conversation log\r\n' +
        '118,s4,GPT-4,417,276,693,Conversation log\r\n' +
        '\r\n' +
        '120.25, s5 , GPT-4 ,300,20,320,API log\r\n',
    );
    const all = await readAll(path, 'burstgpt');
    expect(all.entries).toEqual([
      { timestampMs: 5000, inputTokens: 472, outputTokens: 18, sourceId: 'line 2' },
      { timestampMs: 45000, inputTokens: 1087, outputTokens: 230, sourceId: 'line 3' },
      { timestampMs: 118000, inputTokens: 417, outputTokens: 276, sourceId: 'line 5' },
      { timestampMs: 120250, inputTokens: 300, outputTokens: 20, sourceId: 'line 7' },
    ]);
    expect(all.stats).toMatchObject({ rows: 5, entries: 4, badRows: 0, skipped: { 'zero response tokens': 1 }, file: { sha256: sha256(path) } });

    const gpt4 = await readAll(path, 'burstgpt', { modelFilter: 'GPT-4' });
    expect(gpt4.entries.map((e) => e.sourceId)).toEqual(['line 5', 'line 7']);
    expect(gpt4.stats.skipped).toEqual({ 'other model': 3 });
  });

  it('CSV line numbers count blank lines and the newlines of a quoted cell', async () => {
    const path = fixture('lines.csv', 'Timestamp,Model,Request tokens,Response tokens\n\n1,"Chat\nGPT",10,5\n  \n2,ChatGPT,11,5\n3,ChatGPT,x,5\n');
    const { entries, stats } = await readAll(path, 'burstgpt', { skipBadRows: true });
    expect(entries.map((e) => [e.sourceId, e.inputTokens])).toEqual([
      ['line 3', 10],
      ['line 6', 11],
    ]);
    expect(stats.rows).toBe(3);
    expect(stats.badRowExamples).toEqual(['line 7, column "Request tokens": not a whole number >= 0 ("x")']);
  });

  it('Azure CSV: 2023 timestamps with 7 fractional digits, as UTC ms since the epoch', async () => {
    // The first rows of Azure/AzurePublicDataset data/AzureLLMInferenceTrace_conv.csv.
    const path = fixture('azure.csv', 'TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46.6805900,374,44\n2023-11-16 18:15:50.9951690,396,109\n2023-11-16 18:15:51.2224670,879,55\n');
    const { entries, stats } = await readAll(path, 'azure');
    const base = Date.UTC(2023, 10, 16, 18, 15, 0);
    expect(entries).toEqual([
      { timestampMs: base + 46_000 + 680.59, inputTokens: 374, outputTokens: 44, sourceId: 'line 2' },
      { timestampMs: base + 50_000 + 995.169, inputTokens: 396, outputTokens: 109, sourceId: 'line 3' },
      { timestampMs: base + 51_000 + 222.467, inputTokens: 879, outputTokens: 55, sourceId: 'line 4' },
    ]);
    expect(stats.file.sha256).toBe(sha256(path));
  });

  it('Azure CSV: the 2024 form, with and without a fraction', async () => {
    const path = fixture('azure24.csv', 'TIMESTAMP,ContextTokens,GeneratedTokens\n2024-05-12 00:00:00+00:00,1452,3\n2024-05-12 00:00:00.041683+00:00,584,3\n');
    const { entries } = await readAll(path, 'azure');
    expect(entries.map((e) => e.timestampMs)).toEqual([Date.UTC(2024, 4, 12), Date.UTC(2024, 4, 12) + 41.683]);
  });

  it('generic JSONL: prompts and messages carried, input length -1 when it is to be counted', async () => {
    const path = fixture(
      'generic.jsonl',
      '{"timestamp": 0, "input_length": 12, "output_length": 3}\n{"timestamp": 250, "prompt": "Tell me a story", "output_length": 64}\n{"timestamp": 250, "messages": [{"role": "system", "content": "be brief"}, {"role": "user", "content": "hi"}], "input_length": 9, "output_length": 8}\n',
    );
    const { entries } = await readAll(path, 'jsonl');
    expect(entries).toEqual([
      { timestampMs: 0, inputTokens: 12, outputTokens: 3, sourceId: 'line 1' },
      { timestampMs: 250, inputTokens: -1, outputTokens: 64, prompt: 'Tell me a story', sourceId: 'line 2' },
      { timestampMs: 250, inputTokens: 9, outputTokens: 8, messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'hi' }], sourceId: 'line 3' },
    ]);
  });
});

describe('refusing a bad trace', () => {
  it('names the missing columns of a CSV header, and what the header has', async () => {
    const path = fixture('b.csv', 'Timestamp,Model,Request tokens,Total tokens\n5,ChatGPT,472,490\n');
    expect(await refusal(path, 'burstgpt')).toBe(`${path}: missing column "Response tokens" (the header has "Timestamp", "Model", "Request tokens", "Total tokens")`);
    const az = fixture('a.csv', 'timestamp,tokens\n');
    expect(await refusal(az, 'azure')).toBe(`${az}: missing columns "TIMESTAMP", "ContextTokens", "GeneratedTokens" (the header has "timestamp", "tokens")`);
    const noModel = fixture('m.csv', 'Timestamp,Request tokens,Response tokens\n5,1,1\n');
    expect(await refusal(noModel, 'burstgpt', { modelFilter: 'GPT-4' })).toBe(`${noModel}: missing column "Model" (the header has "Timestamp", "Request tokens", "Response tokens")`);
  });

  it('names the line and field of a negative length, a non-number, a line that is not JSON', async () => {
    const neg = fixture('neg.jsonl', '{"timestamp": 0, "input_length": 5, "output_length": 5}\n{"timestamp": 1, "input_length": -3, "output_length": 5}\n');
    expect(await refusal(neg, 'mooncake')).toBe(`${neg}: line 2, field "input_length": not a whole number >= 0 (-3)${HINT}`);
    const nan = fixture('nan.csv', 'Timestamp,Model,Request tokens,Response tokens\n5,ChatGPT,472,18\n6,ChatGPT,472,18\n7,ChatGPT,abc,18\n');
    expect(await refusal(nan, 'burstgpt')).toBe(`${nan}: line 4, column "Request tokens": not a whole number >= 0 ("abc")${HINT}`);
    const notJson = fixture('nj.jsonl', '{"timestamp": 0, "input_length": 5, "output_length": 5}\n{"timestamp": 1, "input_len\n');
    expect(await refusal(notJson, 'mooncake')).toMatch(new RegExp(`^${notJson.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: line 2: not valid JSON \\(.+\\)${HINT.replace(/[()]/g, '\\$&')}$`));
    const short = fixture('short.csv', 'TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46.6805900,374\n');
    expect(await refusal(short, 'azure')).toBe(`${short}: line 2, column "GeneratedTokens": missing${HINT}`);
  });

  it('refuses a timestamp that goes backwards, naming both', async () => {
    const path = fixture('back.jsonl', '{"timestamp": 1000, "input_length": 5, "output_length": 5}\n{"timestamp": 1300, "input_length": 5, "output_length": 5}\n{"timestamp": 1234, "input_length": 5, "output_length": 5}\n');
    expect(await refusal(path, 'mooncake')).toBe(`${path}: line 3: timestamp 1234 is before the previous entry's 1300${HINT}`);
    const csv = fixture('back.csv', 'Timestamp,Request tokens,Response tokens\n2,1,1\n1.5,1,1\n');
    expect(await refusal(csv, 'burstgpt')).toBe(`${csv}: line 3: timestamp 1500 is before the previous entry's 2000${HINT}`);
  });

  it('refuses a missing file, an empty one, broken CSV quoting, and a file with no usable entry', async () => {
    const dir = tempDir();
    expect(await refusal(join(dir, 'nope.jsonl'), 'mooncake')).toBe(`${join(dir, 'nope.jsonl')}: no such file`);
    expect(await refusal(dir, 'mooncake')).toBe(`${dir}: is not a file`);
    const empty = fixture('empty.csv', '');
    expect(await refusal(empty, 'azure')).toBe(`${empty}: is empty (a CSV trace starts with a header row)`);
    const headerOnly = fixture('h.csv', 'TIMESTAMP,ContextTokens,GeneratedTokens\n');
    expect(await refusal(headerOnly, 'azure')).toBe(`${headerOnly}: has no rows`);
    const blank = fixture('blank.jsonl', '\n\n');
    expect(await refusal(blank, 'jsonl')).toBe(`${blank}: has no rows`);
    const quotes = fixture('q.csv', 'Timestamp,Request tokens,Response tokens\n1,"2"x,3\n');
    expect(await refusal(quotes, 'burstgpt')).toMatch(/: not valid CSV \(Invalid Closing Quote: .*line 2/);
    const failed = fixture('failed.csv', 'Timestamp,Model,Request tokens,Response tokens\n1,ChatGPT,5,0\n2,GPT-4,5,3\n');
    expect(await refusal(failed, 'burstgpt', { modelFilter: 'ChatGPT' })).toBe(`${failed}: no usable entries (2 rows, 1 skipped (zero response tokens), 1 skipped (other model))`);
  });
});

describe('--skip-bad-rows', () => {
  it('skips and counts malformed rows and backwards timestamps, keeping the first 5 messages', async () => {
    const lines = ['{"timestamp": 100, "input_length": 5, "output_length": 5}'];
    for (let i = 0; i < 6; i++) lines.push(`{"timestamp": ${200 + i}, "input_length": -${i + 1}, "output_length": 5}`);
    lines.push('{"timestamp": 50, "input_length": 5, "output_length": 5}', 'not json', '{"timestamp": 300, "input_length": 7, "output_length": 0}', '{"timestamp": 300, "input_length": 7, "output_length": 7}');
    const path = fixture('bad.jsonl', lines.join('\n'));
    const { entries, stats } = await readAll(path, 'mooncake', { skipBadRows: true });
    expect(entries.map((e) => [e.sourceId, e.timestampMs])).toEqual([
      ['line 1', 100],
      ['line 11', 300],
    ]);
    expect(stats.rows).toBe(11);
    expect(stats.entries).toBe(2);
    expect(stats.badRows).toBe(8);
    expect(stats.skipped).toEqual({ 'zero output tokens': 1 });
    expect(stats.badRowExamples).toEqual([1, 2, 3, 4, 5].map((i) => `line ${i + 1}, field "input_length": not a whole number >= 0 (-${i})`));
  });

  it('a backwards timestamp skipped leaves the previous entry as the one to compare with', async () => {
    const path = fixture('back.csv', 'Timestamp,Request tokens,Response tokens\n10,1,1\n9,1,1\n9.5,1,1\n10,1,1\n');
    const { entries, stats } = await readAll(path, 'burstgpt', { skipBadRows: true });
    expect(entries.map((e) => e.sourceId)).toEqual(['line 2', 'line 5']);
    expect(stats.badRowExamples).toEqual(["line 3: timestamp 9000 is before the previous entry's 10000", "line 4: timestamp 9500 is before the previous entry's 10000"]);
  });
});

describe('handing entries over', () => {
  it('awaits onEntry before reading the next row, in file order', async () => {
    const path = fixture('order.csv', 'Timestamp,Request tokens,Response tokens\n' + Array.from({ length: 50 }, (_, i) => `${i},${i + 1},1`).join('\n'));
    let inFlight = 0;
    let most = 0;
    const seen: number[] = [];
    await readTrace({
      path,
      format: 'burstgpt',
      skipBadRows: false,
      onEntry: async (e) => {
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((r) => setImmediate(r));
        seen.push(e.inputTokens);
        inFlight--;
      },
    });
    expect(most).toBe(1);
    expect(seen).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });

  it("passes onEntry's own error through unchanged", async () => {
    const path = fixture('ok.jsonl', '{"timestamp": 0, "input_length": 5, "output_length": 5}\n');
    const boom = new Error('runner aborted');
    await expect(readTrace({ path, format: 'mooncake', skipBadRows: false, onEntry: () => Promise.reject(boom) })).rejects.toBe(boom);
    const csv = fixture('ok.csv', 'Timestamp,Request tokens,Response tokens\n1,2,3\n');
    await expect(readTrace({ path: csv, format: 'burstgpt', skipBadRows: false, onEntry: () => { throw boom; } })).rejects.toBe(boom);
  });

  it('stops when onEntry says so, and still hashes the whole file (JSONL and CSV, files of several chunks)', async () => {
    const dir = tempDir();
    const jsonl = join(dir, 'long.jsonl');
    const csv = join(dir, 'long.csv');
    // ~4 MB each: the stop lands in the first 1 MB chunk, the hash needs the rest.
    writeFileSync(jsonl, Array.from({ length: 50_000 }, (_, i) => `{"timestamp": ${i}, "input_length": 100, "output_length": 10, "hash_ids": [0, 1, 2]}`).join('\n'));
    writeFileSync(csv, 'Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type\n' + Array.from({ length: 100_000 }, (_, i) => `${i},ChatGPT,100,10,110,Conversation log`).join('\n'));
    for (const [path, format] of [
      [jsonl, 'mooncake'],
      [csv, 'burstgpt'],
    ] as const) {
      expect(statSync(path).size).toBeGreaterThan(3 * MB);
      let count = 0;
      const stats = await readTrace({ path, format, skipBadRows: false, onEntry: () => (++count === 10 ? 'stop' : undefined) });
      expect(stats).toMatchObject({ rows: 10, entries: 10, stopped: true, file: { sha256: sha256(path), sizeBytes: statSync(path).size } });
    }
  });
});

/**
 * Write a Mooncake trace of `lines` lines in a child process, in 10,000-line batches, so that
 * building it leaves no garbage in the heap whose growth the test measures.
 */
function writeMooncake(path: string, lines: number): void {
  const script = `
    const fs = require('node:fs');
    const [path, lines] = [process.argv[1], Number(process.argv[2])];
    const fd = fs.openSync(path, 'w');
    for (let start = 0; start < lines; start += 10000) {
      const batch = [];
      for (let i = start; i < Math.min(lines, start + 10000); i++) {
        const ids = [0, 1 + (i % 7), 100 + (i % 1000), i];
        batch.push(JSON.stringify({ timestamp: i * 3, input_length: 512 * ids.length - (i % 100), output_length: 1 + (i % 500), hash_ids: ids }));
      }
      fs.writeSync(fd, batch.join('\\n') + '\\n');
    }
    fs.closeSync(fd);`;
  execFileSync(process.execPath, ['-e', script, path, String(lines)]);
}

describe('a large Mooncake trace', () => {
  // 1,000,000 entries (about 90 MB) read with the reader's heap capped at 32 MB: holding them cannot fit.
  it('streams 1,000,000 lines in a 32 MB heap', { timeout: 60_000 }, async () => {
    const path = join(tempDir(), 'big.jsonl');
    const lines = 1_000_000;
    writeMooncake(path, lines);
    const sizeMb = statSync(path).size / MB;
    const started = performance.now();
    const run = await runWithHeapCap(
      32,
      `const { readTrace } = await import(dist + 'workload/read-trace.js');
       let count = 0, tokens = 0;
       const stats = await readTrace({ path: process.argv[1], format: 'mooncake', skipBadRows: false,
         onEntry: (e) => { count++; tokens += e.outputTokens; } });
       return { count, tokens, rows: stats.rows, entries: stats.entries, badRows: stats.badRows };`,
      [path],
    );
    const seconds = (performance.now() - started) / 1000;
    console.log(`trace-read: ${lines} lines, ${sizeMb.toFixed(0)} MB, ${seconds.toFixed(2)} s with process start, peak heap ${run.peakHeapMb.toFixed(1)} MB, max RSS ${run.maxRssMb.toFixed(0)} MB`);
    expect(run.result).toEqual({
      count: lines,
      tokens: Array.from({ length: 500 }, (_, k) => k + 1).reduce((a, b) => a + b) * (lines / 500),
      rows: lines,
      entries: lines,
      badRows: 0,
    });
  });
});

describe('a file that is not what its format says', () => {
  // After the memory test on purpose: these hold a 64 MB row before refusing it.
  it('refuses a row over 64M characters instead of holding the file in memory', { timeout: 30_000 }, async () => {
    const dir = tempDir();
    const jsonl = join(dir, 'one-line.jsonl');
    const csv = join(dir, 'one-row.csv');
    const script = `
      const fs = require('node:fs');
      const block = Buffer.alloc(1 << 20, 'x');
      for (const [path, head] of [[process.argv[1], '{"timestamp": 0, "prompt": "'], [process.argv[2], 'Timestamp,Request tokens,Response tokens\\n1,2,']]) {
        const fd = fs.openSync(path, 'w');
        fs.writeSync(fd, head);
        for (let i = 0; i < 65; i++) fs.writeSync(fd, block);
        fs.closeSync(fd);
      }`;
    execFileSync(process.execPath, ['-e', script, jsonl, csv]);
    expect(await refusal(jsonl, 'jsonl')).toBe(`${jsonl}: line 1: over 67108864 characters long; not one row (is this file JSONL?)`);
    expect(await refusal(csv, 'burstgpt')).toBe(`${csv}: not valid CSV (Max Record Size: record exceed the maximum number of tolerated bytes of 67108864 at line 2)`);
  });
});
