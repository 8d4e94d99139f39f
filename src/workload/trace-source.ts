import type { ChatMessage } from '../clients/protocol.js';
import { createRng, deriveSeed } from '../core/arrival/rng.js';
import { buildExactText, fitJoined, type WordPool } from '../core/prompts/token-exact.js';
import { promptWords, type WorkloadItem } from '../core/prompts/workload-item.js';
import type { TraceFormat } from '../core/trace/trace-entry.js';
import { traceSchedule } from '../core/trace/trace-window.js';
import type { Tokenizer } from '../tokenizers/tokenizer.js';
import { readTrace, type TraceReadStats } from './read-trace.js';

/** Tokens per Mooncake hash block (the trace's own block size). */
export const MOONCAKE_BLOCK_TOKENS = 512;

export interface TraceReplayOptions {
  path: string;
  format: TraceFormat;
  /** Entries to replay at most (--total_requests). */
  maxEntries: number;
  timeScale: number;
  startS?: number;
  windowS?: number;
  modelFilter?: string;
  skipBadRows: boolean;
  seed: number;
  tokenizer: Tokenizer;
  pool: WordPool;
}

export interface TraceReplay {
  items: WorkloadItem[];
  /** Intended send offsets (ms from the run's start), one per item, non-decreasing. */
  offsetsMs: number[];
  stats: TraceReadStats;
  /** The slice held more entries than maxEntries: the replay stopped at the cap. */
  capped: boolean;
}

/**
 * A trace as requests: send times from its timestamps (shifted to the slice, scaled), output lengths
 * from its answers, prompts from the row (generic JSONL with a prompt) or built token-exact to its
 * input length. Mooncake's hash_ids name 512-token blocks: block k's text is drawn from (seed, id k),
 * so requests that share leading ids share leading prompt text, and a replay exercises a prefix cache
 * as the original traffic did. The last block of a prompt is cut to the tokens that remain.
 */
export async function loadTraceReplay(o: TraceReplayOptions): Promise<TraceReplay> {
  const when = traceSchedule({ timeScale: o.timeScale, ...(o.startS !== undefined ? { startS: o.startS } : {}), ...(o.windowS !== undefined ? { windowS: o.windowS } : {}) });
  const blocks = new Map<number, string[]>();
  const blockWords = (id: number): string[] => {
    let w = blocks.get(id);
    if (!w) {
      const rng = createRng(deriveSeed(o.seed, `trace-block ${id}`));
      w = Array.from({ length: MOONCAKE_BLOCK_TOKENS }, () => o.pool.words[rng.int(o.pool.words.length)]!);
      blocks.set(id, w);
    }
    return w;
  };
  const textRng = createRng(deriveSeed(o.seed, 'trace-prompts'));
  const items: WorkloadItem[] = [];
  const offsetsMs: number[] = [];
  let first: number | undefined;
  let capped = false;
  const stats = await readTrace({
    path: o.path,
    format: o.format,
    skipBadRows: o.skipBadRows,
    ...(o.modelFilter !== undefined ? { modelFilter: o.modelFilter } : {}),
    onEntry: async (e) => {
      first ??= e.timestampMs;
      const at = when(e.timestampMs, first);
      if (at === null) return undefined;
      if (at === 'stop') return 'stop';
      if (items.length >= o.maxEntries) {
        capped = true;
        return 'stop';
      }
      let prompt: string | ChatMessage[];
      let inputTokens: number;
      if (e.messages) {
        prompt = e.messages;
        inputTokens = 0;
        for (const m of e.messages) inputTokens += await o.tokenizer.count(m.content);
      } else if (e.prompt !== undefined) {
        prompt = e.prompt;
        inputTokens = await o.tokenizer.count(e.prompt);
      } else if (e.hashIds && e.hashIds.length > 0) {
        const words: string[] = [];
        for (const id of e.hashIds) {
          const w = blockWords(id);
          words.push(...w.slice(0, Math.min(MOONCAKE_BLOCK_TOKENS, e.inputTokens - words.length)));
          if (words.length >= e.inputTokens) break;
        }
        const head = words.join('');
        // Past the named blocks (a trace whose input is longer than its ids cover), fresh words.
        const tail = words.length < e.inputTokens ? await fitJoined(o.tokenizer, o.pool, head, '', e.inputTokens, textRng) : '';
        prompt = head + tail;
        inputTokens = await o.tokenizer.count(prompt);
      } else {
        prompt = await buildExactText(o.tokenizer, o.pool, e.inputTokens, textRng);
        inputTokens = e.inputTokens;
      }
      items.push({ sourceId: e.sourceId, prompt, inputTokens, words: promptWords(prompt), outputTokens: e.outputTokens });
      offsetsMs.push(at);
      return undefined;
    },
  });
  return { items, offsetsMs, stats, capped };
}
