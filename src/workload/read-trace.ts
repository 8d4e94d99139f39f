import { createHash, type Hash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { pipeline, Transform } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { CsvError, parse } from 'csv-parse';
import { ConfigError } from '../errors.js';
import type { TraceEntry, TraceFormat } from '../core/trace/trace-entry.js';
import { readAzureRow, readBurstGptRow, readMooncakeRow, readTraceJsonlRow, requiredTraceColumns, type CsvRecord, type TraceRowReading } from '../core/trace/trace-rows.js';

export interface ReadTraceOptions {
  path: string;
  format: TraceFormat;
  /** Skip (and count) malformed rows, and entries whose timestamp goes backwards, instead of refusing the file. */
  skipBadRows: boolean;
  /** BurstGPT: keep the rows of this model only (ChatGPT, GPT-4); case does not matter. */
  modelFilter?: string;
  /**
   * Called once per entry, in file order; the next row is read only once it has settled. Returning
   * 'stop' ends the read (the replayed window is over); the file is still hashed to its end.
   */
  onEntry(e: TraceEntry): void | 'stop' | Promise<void | 'stop'>;
}

export interface TraceReadStats {
  /** Rows read: non-blank JSONL lines, CSV records after the header. */
  rows: number;
  /** Entries handed to onEntry. */
  entries: number;
  /** Malformed rows (and backwards timestamps) skipped under --skip-bad-rows. */
  badRows: number;
  /** The first few of their messages. */
  badRowExamples: string[];
  /** Well-formed rows left out by design, by reason ('other model', 'zero response tokens' ...). */
  skipped: Record<string, number>;
  /** onEntry asked to stop before the end of the file; rows and entries count what was read. */
  stopped: boolean;
  file: { path: string; sizeBytes: number; sha256: string };
}

// fs's own default. Over a 1M-line Mooncake trace it beat 1 MB chunks (1.4 s against 2.3 s) and
// RSS grew half as much: big chunks keep more garbage alive between collections.
const CHUNK_BYTES = 64 * 1024;
const BAD_ROW_EXAMPLES = 5;
/**
 * The longest row read, in characters: memory stays bounded by it, not by the file, even when the
 * file is not what its format says (a JSON list on one line). A Mooncake line of a 128k-token
 * prompt is ~2 KB; a generic JSONL prompt of 1M tokens ~4 MB.
 */
const MAX_ROW_CHARS = 64 * 1024 * 1024;

/** Feeds the reader rows; returns true to stop. */
type TakeRow = (reading: TraceRowReading) => Promise<boolean>;

/**
 * Stream a trace file once, in constant memory: each row is parsed, checked and handed to onEntry
 * before the next is read, and the file is hashed (sha256) on the way. Timestamps must never go
 * backwards: a replay is in file order. Problems throw a ConfigError on --trace naming the file and
 * the line; under skipBadRows a malformed row, or an entry earlier than the one before it, is
 * skipped and counted instead. A file with no usable entry is refused either way.
 */
export async function readTrace(o: ReadTraceOptions): Promise<TraceReadStats> {
  const fail = (message: string): never => {
    throw new ConfigError([{ field: '--trace', message: `${o.path}: ${message}` }]);
  };
  let sizeBytes = 0;
  try {
    const st = statSync(o.path);
    if (!st.isFile()) fail('is not a file');
    sizeBytes = st.size;
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    fail((err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `cannot be read (${(err as Error).message})`);
  }

  const stats: TraceReadStats = { rows: 0, entries: 0, badRows: 0, badRowExamples: [], skipped: {}, stopped: false, file: { path: o.path, sizeBytes, sha256: '' } };
  const bad = (message: string): void => {
    if (!o.skipBadRows) fail(`${message} (--skip-bad-rows skips such rows)`);
    stats.badRows++;
    if (stats.badRowExamples.length < BAD_ROW_EXAMPLES) stats.badRowExamples.push(message);
  };
  let previousMs = -Infinity;
  const take: TakeRow = async (reading) => {
    stats.rows++;
    if ('error' in reading) {
      bad(reading.error);
      return false;
    }
    if ('skip' in reading) {
      stats.skipped[reading.skip] = (stats.skipped[reading.skip] ?? 0) + 1;
      return false;
    }
    const e = reading.entry;
    if (e.timestampMs < previousMs) {
      bad(`${e.sourceId}: timestamp ${e.timestampMs} is before the previous entry's ${previousMs}`);
      return false;
    }
    previousMs = e.timestampMs;
    stats.entries++;
    return (await o.onEntry(e)) === 'stop';
  };

  const hash = createHash('sha256');
  try {
    if (o.format === 'mooncake') stats.stopped = await readLines(o.path, hash, fail, (text, line) => take(readMooncakeRow(text, line)));
    else if (o.format === 'jsonl') stats.stopped = await readLines(o.path, hash, fail, (text, line) => take(readTraceJsonlRow(text, line)));
    else {
      const required = requiredTraceColumns(o.format, { modelFilter: o.modelFilter });
      const row = o.format === 'azure' ? readAzureRow : (r: CsvRecord, line: number) => readBurstGptRow(r, line, { modelFilter: o.modelFilter });
      stats.stopped = await readCsv(o.path, hash, required, fail, (r, line) => take(row(r, line)));
    }
  } catch (err) {
    // A failed read (EACCES, EIO ...) is the file's problem; anything else, onEntry's own, is not.
    if (typeof (err as NodeJS.ErrnoException).syscall === 'string') fail(`cannot be read (${(err as Error).message})`);
    throw err;
  }
  if (stats.entries === 0) {
    const why = [`${stats.rows} rows`, stats.badRows ? `${stats.badRows} malformed` : '', ...Object.entries(stats.skipped).map(([r, n]) => `${n} skipped (${r})`)].filter(Boolean);
    fail(stats.rows === 0 ? 'has no rows' : `no usable entries (${why.join(', ')})`);
  }
  stats.file.sha256 = hash.digest('hex');
  return stats;
}

/**
 * One row a line, '\n' or '\r\n'; blank lines are skipped but counted, so `line N` is the editor's
 * line N. Each chunk is searched for newlines on its own and a line spanning chunks is joined once,
 * so a long line costs linear time. After a stop the rest of the file is only hashed. Returns
 * whether it stopped.
 */
async function readLines(path: string, hash: Hash, fail: (m: string) => never, row: (text: string, line: number) => Promise<boolean>): Promise<boolean> {
  const decoder = new StringDecoder('utf8');
  let pending: string[] = [];
  let pendingChars = 0;
  let line = 0;
  let stopped = false;
  const one = async (raw: string): Promise<void> => {
    line++;
    let text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (text.trim() === '') return;
    stopped = await row(text, line);
  };
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK_BYTES }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    if (stopped) continue;
    const text = decoder.write(chunk);
    let from = 0;
    for (let nl = text.indexOf('\n'); nl >= 0 && !stopped; nl = text.indexOf('\n', from)) {
      const piece = text.slice(from, nl);
      from = nl + 1;
      if (pending.length === 0) await one(piece);
      else {
        pending.push(piece);
        const whole = pending.join('');
        pending = [];
        pendingChars = 0;
        await one(whole);
      }
    }
    if (stopped || from === text.length) continue;
    pending.push(text.slice(from));
    pendingChars += text.length - from;
    if (pendingChars > MAX_ROW_CHARS) fail(`line ${line + 1}: over ${MAX_ROW_CHARS} characters long; not one row (is this file JSONL?)`);
  }
  if (!stopped) {
    const tail = pending.join('') + decoder.end();
    if (tail !== '') await one(tail);
  }
  return stopped;
}

