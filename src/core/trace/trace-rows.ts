import type { TraceEntry } from './trace-entry.js';

/**
 * One trace row read: an entry to replay, a well-formed row left out by design (another model, a
 * failed request), or a malformed row, its message naming the line and the field or column.
 */
export type TraceRowReading = { entry: TraceEntry } | { skip: string } | { error: string };

/** A CSV row as csv-parse gives it with `columns: true`; a short row lacks its last cells. */
export type CsvRecord = Readonly<Record<string, string | undefined>>;

/** The header columns each CSV format needs (BurstGPT's Model only to filter on it). */
export function requiredTraceColumns(format: 'burstgpt' | 'azure', o: { modelFilter?: string } = {}): string[] {
  if (format === 'azure') return ['TIMESTAMP', 'ContextTokens', 'GeneratedTokens'];
  return ['Timestamp', ...(o.modelFilter !== undefined ? ['Model'] : []), 'Request tokens', 'Response tokens'];
}

// Each check below returns the value, or (a string) what is wrong with it.

const WHOLE = 'not a whole number >= 0';

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function jsonWhole(obj: Record<string, unknown>, key: string, at: string): number | string {
  const v = obj[key];
  if (v === undefined) return `${at}, field "${key}": missing`;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) return `${at}, field "${key}": ${WHOLE} (${JSON.stringify(v)})`;
  return v;
}

function jsonTimestamp(obj: Record<string, unknown>, at: string): number | string {
  const v = obj.timestamp;
  if (v === undefined) return `${at}, field "timestamp": missing`;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) return `${at}, field "timestamp": not a number of ms >= 0 (${JSON.stringify(v)})`;
  return v;
}

/** A plain decimal as CSV writers put it (`5`, `5.0`, `0.000001`, `1e3`); not hex, not empty. */
const DECIMAL = /^\+?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

function csvWhole(rec: CsvRecord, column: string, at: string): number | string {
  const text = rec[column];
  if (text === undefined) return `${at}, column "${column}": missing`;
  const n = DECIMAL.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(n)) return `${at}, column "${column}": ${WHOLE} (${JSON.stringify(text)})`;
  return n;
}

/** Rows that parse but cannot be replayed: a request needs a prompt and at least one token back. */
function lengthSkip(inputTokens: number, outputTokens: number): string | null {
  if (outputTokens === 0) return 'zero output tokens';
  if (inputTokens === 0) return 'zero input tokens';
  return null;
}

function parseLine(text: string, at: string): Record<string, unknown> | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return `${at}: not valid JSON (${(err as Error).message})`;
  }
  return isObject(value) ? value : `${at}: not a JSON object`;
}

/**
 * A Mooncake trace line (kvcache-ai/Mooncake FAST25-release/traces: `{"timestamp": ms since the
 * trace's start, "input_length", "output_length", "hash_ids": [...]}`; dynamo and aiperf read the
 * same four fields). hash_ids is optional; other fields are ignored. `line` is 1-based.
 */
export function readMooncakeRow(text: string, line: number): TraceRowReading {
  const at = `line ${line}`;
  const obj = parseLine(text, at);
  if (typeof obj === 'string') return { error: obj };
  const timestampMs = jsonTimestamp(obj, at);
  if (typeof timestampMs === 'string') return { error: timestampMs };
  const inputTokens = jsonWhole(obj, 'input_length', at);
  if (typeof inputTokens === 'string') return { error: inputTokens };
  const outputTokens = jsonWhole(obj, 'output_length', at);
  if (typeof outputTokens === 'string') return { error: outputTokens };
  const ids = obj.hash_ids;
  if (ids !== undefined) {
    if (!Array.isArray(ids)) return { error: `${at}, field "hash_ids": not a list (${JSON.stringify(ids)})` };
    for (const [i, id] of ids.entries()) {
      if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) return { error: `${at}, field "hash_ids": element ${i} is ${WHOLE} (${JSON.stringify(id)})` };
    }
  }
  const skip = lengthSkip(inputTokens, outputTokens);
  if (skip !== null) return { skip };
  const entry: TraceEntry = { timestampMs, inputTokens, outputTokens, sourceId: at };
  if (ids !== undefined) entry.hashIds = ids as number[];
  return { entry };
}

/**
 * A generic JSONL trace line: `timestamp` (ms), `input_length`, `output_length`, and optionally the
 * request itself, `prompt` (a string) or `messages` ([{role, content}]). With a prompt or messages,
 * input_length may be left out: inputTokens is then -1, to be counted by the caller.
 */
export function readTraceJsonlRow(text: string, line: number): TraceRowReading {
  const at = `line ${line}`;
  const obj = parseLine(text, at);
  if (typeof obj === 'string') return { error: obj };
  const timestampMs = jsonTimestamp(obj, at);
  if (typeof timestampMs === 'string') return { error: timestampMs };
  if (obj.prompt !== undefined && obj.messages !== undefined) return { error: `${at}: has both prompt and messages; give one` };
  let prompt: string | undefined;
  let messages: { role: string; content: string }[] | undefined;
  if (obj.prompt !== undefined) {
    if (typeof obj.prompt !== 'string' || obj.prompt === '') return { error: `${at}, field "prompt": not a non-empty string (${JSON.stringify(obj.prompt)})` };
    prompt = obj.prompt;
  } else if (obj.messages !== undefined) {
    const m = obj.messages;
    if (!Array.isArray(m) || m.length === 0) return { error: `${at}, field "messages": not a non-empty list` };
    for (const [i, msg] of m.entries()) {
      if (!isObject(msg) || typeof msg.role !== 'string' || typeof msg.content !== 'string') {
        return { error: `${at}, field "messages": element ${i} is not {"role": string, "content": string}` };
      }
    }
    messages = (m as { role: string; content: string }[]).map((x) => ({ role: x.role, content: x.content }));
  }
  const hasRequest = prompt !== undefined || messages !== undefined;
  let inputTokens: number | string = -1;
  if (obj.input_length !== undefined || !hasRequest) {
    inputTokens = jsonWhole(obj, 'input_length', at);
    if (typeof inputTokens === 'string') return { error: hasRequest ? inputTokens : inputTokens.replace(/: missing$/, ': missing (needed without a prompt or messages)') };
  }
  const outputTokens = jsonWhole(obj, 'output_length', at);
  if (typeof outputTokens === 'string') return { error: outputTokens };
  const skip = lengthSkip(inputTokens, outputTokens);
  if (skip !== null) return { skip };
  const entry: TraceEntry = { timestampMs, inputTokens, outputTokens, sourceId: at };
  if (prompt !== undefined) entry.prompt = prompt;
  if (messages !== undefined) entry.messages = messages;
  return { entry };
}

