import type { ChatMessage } from '../../clients/protocol.js';

/**
 * One dataset row as llmload uses it, before tokenizing: what to send, the reference answer whose
 * length becomes the output length (ShareGPT), or an output length given outright (JSONL).
 */
export interface DatasetRow {
  /** Where the row is: `$[17]` (ShareGPT), `line 42` (JSONL); with the row's own id when it has one. */
  sourceId: string;
  prompt: string | ChatMessage[];
  /** ShareGPT: the model's reply; its token count is the output length unless --output-tokens is given. */
  reply?: string;
  /** JSONL: output_tokens (or max_tokens) of the row. */
  outputTokens?: number;
  /** Fields llmload does not use, kept in the record's source info. */
  info?: Record<string, unknown>;
}

/** A row read: usable, left out by design (a conversation with no reply), or malformed. */
export type RowReading = { row: DatasetRow } | { skip: string } | { error: string };

const HUMAN = new Set(['human', 'user']);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function idPart(id: unknown): string {
  return typeof id === 'string' || typeof id === 'number' ? ` (id ${String(id)})` : '';
}

/**
 * A ShareGPT row (`{id, conversations: [{from, value}, ...]}`, as vLLM, SGLang and GuideLLM read it):
 * the first human turn is the prompt and the turn after it the reply. A conversation without such a
 * pair is skipped, as vLLM skips conversations of fewer than two turns; a row that is not shaped like
 * ShareGPT at all is an error naming its JSON path.
 */
export function readShareGptRow(value: unknown, index: number): RowReading {
  const at = `$[${index}]`;
  if (!isObject(value)) return { error: `${at}: not an object (a ShareGPT row is {"id", "conversations": [{"from", "value"}, ...]})` };
  const turns = value.conversations;
  if (!Array.isArray(turns)) return { error: `${at}.conversations: missing or not a list` };
  for (const [j, t] of turns.entries()) {
    if (!isObject(t)) return { error: `${at}.conversations[${j}]: not an object` };
    if (typeof t.value !== 'string') return { error: `${at}.conversations[${j}].value: not a string` };
    if (typeof t.from !== 'string') return { error: `${at}.conversations[${j}].from: not a string` };
  }
  const turnList = turns as { from: string; value: string }[];
  const first = turnList.findIndex((t) => HUMAN.has(t.from.toLowerCase()));
  if (first < 0 || first + 1 >= turnList.length) return { skip: 'no human turn with a reply' };
  const prompt = turnList[first]!.value;
  if (prompt.length === 0) return { skip: 'empty prompt' };
  return { row: { sourceId: `${at}${idPart(value.id)}`, prompt, reply: turnList[first + 1]!.value } };
}

const JSONL_FIELDS = new Set(['prompt', 'messages', 'output_tokens', 'max_tokens', 'id']);

/**
 * A JSONL row: one object with `prompt` (a string) or `messages` (chat: [{role, content}]), optional
 * `output_tokens` (or `max_tokens`) and `id`; any other field is kept as the row's info. `line` is
 * 1-based; blank lines are skipped by the caller.
 */
export function readJsonlRow(text: string, line: number): RowReading {
  const at = `line ${line}`;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { error: `${at}: not valid JSON (${(err as Error).message})` };
  }
  if (!isObject(value)) return { error: `${at}: not a JSON object` };
  const hasPrompt = value.prompt !== undefined;
  const hasMessages = value.messages !== undefined;
  if (hasPrompt && hasMessages) return { error: `${at}: has both prompt and messages; give one` };
  let prompt: string | ChatMessage[];
  if (hasPrompt) {
    if (typeof value.prompt !== 'string') return { error: `${at}: prompt is not a string` };
    if (value.prompt.length === 0) return { error: `${at}: prompt is empty` };
    prompt = value.prompt;
  } else if (hasMessages) {
    const m = value.messages;
    if (!Array.isArray(m) || m.length === 0) return { error: `${at}: messages is not a non-empty list` };
    for (const [j, msg] of m.entries()) {
      if (!isObject(msg) || typeof msg.role !== 'string' || typeof msg.content !== 'string') {
        return { error: `${at}: messages[${j}] is not {"role": string, "content": string}` };
      }
    }
    prompt = (m as { role: string; content: string }[]).map((x) => ({ role: x.role, content: x.content }));
  } else {
    return { error: `${at}: has neither prompt (a string) nor messages (a list of {role, content})` };
  }
  const row: DatasetRow = { sourceId: `${at}${idPart(value.id)}`, prompt };
  for (const key of ['output_tokens', 'max_tokens'] as const) {
    const v = value[key];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) return { error: `${at}: ${key} must be a whole number >= 1, got ${JSON.stringify(v)}` };
    row.outputTokens ??= v;
  }
  const info = Object.fromEntries(Object.entries(value).filter(([k]) => !JSONL_FIELDS.has(k)));
  if (value.id !== undefined) info.id = value.id;
  if (Object.keys(info).length) row.info = info;
  return { row };
}