/**
 * A CSV with a header row, through csv-parse in streaming mode. The header is checked for the
 * columns the format needs before any row. A short row reaches the row reader without its last
 * cells (relax_column_count), so it is one bad row rather than a broken file; broken quoting is a
 * broken file. After a stop the rest of the file is only hashed. Returns whether it stopped.
 *
 * Line numbers are counted here, not taken from csv-parse's `info`: that option copies the parser
 * state into every record and made reading three times slower (5 s against 1.7 s for 1M rows).
 * So blank lines are kept (skip_empty_lines off: one empty cell) to be counted and dropped here,
 * and a quoted cell's newlines are counted from its value.
 */
async function readCsv(path: string, hash: Hash, required: string[], fail: (m: string) => never, row: (r: CsvRecord, line: number) => Promise<boolean>): Promise<boolean> {
  let hashedBytes = 0;
  let header: string[] | null = null;
  let nextLine = 2;
  const file = createReadStream(path, { highWaterMark: CHUNK_BYTES });
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      hashedBytes += chunk.length;
      done(null, chunk);
    },
  });
  const parser = parse({
    columns: (names: string[]) => {
      header = names;
      nextLine += newlines(names);
      const missing = required.filter((c) => !names.includes(c));
      if (missing.length) fail(`missing ${missing.length === 1 ? 'column' : 'columns'} ${missing.map((c) => JSON.stringify(c)).join(', ')} (the header has ${names.map((c) => JSON.stringify(c)).join(', ')})`);
      return names;
    },
    bom: true,
    trim: true,
    relax_column_count: true,
    max_record_size: MAX_ROW_CHARS,
  });
  const finished = new Promise<void>((resolve) => pipeline(file, hashing, parser, () => resolve()));
  let stopped = false;
  try {
    for await (const record of parser as AsyncIterable<Record<string, string>>) {
      const line = nextLine;
      const cells = Object.values(record);
      nextLine += 1 + newlines(cells);
      if (cells.length === 1 && cells[0] === '') continue; // a blank line (no trace CSV has one column)
      if (await row(record, line)) {
        stopped = true;
        break;
      }
    }
  } catch (err) {
    if (err instanceof CsvError) fail(`not valid CSV (${err.message})`);
    throw err;
  } finally {
    // Synchronously: no chunk may reach the hash after hashedBytes is read below.
    file.destroy();
    hashing.destroy();
    parser.destroy();
  }
  await finished;
  if (header === null) fail('is empty (a CSV trace starts with a header row)');
  if (stopped) {
    for await (const chunk of createReadStream(path, { start: hashedBytes, highWaterMark: CHUNK_BYTES }) as AsyncIterable<Buffer>) hash.update(chunk);
  }
  return stopped;
}

function newlines(cells: string[]): number {
  let n = 0;
  for (const c of cells) for (let i = c.indexOf('\n'); i >= 0; i = c.indexOf('\n', i + 1)) n++;
  return n;
}