/**
 * A BurstGPT row (HPMLL/BurstGPT data/BurstGPT_*.csv: `Timestamp` in seconds from the trace's start,
 * `Model` (ChatGPT, GPT-4), `Request tokens`, `Response tokens`, `Total tokens`, `Log Type`; the
 * later release adds `Session ID` and `Elapsed time`, ignored here). `Response tokens` 0 marks a
 * failed request (the BurstGPT_without_fails_* files are the same rows without them): skipped.
 * `modelFilter` keeps one model, compared without regard to case.
 */
export function readBurstGptRow(rec: CsvRecord, line: number, o: { modelFilter?: string } = {}): TraceRowReading {
  const at = `line ${line}`;
  const ts = rec.Timestamp;
  if (ts === undefined) return { error: `${at}, column "Timestamp": missing` };
  const seconds = DECIMAL.test(ts) ? Number(ts) : NaN;
  if (!Number.isFinite(seconds)) return { error: `${at}, column "Timestamp": not a number of seconds >= 0 (${JSON.stringify(ts)})` };
  const inputTokens = csvWhole(rec, 'Request tokens', at);
  if (typeof inputTokens === 'string') return { error: inputTokens };
  const outputTokens = csvWhole(rec, 'Response tokens', at);
  if (typeof outputTokens === 'string') return { error: outputTokens };
  if (o.modelFilter !== undefined) {
    const model = rec.Model;
    if (model === undefined) return { error: `${at}, column "Model": missing` };
    if (model.toLowerCase() !== o.modelFilter.trim().toLowerCase()) return { skip: 'other model' };
  }
  if (outputTokens === 0) return { skip: 'zero response tokens' };
  const skip = lengthSkip(inputTokens, outputTokens);
  if (skip !== null) return { skip };
  return { entry: { timestampMs: seconds * 1000, inputTokens, outputTokens, sourceId: at } };
}

/**
 * An Azure LLM inference trace row (Azure/AzurePublicDataset AzureLLMInferenceTrace_{code,conv}.csv
 * and the 2024 *_1week.csv: `TIMESTAMP`, `ContextTokens`, `GeneratedTokens`).
 */
export function readAzureRow(rec: CsvRecord, line: number): TraceRowReading {
  const at = `line ${line}`;
  const ts = rec.TIMESTAMP;
  if (ts === undefined) return { error: `${at}, column "TIMESTAMP": missing` };
  const timestampMs = parseAzureTimestamp(ts);
  if (timestampMs === null) return { error: `${at}, column "TIMESTAMP": not a date and time like 2023-11-16 18:15:46.6805900 (${JSON.stringify(ts)})` };
  const inputTokens = csvWhole(rec, 'ContextTokens', at);
  if (typeof inputTokens === 'string') return { error: inputTokens };
  const outputTokens = csvWhole(rec, 'GeneratedTokens', at);
  if (typeof outputTokens === 'string') return { error: outputTokens };
  const skip = lengthSkip(inputTokens, outputTokens);
  if (skip !== null) return { skip };
  return { entry: { timestampMs, inputTokens, outputTokens, sourceId: at } };
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:\s*(Z|[+-]\d{2}:?\d{2}))?$/;

/**
 * Ms since the Unix epoch of an Azure trace TIMESTAMP, or null. The 2023 traces write
 * `2023-11-16 18:15:46.6805900` (100 ns ticks, no zone: UTC), the 2024 ones
 * `2024-05-12 00:00:00.001163+00:00`, and `2024-05-12 00:00:00+00:00` when the fraction is zero.
 * Date.parse is not used: engines disagree on more than 3 fractional digits and on a missing zone
 * (local time). The fraction is read to the ns; near 1.7e12 ms a double resolves 2^-12 ms (~0.24 us),
 * so 100 ns ticks are rounded to that: far below what a scheduler can honour.
 */
export function parseAzureTimestamp(text: string): number | null {
  const m = DATE_TIME.exec(text);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (h > 23 || mi > 59 || s > 59) return null;
  const wholeMs = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(wholeMs);
  // Date.UTC rolls 2023-02-30 over to March 2: a date that does not round-trip does not exist.
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return null;
  // Integer ns over 1e6: one correctly rounded division, so "6805900" gives 680.59 exactly as written.
  const fractionMs = m[7] ? Number(m[7].padEnd(9, '0')) / 1e6 : 0;
  let zoneMs = 0;
  const zone = m[8];
  if (zone !== undefined && zone !== 'Z') {
    const zh = Number(zone.slice(1, 3));
    const zm = Number(zone.slice(-2));
    if (zh > 23 || zm > 59) return null;
    zoneMs = (zone[0] === '-' ? -1 : 1) * (zh * 60 + zm) * 60_000;
  }
  return wholeMs - zoneMs + fractionMs;
}
