import type { ChatMessage } from '../../clients/protocol.js';

/**
 * One request as a request source yields it: what to send, how long it is, how long an answer to ask
 * for, and where it came from. Sources (words, random, sharegpt, jsonl; traces and sessions later)
 * all yield this, so the runner, the records and the checks treat every source alike.
 */
export interface WorkloadItem {
  /** The source's own name for the request: `row 17 (id abc)`, `line 42`, `random 3`. */
  sourceId: string;
  /** A text prompt, or chat messages (a chat dataset; a shared prefix sent as a system message). */
  prompt: string | ChatMessage[];
  /**
   * Input tokens under the run's tokenizer, without special tokens; for chat, the sum over message
   * contents (the server's chat template adds its own, recorded per request as templateTokens).
   * null when the source does not count tokens (the seed's words: they count words).
   */
  inputTokens: number | null;
  /** Whitespace-separated words of the whole prompt (the seed's `promptWords`; all messages for chat). */
  words: number;
  /** Output length to ask for; undefined lets the server decide. */
  outputTokens?: number;
  /** Which shared prefix (--prefix-groups) the request was drawn into. */
  prefixGroup?: number;
  /** Fields of a dataset row that llmload does not use, kept for the record. */
  info?: Record<string, unknown>;
}

/** Whitespace-separated words in a text: the unit the seed prototype counted. */
export function countWords(text: string): number {
  let n = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const space = c === 32 || (c >= 9 && c <= 13) || c === 160;
    if (!space && !inWord) n++;
    inWord = !space;
  }
  return n;
}

/** Words of a prompt, text or messages. */
export function promptWords(prompt: string | readonly ChatMessage[]): number {
  if (typeof prompt === 'string') return countWords(prompt);
  let n = 0;
  for (const m of prompt) n += countWords(m.content);
  return n;
}
