import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { JSONParser, TokenType } from '@streamparser/json';
import { createRng, deriveSeed } from '../core/arrival/rng.js';
import { readJsonlRow, readShareGptRow, type DatasetRow, type RowReading } from '../core/prompts/dataset-rows.js';
import { extendDraws, KeyedSample, rowKey } from '../core/prompts/keyed-sample.js';
import { promptWords, type WorkloadItem } from '../core/prompts/workload-item.js';
import { ConfigError } from '../errors.js';
import type { Tokenizer } from '../tokenizers/tokenizer.js';

/** ShareGPT length filters (vLLM's defaults: 4, 1,024, 2,048); null turns one off. */
export interface DatasetFilters {
  /** Drop rows whose prompt, or reply, has fewer tokens. */
  minTokens: number | null;
  maxInputTokens: number | null;
  /** Prompt plus output length. */
  maxTotalTokens: number | null;
}

export interface LoadDatasetOptions {
  format: 'sharegpt' | 'jsonl';
  path: string;
  /** Requests to draw. */
  count: number;
  seed: number;
  /** 'random': rows drawn with the seed; 'file': the first rows in file order. */
  order: 'random' | 'file';
  /** Counts every drawn prompt's tokens (and, for ShareGPT, its reply's). */
  tokenizer: Tokenizer;
  /** ShareGPT only. */
  filters: DatasetFilters;
  /**
   * The output length comes from --output-tokens / --max-tokens, not from the rows: replies are not
   * counted, the minimum-output filter is off, and a fixed value counts towards the total filter.
   */
  outputOverride: { fixed: number | null } | null;
  /** Skip (and count) malformed rows instead of refusing the file. */
  skipBadRows: boolean;
}

export interface DatasetStats {
  /** Rows in the file (JSON list elements; non-blank JSONL lines). */
  rows: number;
  /** Malformed rows skipped under --skip-bad-rows. */
  badRows: number;
  /** The first few malformed rows' messages. */
  badRowExamples: string[];
  /** Well-formed rows left out by design, by reason (a conversation without a reply). */
  skipped: Record<string, number>;
  /** Rows whose tokens were counted (only those that could enter the draw are). */
  counted: number;
  /** Counted rows the length filters removed, by filter. */
  filtered: { tooShort: number; inputTooLong: number; totalTooLong: number };
  /** Distinct rows in the draw. */
  distinctRows: number;
  /** Requests beyond the distinct rows (drawn again: the file had too few usable rows). */
  repeated: number;
}

export interface LoadedDataset {
  items: WorkloadItem[];
  file: { path: string; sizeBytes: number; sha256: string };
  stats: DatasetStats;
}

const CHUNK_BYTES = 1 << 20;
const BAD_ROW_EXAMPLES = 5;

/**
 * Read a ShareGPT or JSONL file in one streamed pass (memory holds the drawn rows, not the file),
 * hash it, and draw `count` requests from it with the seed. Malformed input throws a ConfigError
 * naming --dataset-path, the file and the line or JSON path; under --skip-bad-rows malformed rows are
 * skipped and counted instead.
 */
export async function loadDataset(o: LoadDatasetOptions): Promise<LoadedDataset> {
  const fail = (message: string): never => {
    throw new ConfigError([{ field: '--dataset-path', message: `${o.path}: ${message}` }]);
  };
  let sizeBytes = 0;
  try {
    const st = statSync(o.path);
    if (!st.isFile()) fail('is not a file');
    sizeBytes = st.size;
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    fail(code === 'ENOENT' ? 'no such file' : `cannot be read (${(err as Error).message})`);
  }

  const stats: DatasetStats = {
    rows: 0,
    badRows: 0,
    badRowExamples: [],
    skipped: {},
    counted: 0,
    filtered: { tooShort: 0, inputTooLong: 0, totalTooLong: 0 },
    distinctRows: 0,
    repeated: 0,
  };
  const sample = new KeyedSample<WorkloadItem>(o.count);
  const filters = o.format === 'sharegpt' ? o.filters : { minTokens: null, maxInputTokens: null, maxTotalTokens: null };

  const countPrompt = async (p: DatasetRow['prompt']): Promise<number> => {
    if (typeof p === 'string') return o.tokenizer.count(p);
    let n = 0;
    for (const m of p) n += await o.tokenizer.count(m.content);
    return n;
  };
  // One row, in file order: checked, then counted and filtered only if its key can enter the draw.
  const take = async (reading: RowReading, index: number): Promise<void> => {
    stats.rows++;
    if ('error' in reading) {
      if (!o.skipBadRows) fail(`${reading.error} (--skip-bad-rows skips such rows)`);
      stats.badRows++;
      if (stats.badRowExamples.length < BAD_ROW_EXAMPLES) stats.badRowExamples.push(reading.error);
      return;
    }
    if ('skip' in reading) {
      stats.skipped[reading.skip] = (stats.skipped[reading.skip] ?? 0) + 1;
      return;
    }
    const key = o.order === 'file' ? index : rowKey(o.seed, index);
    if (!sample.wouldKeep(key)) return;
    const row = reading.row;
    stats.counted++;
    const inputTokens = await countPrompt(row.prompt);
    let outputTokens = row.outputTokens;
    if (o.outputOverride === null && row.reply !== undefined) outputTokens = await o.tokenizer.count(row.reply);
    if (filters.minTokens !== null && (inputTokens < filters.minTokens || (o.outputOverride === null && outputTokens !== undefined && outputTokens < filters.minTokens))) {
      stats.filtered.tooShort++;
      return;
    }
    if (filters.maxInputTokens !== null && inputTokens > filters.maxInputTokens) {
      stats.filtered.inputTooLong++;
      return;
    }
    const out = o.outputOverride ? o.outputOverride.fixed : outputTokens;
    if (filters.maxTotalTokens !== null && out !== undefined && out !== null && inputTokens + out > filters.maxTotalTokens) {
      stats.filtered.totalTooLong++;
      return;
    }
    const item: WorkloadItem = { sourceId: row.sourceId, prompt: row.prompt, inputTokens, words: promptWords(row.prompt) };
    if (outputTokens !== undefined) item.outputTokens = outputTokens;
    if (row.info) item.info = row.info;
    sample.offer(key, item);
  };

  const hash = createHash('sha256');
  const stream = createReadStream(o.path, { highWaterMark: CHUNK_BYTES });
  try {
    if (o.format === 'sharegpt') await readShareGpt(stream, hash, take, fail);
    else await readJsonl(stream, hash, take);
  } finally {
    stream.destroy();
  }
  if (sample.length === 0) {
    const why = [
      `${stats.rows} rows`,
      stats.badRows ? `${stats.badRows} malformed` : '',
      ...Object.entries(stats.skipped).map(([r, n]) => `${n} skipped (${r})`),
      stats.filtered.tooShort ? `${stats.filtered.tooShort} under --dataset-min-tokens` : '',
      stats.filtered.inputTooLong ? `${stats.filtered.inputTooLong} over --dataset-max-input-tokens` : '',
      stats.filtered.totalTooLong ? `${stats.filtered.totalTooLong} over --dataset-max-total-tokens` : '',
    ].filter(Boolean);
    fail(`no usable rows (${why.join(', ')})`);
  }
  const rows = sample.sorted();
  stats.distinctRows = rows.length;
  stats.repeated = Math.max(0, o.count - rows.length);
  const items = extendDraws(rows, o.count, o.order, createRng(deriveSeed(o.seed, 'dataset-repeats')));
  return { items, file: { path: o.path, sizeBytes, sha256: hash.digest('hex') }, stats };
}

