import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runWithHeapCap } from './helpers/bounded-heap.js';
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
  // The file is 200 MB and the reader's heap is capped at 64 MB: holding the file, or its rows, cannot fit.
  it('streams: 200 MB read in a 64 MB heap, every row seen, the draw the requested size', { timeout: 120_000 }, async () => {
    const file = join(tempDir(), 'big.json');
    const rows = writeShareGpt(file, 200 * MB);
    const size = statSync(file).size;
    expect(size).toBeGreaterThan(200 * MB);
    const run = await runWithHeapCap(
      64,
      `const { loadTokenizer } = await import(dist + 'tokenizers/load-tokenizer.js');
       const { loadDataset } = await import(dist + 'workload/load-dataset.js');
       const { RUN_DEFAULTS } = await import(dist + 'config/run-config.js');
       const tokenizer = await loadTokenizer({ kind: 'builtin', name: 'cl100k' });
       const loaded = await loadDataset({ format: 'sharegpt', path: process.argv[1], count: 200, seed: 9, order: 'random',
         tokenizer, filters: RUN_DEFAULTS.datasetFilters, outputOverride: null, skipBadRows: false });
       return { rows: loaded.stats.rows, items: loaded.items.length, distinctRows: loaded.stats.distinctRows, counted: loaded.stats.counted };`,
      [file],
    );
    console.log(`dataset-stream: ${(size / MB).toFixed(0)} MB file, peak heap ${run.peakHeapMb.toFixed(1)} MB, max RSS ${run.maxRssMb.toFixed(0)} MB`);
    const loaded = run.result as { rows: number; items: number; distinctRows: number; counted: number };
    expect(loaded.rows).toBe(rows);
    expect(loaded.items).toBe(200);
    expect(loaded.distinctRows).toBe(200);
    // Only rows that could enter the draw were tokenized: about 200 * (1 + ln(rows / 200)), not all.
    expect(loaded.counted).toBeLessThan(200 * (2 + Math.log(rows / 200)));
  });
});
