import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RUN_DEFAULTS } from '../src/config/run-config.js';
import { loadTokenizer } from '../src/tokenizers/load-tokenizer.js';
import { loadDataset } from '../src/workload/load-dataset.js';
import { tempDir } from './helpers/temp-dir.js';

const MB = 1024 * 1024;

/**
 * Write a ShareGPT file of at least `bytes` in 4 MB batches, in a child process, so that building it
 * leaves no garbage in the heap whose growth this test measures. Returns the number of rows.
 */
function writeShareGpt(path: string, bytes: number): number {
  const script = `
    const fs = require('node:fs');
    const [path, bytes] = [process.argv[1], Number(process.argv[2])];
    const fd = fs.openSync(path, 'w');
    const filler = 'the quick brown fox jumps over the lazy dog and keeps on running '.repeat(20);
    let written = 0, rows = 0;
    fs.writeSync(fd, '[\\n');
    while (written < bytes) {
      const batch = [];
      for (let i = 0; i < 1000; i++, rows++) {
        batch.push(JSON.stringify({ id: 'r' + rows, conversations: [
          { from: 'human', value: 'Question ' + rows + ': ' + filler.slice(0, 600 + (rows % 400)) },
          { from: 'gpt', value: filler.slice(0, 900 + (rows % 300)) }] }));
      }
      const text = (rows > 1000 ? ',\\n' : '') + batch.join(',\\n');
      fs.writeSync(fd, text);
      written += Buffer.byteLength(text);
    }
    fs.writeSync(fd, '\\n]\\n');
    fs.closeSync(fd);
    process.stdout.write(String(rows));`;
  const out = execFileSync(process.execPath, ['-e', script, path, String(bytes)], { encoding: 'utf8' });
  return Number(out);
}

describe('a large ShareGPT file', () => {
  it('streams: 200 MB read with RSS growth under 100 MB, every row seen, the draw the requested size', { timeout: 120_000 }, async () => {
    const file = join(tempDir(), 'big.json');
    const rows = writeShareGpt(file, 200 * MB);
    expect(statSync(file).size).toBeGreaterThan(200 * MB);
    const tokenizer = await loadTokenizer({ kind: 'builtin', name: 'cl100k' });
    await tokenizer.count('warm the tokenizer up before the baseline');
    (globalThis as { gc?: () => void }).gc?.();
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const timer = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 5);
    const loaded = await loadDataset({
      format: 'sharegpt',
      path: file,
      count: 200,
      seed: 9,
      order: 'random',
      tokenizer,
      filters: RUN_DEFAULTS.datasetFilters,
      outputOverride: null,
      skipBadRows: false,
    }).finally(() => clearInterval(timer));
    peak = Math.max(peak, process.memoryUsage().rss);
    const growthMb = (peak - baseline) / MB;
    expect(loaded.stats.rows).toBe(rows);
    expect(loaded.items).toHaveLength(200);
    expect(loaded.stats.distinctRows).toBe(200);
    // Only rows that could enter the draw were tokenized: about 200 * (1 + ln(rows / 200)), not all.
    expect(loaded.stats.counted).toBeLessThan(200 * (2 + Math.log(rows / 200)));
    expect(growthMb, `RSS grew ${growthMb.toFixed(1)} MB reading a ${(statSync(file).size / MB).toFixed(0)} MB file`).toBeLessThan(100);
  });
});