type Take = (reading: RowReading, index: number) => Promise<void>;

/** A JSON list of ShareGPT rows, streamed: one element in memory at a time. */
async function readShareGpt(stream: AsyncIterable<Buffer>, hash: ReturnType<typeof createHash>, take: Take, fail: (m: string) => never): Promise<void> {
  const parser = new JSONParser({ paths: ['$.*'], keepStack: false });
  const pending: unknown[] = [];
  let firstToken = true;
  let notList = false;
  let lastOffset = 0;
  parser.onToken = (t) => {
    if (firstToken && t.token !== TokenType.LEFT_BRACKET) notList = true;
    firstToken = false;
    lastOffset = t.offset;
  };
  parser.onValue = ({ value }) => {
    pending.push(value);
  };
  // Where a parse error is, as a line: newlines before each chunk, and the last two chunks' bytes.
  let chunkStart = 0;
  let linesBefore = 0;
  let current: Buffer = Buffer.alloc(0);
  const lineAt = (offset: number): number => {
    if (offset < chunkStart) return linesBefore + 1;
    const upTo = current.subarray(0, offset - chunkStart);
    let n = 0;
    for (let i = upTo.indexOf(10); i >= 0; i = upTo.indexOf(10, i + 1)) n++;
    return linesBefore + n + 1;
  };
  const parseError = (err: unknown): never => {
    const m = /absolute position "(\d+)"/.exec((err as Error).message);
    const offset = m ? Number(m[1]) : lastOffset;
    return fail(`not valid JSON near line ${lineAt(offset)}: ${(err as Error).message}`);
  };
  let index = 0;
  let bom = true;
  for await (const raw of stream) {
    hash.update(raw);
    let chunk = raw;
    if (bom) {
      bom = false;
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
    }
    current = chunk;
    try {
      parser.write(chunk);
    } catch (err) {
      parseError(err);
    }
    if (notList) fail('is not a JSON list (ShareGPT is [{"id": ..., "conversations": [{"from", "value"}, ...]}, ...])');
    for (const v of pending.splice(0)) await take(readShareGptRow(v, index), index++);
    chunkStart += chunk.length;
    let n = 0;
    for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) n++;
    linesBefore += n;
  }
  if (firstToken) fail('is empty (ShareGPT is a JSON list)');
  if (!parser.isEnded) {
    try {
      parser.end();
    } catch {
      fail('ends before its JSON list closes (a truncated file?)');
    }
  }
}

/** One JSON object a line; blank lines are skipped. */
async function readJsonl(stream: AsyncIterable<Buffer>, hash: ReturnType<typeof createHash>, take: Take): Promise<void> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let line = 0;
  let index = 0;
  const one = async (text: string): Promise<void> => {
    line++;
    const t = line === 1 && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    if (t.trim() === '') return;
    await take(readJsonlRow(t, line), index++);
  };
  for await (const chunk of stream) {
    hash.update(chunk);
    const text = rest + decoder.write(chunk);
    const lines = text.split('\n');
    rest = lines.pop()!;
    for (const l of lines) await one(l.endsWith('\r') ? l.slice(0, -1) : l);
  }
  rest += decoder.end();
  if (rest !== '') await one(rest.endsWith('\r') ? rest.slice(0, -1) : rest);
}
